// Writes test/fixtures/ops/<family>.samples.json: every OpInfo sample with concrete values, for tools/gen_op_fixtures.py.
import { mkdirSync, writeFileSync } from "node:fs";
import { opFamilies } from "../src/ops/registry.ts";
import { sampleFile } from "../test/helpers/samples.ts";

const dir = new URL("../test/fixtures/ops/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [family, infos] of Object.entries(opFamilies())) {
  writeFileSync(new URL(`${family}.samples.json`, dir), JSON.stringify(sampleFile(infos)) + "\n");
}
console.log(`wrote ${Object.keys(opFamilies()).length} sample files to ${dir.pathname}`);
