// Geometry types of the convolution and pooling kernels (the conv-ext part of the backend interface).
/** A convolution's spatial geometry (one entry per spatial dim): output o, kernel tap k read input o * stride - padding + k * dilation. */
export interface ConvGeometry {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly outSize: readonly number[];
}
/** One spatial dim of a pooling: for each output index, the input indices it reads and its factor of the divisor. */
export interface PoolDim {
  readonly taps: readonly (readonly number[])[];
  readonly factor: readonly number[];
}
