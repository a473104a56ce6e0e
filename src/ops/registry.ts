// Every op family's OpInfo list, in one place for the generated tests and the fixture dump.
import type { OpInfo } from "./opinfo.ts";
import { UNARY_INFO } from "./unary.ts";
import { BINARY_INFO } from "./binary.ts";
import { REDUCE_INFO } from "./reduce.ts";
import { MOVEMENT_INFO } from "./movement.ts";
import { LINALG_INFO } from "./linalg.ts";
import { INDEX_INFO } from "./indexing.ts";
import { INPLACE_INFO } from "./inplace.ts";
import { CREATION_INFO } from "./creation.ts";

/** All ops with samples. A new family adds its list here. */
export function allOpInfos(): OpInfo[] {
  return [...UNARY_INFO, ...BINARY_INFO, ...REDUCE_INFO, ...MOVEMENT_INFO, ...LINALG_INFO, ...INDEX_INFO, ...INPLACE_INFO, ...CREATION_INFO];
}
