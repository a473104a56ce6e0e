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
// Extension areas (imports): each workstream imports its new families between its own markers.
// ---- [unary-ext] begin ----
import { ACTIVATION_INFO } from "./activation.ts";
// ---- [unary-ext] end ----
// ---- [binary-ext] begin ----
import { TERNARY_INFO } from "./ternary.ts";
import { COMPARE_INFO } from "./compare.ts";
// ---- [binary-ext] end ----
// ---- [reduce-ext] begin ----
import { SELECT_INFO } from "./select.ts";
import { SORT_INFO } from "./sort.ts";
import { SCAN_INFO } from "./scan.ts";
import { STATS_INFO } from "./reduce-stats.ts";
// ---- [reduce-ext] end ----
// ---- [shape-ext] begin ----
import { JOIN_INFO } from "./join.ts";
import { GATHER_INFO } from "./gather-info.ts";
import { SHAPE_INFO } from "./shape-info.ts";
// ---- [shape-ext] end ----
// ---- [index-ext] begin ----
// ---- [index-ext] end ----
// ---- [linalg-ext] begin ----
import { LINALG_EXT_INFO } from "./linalg-ext.ts";
import { EINSUM_INFO } from "./einsum.ts";
import { LINALG_NORM_INFO } from "./linalg-norm.ts";
import { LINALG_SOLVE_INFO } from "./linalg-solve-info.ts";
import { SVD_INFO } from "./linalg-svd.ts";
// ---- [linalg-ext] end ----
// ---- [random-ext] begin ----
// ---- [random-ext] end ----
// ---- [nn-ext] begin ----
import { LOSS_INFO, NORMALIZATION_INFO, NN_MISC_INFO } from "./nn-info.ts";
import { SOFTMAX_INFO } from "./softmax.ts";
import { CTC_INFO } from "./ctc.ts";
// ---- [nn-ext] end ----
// ---- [conv-ext] begin ----
import { CONV_INFO, POOL_INFO, PAD_INFO, RESAMPLE_INFO } from "./conv-info.ts";
// ---- [conv-ext] end ----


/** Every op with samples, by family (one fixture file per family). A new family adds its list here. */
export function opFamilies(): Record<string, OpInfo[]> {
  return {
    unary: UNARY_INFO, binary: BINARY_INFO, reduce: REDUCE_INFO, movement: MOVEMENT_INFO,
    linalg: LINALG_INFO, indexing: INDEX_INFO, inplace: INPLACE_INFO, creation: CREATION_INFO,
    // Extension areas: each op-library workstream registers its new families between its own markers.
    // ---- [unary-ext] begin ----
    activation: ACTIVATION_INFO,
    // ---- [unary-ext] end ----
    // ---- [binary-ext] begin ----
    ternary: TERNARY_INFO, compare: COMPARE_INFO,
    // ---- [binary-ext] end ----
    // ---- [reduce-ext] begin ----
    "reduce-select": SELECT_INFO, sort: SORT_INFO, scan: SCAN_INFO, "reduce-stats": STATS_INFO,
    // ---- [reduce-ext] end ----
    // ---- [shape-ext] begin ----
    join: JOIN_INFO, gather: GATHER_INFO, shape: SHAPE_INFO,
    // ---- [shape-ext] end ----
    // ---- [index-ext] begin ----
    // ---- [index-ext] end ----
    // ---- [linalg-ext] begin ----
    linalgExt: LINALG_EXT_INFO, einsum: EINSUM_INFO, linalgNs: LINALG_NORM_INFO, linalgSolve: LINALG_SOLVE_INFO,
    svd: SVD_INFO,
    // ---- [linalg-ext] end ----
    // ---- [random-ext] begin ----
    // ---- [random-ext] end ----
    // ---- [nn-ext] begin ----
    softmax: SOFTMAX_INFO, loss: LOSS_INFO, normalization: NORMALIZATION_INFO, "nn-misc": NN_MISC_INFO, ctc: CTC_INFO,
    // ---- [nn-ext] end ----
    // ---- [conv-ext] begin ----
    conv: CONV_INFO, pool: POOL_INFO, pad: PAD_INFO, resample: RESAMPLE_INFO,
    // ---- [conv-ext] end ----
  };
}

/** All ops with samples. */
export function allOpInfos(): OpInfo[] {
  return Object.values(opFamilies()).flat();
}
