// Tensor repr tests: formatTensor against real PyTorch 1.13 reprs, plus exact decimal formatting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatFixed, formatSci, formatTensor } from "../src/format.ts";
import type { DType } from "../src/dtype.ts";

/** One entry of test/fixtures/print.json, written by tools/gen_print_fixtures.py. */
interface PrintFixture {
  name: string;
  shape: number[];
  dtype: DType;
  values: (number | string)[];
  requiresGrad: boolean;
  gradFnName: string | null;
  repr: string;
}

const SPECIAL_VALUES: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 };

function decodeValue(v: number | string): number {
  if (typeof v === "number") return v;
  const decoded = SPECIAL_VALUES[v];
  if (decoded === undefined) throw new Error(`unknown encoded value ${JSON.stringify(v)}`);
  return decoded;
}

const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/print.json", import.meta.url), "utf8"),
) as PrintFixture[];

test("fixture file has a broad sweep", () => {
  assert.ok(fixtures.length >= 80, `only ${fixtures.length} fixtures`);
});

for (const f of fixtures) {
  test(`repr: ${f.name}`, () => {
    const printed = formatTensor({
      shape: f.shape,
      dtype: f.dtype,
      values: f.values.map(decodeValue),
      requiresGrad: f.requiresGrad,
      gradFnName: f.gradFnName,
    });
    assert.equal(printed, f.repr);
  });
}

test("formatTensor reads float32 storage directly", () => {
  const values = new Float32Array([0.1, -2.5, 0.03125]);
  const printed = formatTensor({ shape: [3], dtype: "float32", values, requiresGrad: false, gradFnName: null });
  assert.equal(printed, "tensor([ 0.1000, -2.5000,  0.0312])");
});

test("formatFixed rounds half to even on the exact binary value", () => {
  assert.equal(formatFixed(0.03125, 4), "0.0312");
  assert.equal(formatFixed(0.09375, 4), "0.0938");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(3.5, 0), "4");
  assert.equal(formatFixed(-2.5, 0), "-2");
  assert.equal(formatFixed(0.125, 2), "0.12");
  // 1.005 is stored just below 1.005, so it rounds down (toFixed agrees here, but by accident).
  assert.equal(formatFixed(1.005, 2), "1.00");
  assert.equal(formatFixed(1e-5, 4), "0.0000");
  assert.equal(formatFixed(-1e-5, 4), "-0.0000");
  assert.equal(formatFixed(-0, 4), "-0.0000");
  assert.equal(formatFixed(123456789, 4), "123456789.0000");
  assert.equal(formatFixed(1e21, 0), "1000000000000000000000");
  assert.equal(formatFixed(0.1, 20), "0.10000000000000000555");
  assert.equal(formatFixed(NaN, 4), "nan");
  assert.equal(formatFixed(Infinity, 4), "inf");
  assert.equal(formatFixed(-Infinity, 0), "-inf");
});

test("formatSci matches Python's '{:.Ne}'", () => {
  assert.equal(formatSci(1e-5, 4), "1.0000e-05");
  assert.equal(formatSci(123456789, 4), "1.2346e+08");
  assert.equal(formatSci(0.03125, 3), "3.125e-02");
  assert.equal(formatSci(0.03125, 2), "3.12e-02");
  assert.equal(formatSci(2.5, 0), "2e+00");
  assert.equal(formatSci(9.99995e-5, 4), "9.9999e-05");
  assert.equal(formatSci(9.99996e5, 4), "1.0000e+06");
  assert.equal(formatSci(1e100, 4), "1.0000e+100");
  assert.equal(formatSci(5e-324, 4), "4.9407e-324");
  assert.equal(formatSci(1.7976931348623157e308, 4), "1.7977e+308");
  assert.equal(formatSci(0, 4), "0.0000e+00");
  assert.equal(formatSci(-0, 4), "-0.0000e+00");
  assert.equal(formatSci(-1000, 4), "-1.0000e+03");
  assert.equal(formatSci(NaN, 4), "nan");
  assert.equal(formatSci(-Infinity, 4), "-inf");
});
