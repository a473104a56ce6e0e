// The seed walkthrough (examples/autograd-intro.ts) prints, byte for byte, what PyTorch printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

test("examples/autograd-intro.ts prints the seed's expected output", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", "examples/autograd-intro.ts"], { cwd: root, encoding: "utf8" });
  const expected = readFileSync(new URL("./fixtures/seed-expected-output.txt", import.meta.url), "utf8");
  assert.equal(out, expected);
});
