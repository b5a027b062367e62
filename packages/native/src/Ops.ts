/**
 * The custom native kernels as tensor functions (tf.engine().runKernel), for model code
 * that has checked `Registry.active()`. They record no gradient themselves: callers wrap
 * them in `tf.customGrad` with the matching gradient kernel.
 */
import * as tf from "@tensorflow/tfjs"
import { type AdamWAttrs, type AttentionAttrs, names } from "./Fused.js"

export type { AdamWAttrs, AttentionAttrs } from "./Fused.js"

const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap)

/** `{ mask }` when there is one: no mask is the plain causal mask. */
const withMask = (mask: tf.Tensor | undefined): tf.NamedTensorMap => (mask === undefined ? {} : { mask })

/**
 * Attention outputs [B*T, d] of packed qkv [B*T, 3d] under an additive mask [1 or B, T, T]
 * (undefined: the plain causal mask, with `causal` set); with `stats` also the softmax
 * statistics [B*H*T, 2] the gradient needs.
 */
export function attention(qkv: tf.Tensor2D, mask: tf.Tensor | undefined, attrs: AttentionAttrs, stats: true): [tf.Tensor2D, tf.Tensor2D]
export function attention(qkv: tf.Tensor2D, mask: tf.Tensor | undefined, attrs: AttentionAttrs, stats: false): tf.Tensor2D
export function attention(qkv: tf.Tensor2D, mask: tf.Tensor | undefined, attrs: AttentionAttrs, stats: boolean) {
  return run(names.attention, { qkv, ...withMask(mask) }, { ...attrs, stats })
}

/** dqkv [B*T, 3d] of `attention` given dy [B*T, d]. */
export const attentionGrad = (
  qkv: tf.Tensor2D,
  mask: tf.Tensor | undefined,
  out: tf.Tensor2D,
  stats: tf.Tensor2D,
  dy: tf.Tensor2D,
  attrs: AttentionAttrs
): tf.Tensor2D => run(names.attentionGrad, { qkv, out, stats, dy, ...withMask(mask) }, { ...attrs }) as tf.Tensor2D

/** LayerNorm y [n, d] of x and the row statistics [n, 2] (mean, 1/σ). */
export const layerNorm = (x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): [tf.Tensor2D, tf.Tensor2D] =>
  run(names.layerNorm, { x, gain, bias }, { epsilon }) as [tf.Tensor2D, tf.Tensor2D]

/** [dx, dgain, dbias] of `layerNorm` given dy. */
export const layerNormGrad = (dy: tf.Tensor2D, x: tf.Tensor2D, gain: tf.Tensor1D, stats: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] =>
  run(names.layerNormGrad, { dy, x, gain, stats }) as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]

/** GELU (tanh) of x, with its derivative when asked. */
export function gelu(x: tf.Tensor, derivative: true): [tf.Tensor, tf.Tensor]
export function gelu(x: tf.Tensor, derivative: false): tf.Tensor
export function gelu(x: tf.Tensor, derivative: boolean) {
  return run(names.gelu, { x }, { derivative })
}

/** Column sums [m] of x [n, m]. */
export const columnSum = (x: tf.Tensor2D): tf.Tensor1D => run(names.columnSum, { x }) as tf.Tensor1D

/** Per-token [log-probability, entropy] [n, 2] of `targets` under softmax(logits / temperature), and lse [n] for the gradient. */
export const tokenStats = (logits: tf.Tensor2D, targets: tf.Tensor1D, temperature: number): [tf.Tensor2D, tf.Tensor1D] =>
  run(names.tokenStats, { logits, targets }, { temperature }) as [tf.Tensor2D, tf.Tensor1D]

/** dlogits of `tokenStats` given dy [n, 2]. */
export const tokenStatsGrad = (logits: tf.Tensor2D, targets: tf.Tensor1D, out: tf.Tensor2D, lse: tf.Tensor1D, dy: tf.Tensor2D, temperature: number): tf.Tensor2D =>
  run(names.tokenStatsGrad, { logits, targets, out, lse, dy }, { temperature }) as tf.Tensor2D

/** One AdamW step of one parameter: [mu', nu', increment]. */
export const adamw = (param: tf.Tensor, grad: tf.Tensor, mu: tf.Tensor, nu: tf.Tensor, attrs: AdamWAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] =>
  run(names.adamw, { param, grad, mu, nu }, { ...attrs }) as [tf.Tensor, tf.Tensor, tf.Tensor]

/** Σ x² over all the tensors, a float32 scalar. */
export const sumOfSquares = (xs: ReadonlyArray<tf.Tensor>): tf.Scalar => run(names.sumOfSquares, Object.fromEntries(xs.map((x, i) => [String(i), x]))) as tf.Scalar
