// Forward-mode AD through a small MLP (matmul, tanh, softmax, sum): JVP rules vs the generic linearity trick, same process, interleaved rounds.
// Run: node --conditions=source --import tsx bench/jvp-mlp.ts [--rounds 15] [--reps 20] [--batch 64] [--clock cpu]
import { performance } from "node:perf_hooks";
import * as torch from "tensorgrad";
import { setJvpRulesEnabled } from "../src/autograd/forward-ad.ts";
import { seededData } from "./harness.ts";

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const rounds = arg("rounds", 15), reps = arg("reps", 20), batch = arg("batch", 64);
const [nIn, nHidden, nOut] = [32, 64, 10];

let seed = 7;
const rand = (...shape: number[]) => torch.tensor(seededData(shape.reduce((a, b) => a * b, 1), seed++)).reshape(shape);
const x = rand(batch, nIn), v = rand(batch, nIn);
const w1 = rand(nIn, nHidden).mul(0.2), b1 = rand(nHidden).mul(0.1), w2 = rand(nHidden, nOut).mul(0.2);
const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;

const mlp = (input: torch.Tensor) => torch.nn.functional.softmax(input.matmul(w1).add(b1).tanh().matmul(w2), 1).mul(torch.arange(nOut)).sum();
/** One forward-AD pass: the directional derivative of the MLP's loss along v. */
const pass = (): number => dualLevel(() => unpackDual(mlp(makeDual(x, v))).tangent!.item());

/** Milliseconds per call of `fn`: wall clock, or this process's CPU time with --clock cpu (robust on a busy machine). */
function perCall(fn: () => void): number {
  const cpu = process.argv.includes("cpu");
  const [w0, c0] = [performance.now(), process.cpuUsage()];
  for (let i = 0; i < reps; i++) fn();
  const c = process.cpuUsage(c0);
  return (cpu ? (c.user + c.system) / 1000 : performance.now() - w0) / reps;
}

function timeReps(rules: boolean): { ms: number; value: number } {
  const prev = setJvpRulesEnabled(rules);
  try {
    let value = 0;
    const ms = perCall(() => { value = pass(); });
    return { ms, value };
  } finally {
    setJvpRulesEnabled(prev);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The same MLP without forward AD, for scale. */
const plainMs = (): number => perCall(() => mlp(x).item());
timeReps(true);
timeReps(false); // warm-up
const withRules: number[] = [], generic: number[] = [], plain: number[] = [];
let values: [number, number] = [0, 0];
for (let k = 0; k < rounds; k++) {
  // alternate which variant goes first, so drift on a busy machine hits both alike
  const order = k % 2 === 0 ? [true, false] : [false, true];
  for (const rules of order) {
    const { ms, value } = timeReps(rules);
    (rules ? withRules : generic).push(ms);
    values[rules ? 0 : 1] = value;
  }
  plain.push(plainMs());
}
const [mr, mg] = [median(withRules), median(generic)];
console.log(`MLP ${batch}x${nIn} -> ${nHidden} (tanh) -> ${nOut} (softmax) -> sum, forward AD, ${rounds} rounds x ${reps} passes, ${process.argv.includes("cpu") ? "CPU" : "wall"} time`);
console.log(`JVP rules:        median ${mr.toFixed(3)} ms/pass (tangent ${values[0]})`);
console.log(`generic (linear): median ${mg.toFixed(3)} ms/pass (tangent ${values[1]})`);
console.log(`no forward AD:    median ${median(plain).toFixed(3)} ms/pass`);
console.log(`generic / rules = ${(mg / mr).toFixed(2)}x`);
