// Memory (DESIGN.md): a training loop keeps nothing for backward after each step, and its heap does not grow from step 100 to 1,000.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("a 1,000-step training loop frees its graphs and keeps a flat heap, with no dispose()", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = execFileSync(process.execPath, ["--expose-gc", "--conditions=source", "--import", "tsx", "test/helpers/train-loop.ts"], { cwd: root, encoding: "utf8" });
  const { heap, maxSavedAfterBackward } = JSON.parse(out.trim().split("\n").pop()!) as { heap: Record<string, number>; maxSavedAfterBackward: number };
  assert.equal(maxSavedAfterBackward, 0, "saved tensors are released by every backward");
  const growth = heap["1000"] - heap["100"];
  assert.ok(growth < 2 * 1024 * 1024, `heap grew by ${(growth / 1024).toFixed(0)} KiB from step 100 to 1000`);
});
