// Runs the seed walkthrough, a few ops and a worker's matmul thread team from the built package in headless Chromium (manual check; needs Debian's chromium).
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const expected = readFileSync(join(root, "test/fixtures/seed-expected-output.txt"), "utf8");

/** The walkthrough as a browser module: console.log lines are collected into the page. */
/**
 * A deferred chain (Note [deferred elementwise]): a*b+c and (a-b)*2 over 2^18 floats, read once, must
 * equal the ref backend's eager ops bit for bit.
 */
const CHAIN_CHECK = `
function chainAgrees(torch) {
  const [a, b, c] = [torch.randn(1 << 18), torch.randn(1 << 18), torch.randn(1 << 18)];
  const run = () => [a.mul(b).add(c), a.sub(b).mul(2)];
  const fast = run(), deferred = fast.every((t) => t._storage.pending);
  const prev = torch.backends.setBackend(torch.backends.refBackend);
  const slow = run();
  torch.backends.setBackend(prev);
  return "deferred " + deferred + " agree " + fast.every((t, i) => torch.equal(t, slow[i]));
}`;

const PAGE = `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"tensorgrad":"/dist/index.js"}}</script>
<pre id="out"></pre>
<script type="module">
import * as torch from "tensorgrad";
const lines = [];
const log = (s) => lines.push(String(s));
${CHAIN_CHECK}
try {
  const x = torch.arange(4.0);
  log(\`x is \${x}\`);
  x.requiresGrad_(true);
  log(\`The gradient of x is \${x.grad ?? "None"}\`);
  const y = torch.mul(3, torch.dot(x, x));
  y.backward();
  log(\`The gradient of x is \${x.grad ?? "None"}\`);
  log(\`Autograd produces expected results: \${x.grad.eq(x.mul(6))}\`);
  const f = (a) => (a.item() < 0 ? a.neg() : a);
  const a = torch.tensor([-5.0], { requiresGrad: true });
  const b = torch.tensor([3.0], { requiresGrad: true });
  const c = f(a); c.backward();
  const d = f(b); d.backward();
  log(\`Tensor a has the value: \${a}\`);
  log(\`Tensor b has the value: \${b}\`);
  log(\`Tensor f(a) has the value: \${c}\`);
  log(\`Tensor f(b) has the value: \${b}\`);
  log(\`Gradient for a: \${a.grad}\`);
  log(\`Gradient for b: \${b.grad}\`);
  log(\`Custom control flow produces expected gradnient for a: \${a.grad.eq(torch.tensor([-1]))}\`);
  log(\`Custom control flow produces expected gradnient for b: \${b.grad.eq(torch.tensor([1]))}\`);
  const loaded = await torch.backends.init();
  const m = torch.randn(64, 64).requiresGrad_();
  m.matmul(m).sum().backward();
  lines.push("BACKEND " + torch.backends.getBackend().name + " wasm matmul " + (loaded.wasmMatmul && torch.backends.isWasmMatmulLoaded()) + " grad " + m.grad.shape.join("x") + " wasm elementwise " + loaded.wasmElementwise + " main-thread threads " + loaded.threads);
  // a large float32 softmax and product on the main thread after init: the wasm kernels, checked against ref
  const big = torch.randn(64, 4096);
  const fastSm = torch.softmax(big, 1).mul(big);
  const prevBackend = torch.backends.setBackend(torch.backends.refBackend);
  const refSm = torch.softmax(big, 1).mul(big);
  torch.backends.setBackend(prevBackend);
  lines.push("ELEMENTWISE agree " + torch.allclose(fastSm, refSm, { rtol: 1e-5, atol: 1e-6 }));
  lines.push("CHAIN " + chainAgrees(torch));
  // a worker of this cross-origin-isolated page runs large products on a thread team
  const worker = new Worker("/worker.js", { type: "module" });
  lines.push(await new Promise((resolve) => { const seen = []; worker.onmessage = (e) => { seen.push(e.data); if (String(e.data).startsWith("WORKER")) resolve(e.data); }; worker.onerror = (e) => resolve("WORKER ERROR " + e.message); setTimeout(() => resolve("WORKER TIMEOUT after " + seen.join(", ")), 8000); }));
} catch (e) {
  lines.push("ERROR " + e.name + ": " + e.message);
}
await fetch("/result", { method: "POST", body: lines.join("\\n") + "\\n" });
</script>`;

/** In a worker: a team of two threads, checked against one thread on the same product. */
const WORKER = `
import * as torch from "/dist/index.js";
${CHAIN_CHECK}
postMessage("isolated " + crossOriginIsolated);
try {
  postMessage("init");
  const { threads } = await torch.backends.init({ numThreads: 2 });
  postMessage("threads " + threads);
  torch.manualSeed(0);
  const a = torch.randn(300, 280), b = torch.randn(280, 260);
  const time = () => { const t0 = performance.now(); let c; for (let i = 0; i < 10; i++) c = torch.matmul(a, b); return [c, (performance.now() - t0) / 10]; };
  time();
  const [c2, ms2] = time();
  const chain = chainAgrees(torch);
  torch.setNumThreads(1);
  const [c1, ms1] = time();
  postMessage("WORKER threads " + threads + " agree " + torch.allclose(c2, c1, { rtol: 1e-5, atol: 1e-4 }) + " ms/product 2 threads " + ms2.toFixed(2) + " 1 thread " + ms1.toFixed(2) + " CHAIN " + chain);
} catch (e) {
  postMessage("WORKER ERROR " + e.name + ": " + e.message);
}`;

const TYPES: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".json": "application/json" };
/** What the page posts back, then the browser is closed. */
let report: (text: string) => void = () => {};
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/result") {
    let body = "";
    req.on("data", (d: Buffer) => { body += d.toString("utf8"); });
    req.on("end", () => { res.end(); report(body); });
    return;
  }
  // cross-origin isolation (shared memory for the worker's thread team)
  const isolated = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
  if (url.pathname === "/") { res.writeHead(200, { "content-type": "text/html", ...isolated }); res.end(PAGE); return; }
  if (url.pathname === "/worker.js") { res.writeHead(200, { "content-type": "text/javascript", ...isolated }); res.end(WORKER); return; }
  const file = normalize(join(root, url.pathname));
  if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...isolated });
  res.end(readFileSync(file));
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  // async: the page is served by this very process, so a synchronous spawn would deadlock
  const browser = execFile(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=/tmp/tg-chromium-${port}`,
    `http://127.0.0.1:${port}/`], { encoding: "utf8", timeout: 90_000 }, (err) => {
    if (err && !err.killed) console.log(`chromium: ${err.message.split("\n")[0]}`);
    server.close();
  });
  report = (text) => {
    browser.kill();
    const [walk, rest] = [text.slice(0, expected.length), text.slice(expected.length)];
    console.log(text);
    console.log(walk === expected ? "walkthrough: identical to PyTorch's output" : "walkthrough: DIFFERS");
    console.log(rest.trim());
    process.exitCode = walk === expected && rest.startsWith("BACKEND") && /WORKER threads 2 agree true.* CHAIN deferred true agree true/.test(rest) && /^CHAIN deferred true agree true$/m.test(rest) && /wasm elementwise true/.test(rest) && /ELEMENTWISE agree true/.test(rest) ? 0 : 1;
  };
});
