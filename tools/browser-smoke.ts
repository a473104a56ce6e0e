// Runs the seed walkthrough and a few ops from the built package in headless Chromium and compares the output (manual check; needs Debian's chromium).
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const expected = readFileSync(join(root, "test/fixtures/seed-expected-output.txt"), "utf8");

/** The walkthrough as a browser module: console.log lines are collected into the page. */
const PAGE = `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"tensorgrad":"/dist/index.js"}}</script>
<pre id="out"></pre>
<script type="module">
import * as torch from "tensorgrad";
const lines = [];
const log = (s) => lines.push(String(s));
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
  lines.push("BACKEND " + torch.backends.getBackend().name + " wasm matmul " + (loaded.wasmMatmul && torch.backends.isWasmMatmulLoaded()) + " grad " + m.grad.shape.join("x"));
} catch (e) {
  lines.push("ERROR " + e.name + ": " + e.message);
}
document.getElementById("out").textContent = lines.join("\\n") + "\\n";
</script>`;

const TYPES: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".json": "application/json" };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/") { res.writeHead(200, { "content-type": "text/html" }); res.end(PAGE); return; }
  const file = normalize(join(root, url.pathname));
  if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  res.end(readFileSync(file));
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  // async: the page is served by this very process, so a synchronous spawn would deadlock
  execFile(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=/tmp/tg-chromium-${port}`,
    "--virtual-time-budget=10000", "--dump-dom", `http://127.0.0.1:${port}/`], { encoding: "utf8", timeout: 60_000 }, (err, dom) => {
  server.close();
  if (err && !dom) throw err;
  const text = (dom.match(/<pre id="out">([\s\S]*?)<\/pre>/)?.[1] ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const [walk, rest] = [text.slice(0, expected.length), text.slice(expected.length)];
  console.log(text);
  console.log(walk === expected ? "walkthrough: identical to PyTorch's output" : "walkthrough: DIFFERS");
  console.log(rest.trim());
  process.exitCode = walk === expected && rest.startsWith("BACKEND") ? 0 : 1;
  });
});
