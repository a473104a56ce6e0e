// Writes test/fixtures/ops/linalgNs.samples.json: the torch.linalg namespace samples (dotted names the generated op tests cannot call yet).
import { writeFileSync } from "node:fs";
import { LINALG_NORM_INFO } from "../src/ops/linalg-norm.ts";
import { sampleFile } from "../test/helpers/samples.ts";

const file = new URL("../test/fixtures/ops/linalgNs.samples.json", import.meta.url);
writeFileSync(file, JSON.stringify(sampleFile(LINALG_NORM_INFO)) + "\n");
console.log(`wrote ${file.pathname}; then: /usr/bin/python3 tools/gen_op_fixtures.py linalgNs`);
