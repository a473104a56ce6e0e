// torch.nn: for now the functional namespace (modules, layers and init arrive with the nn issue).
export * as functional from "./functional.ts";
