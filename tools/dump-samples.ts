// Writes test/fixtures/op-samples.json: every OpInfo sample with concrete values, for tools/gen_op_fixtures.py.
import { writeFileSync } from "node:fs";
import { allOpInfos } from "../src/ops/registry.ts";
import { sampleFile } from "../test/helpers/samples.ts";

const path = new URL("../test/fixtures/op-samples.json", import.meta.url);
writeFileSync(path, JSON.stringify(sampleFile(allOpInfos())) + "\n");
console.log(`wrote ${path.pathname}`);
