// torch.utils: checkpointing (data loading arrives with the nn issue).
export * as checkpoint from "./checkpoint.ts";
