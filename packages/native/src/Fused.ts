/**
 * Kernels tfjs has no counterpart for, registered on the wasm backend under their own
 * names and run with `tf.engine().runKernel` (see Ops.ts). They read and write the wasm
 * heap in place; the formulas are in csrc/kernels.h and in @epo/policy's ops, whose
 * gradients they compute.
 */
import type * as tf from "@tensorflow/tfjs"
import type { Addon } from "./Addon.js"
import { heap, offset, size, type WasmBackend } from "./Heap.js"

export const names = {
  attention: "EpoAttention",
  attentionGrad: "EpoAttentionGrad",
  layerNorm: "EpoLayerNorm",
  layerNormGrad: "EpoLayerNormGrad",
  gelu: "EpoGelu",
  columnSum: "EpoColumnSum",
  tokenStats: "EpoTokenStats",
  tokenStatsGrad: "EpoTokenStatsGrad",
  adamw: "EpoAdamW",
  sumOfSquares: "EpoSumOfSquares"
} as const

type KernelArgs = Parameters<tf.KernelFunc>[0]
type Inputs = Record<string, tf.TensorInfo | undefined>

export interface AttentionAttrs {
  readonly batch: number
  readonly time: number
  readonly heads: number
  /** Every key after its query is masked: blocks of queries skip those keys. */
  readonly causal: boolean
}

/** Without a mask tensor the mask is the plain causal one (0 up to each query, -∞ after). */
const attentionShape = (qkv: tf.TensorInfo, mask: tf.TensorInfo | undefined, a: AttentionAttrs) => {
  const d = qkv.shape[1]! / 3
  return { d, headSize: d / a.heads, maskRows: mask === undefined ? 0 : size(mask.shape) / (a.time * a.time) }
}

const maskOffset = (w: WasmBackend, mask: tf.TensorInfo | undefined) => (mask === undefined ? -1 : offset(w, mask))

/** inputs { qkv [B*T, 3d], mask? [1 or B, T, T] }, attrs AttentionAttrs & { stats } -> out [B*T, d] (, stats [B*H*T, 2]) */
const attention =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { qkv, mask } = inputs as Inputs
    const a = attrs as unknown as AttentionAttrs & { readonly stats: boolean }
    const w = backend as WasmBackend
    const { d, headSize, maskRows } = attentionShape(qkv!, mask, a)
    const out = w.makeOutput([a.batch * a.time, d], "float32")
    const stats = a.stats ? w.makeOutput([a.batch * a.heads * a.time, 2], "float32") : undefined
    if (a.batch * a.time > 0)
      addon.attentionForward(heap(w), offset(w, qkv!), maskOffset(w, mask), maskRows, a.batch, a.time, a.heads, headSize, a.causal, offset(w, out), stats === undefined ? -1 : offset(w, stats))
    return stats === undefined ? out : [out, stats]
  }

/** inputs { qkv, mask?, out, stats, dy } -> dqkv [B*T, 3d] */
const attentionGrad =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { qkv, mask, out, stats, dy } = inputs as Inputs
    const a = attrs as unknown as AttentionAttrs
    const w = backend as WasmBackend
    const { headSize, maskRows } = attentionShape(qkv!, mask, a)
    const dqkv = w.makeOutput([...qkv!.shape], "float32")
    if (size(dqkv.shape) > 0)
      addon.attentionBackward(heap(w), offset(w, qkv!), maskOffset(w, mask), maskRows, a.batch, a.time, a.heads, headSize, a.causal, offset(w, out!), offset(w, stats!), offset(w, dy!), offset(w, dqkv))
    return dqkv
  }

/** inputs { x [n, d], gain [d], bias [d] }, attrs { epsilon } -> y [n, d], stats [n, 2] (mean, 1/σ) */
const layerNorm =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { x, gain, bias } = inputs as Inputs
    const w = backend as WasmBackend
    const [n, d] = x!.shape as [number, number]
    const y = w.makeOutput([n, d], "float32")
    const stats = w.makeOutput([n, 2], "float32")
    if (n * d > 0)
      addon.layerNormForward(heap(w), offset(w, x!), offset(w, gain!), offset(w, bias!), n, d, (attrs as { epsilon: number }).epsilon, offset(w, y), offset(w, stats))
    return [y, stats]
  }

/** inputs { dy, x, gain, stats } -> dx [n, d], dgain [d], dbias [d] */
const layerNormGrad =
  (addon: Addon) =>
  ({ inputs, backend }: KernelArgs) => {
    const { dy, x, gain, stats } = inputs as Inputs
    const w = backend as WasmBackend
    const [n, d] = x!.shape as [number, number]
    const dx = w.makeOutput([n, d], "float32")
    const dg = w.makeOutput([d], "float32")
    const db = w.makeOutput([d], "float32")
    if (d > 0)
      addon.layerNormBackward(heap(w), offset(w, dy!), offset(w, x!), offset(w, gain!), offset(w, stats!), n, d, offset(w, dx), offset(w, dg), offset(w, db))
    return [dx, dg, db]
  }

/** inputs { x }, attrs { derivative } -> gelu(x) (, d gelu/dx) */
const gelu =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { x } = inputs as Inputs
    const w = backend as WasmBackend
    const y = w.makeOutput([...x!.shape], "float32")
    const derivative = (attrs as { derivative: boolean }).derivative ? w.makeOutput([...x!.shape], "float32") : undefined
    const n = size(x!.shape)
    if (n > 0) addon.gelu(heap(w), offset(w, x!), n, offset(w, y), derivative === undefined ? -1 : offset(w, derivative))
    return derivative === undefined ? y : [y, derivative]
  }

/** inputs { x [n, m] } -> column sums [m] */
const columnSum =
  (addon: Addon) =>
  ({ inputs, backend }: KernelArgs) => {
    const { x } = inputs as Inputs
    const w = backend as WasmBackend
    const [n, m] = x!.shape as [number, number]
    const out = w.makeOutput([m], "float32")
    if (m > 0) addon.columnSum(heap(w), offset(w, x!), n, m, offset(w, out))
    return out
  }

/** inputs { logits [n, V], targets int32 [n] }, attrs { temperature } -> stats [n, 2] (logp, entropy), lse [n] */
const tokenStats =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { logits, targets } = inputs as Inputs
    const w = backend as WasmBackend
    const [n, v] = logits!.shape as [number, number]
    const out = w.makeOutput([n, 2], "float32")
    const lse = w.makeOutput([n], "float32")
    if (n > 0)
      addon.tokenStats(heap(w), offset(w, logits!), offset(w, targets!), n, v, (attrs as { temperature: number }).temperature, offset(w, out), offset(w, lse))
    return [out, lse]
  }

/** inputs { logits, targets, out, lse, dy } -> dlogits [n, V] */
const tokenStatsGrad =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { logits, targets, out, lse, dy } = inputs as Inputs
    const w = backend as WasmBackend
    const [n, v] = logits!.shape as [number, number]
    const dlogits = w.makeOutput([n, v], "float32")
    if (n * v > 0)
      addon.tokenStatsBackward(heap(w), offset(w, logits!), offset(w, targets!), offset(w, out!), offset(w, lse!), offset(w, dy!), n, v, (attrs as { temperature: number }).temperature, offset(w, dlogits))
    return dlogits
  }

export interface AdamWAttrs {
  readonly scale: number
  readonly b1: number
  readonly b2: number
  readonly eps: number
  readonly weightDecay: number
  readonly learningRate: number
  /** 1 / (1 - β₁ᵗ) and 1 / (1 - β₂ᵗ). */
  readonly c1: number
  readonly c2: number
}

/** inputs { param, grad, mu, nu }, attrs AdamWAttrs -> mu', nu', increment (all shaped like param) */
const adamw =
  (addon: Addon) =>
  ({ inputs, backend, attrs }: KernelArgs) => {
    const { param, grad, mu, nu } = inputs as Inputs
    const a = attrs as unknown as AdamWAttrs
    const w = backend as WasmBackend
    const outs = [0, 1, 2].map(() => w.makeOutput([...param!.shape], "float32"))
    const n = size(param!.shape)
    if (n > 0)
      addon.adamw(heap(w), offset(w, param!), offset(w, grad!), offset(w, mu!), offset(w, nu!), n, a.scale, a.b1, a.b2, a.eps, a.weightDecay, a.learningRate, a.c1, a.c2, offset(w, outs[0]!), offset(w, outs[1]!), offset(w, outs[2]!))
    return outs
  }

/** inputs { 0: x₀, 1: x₁, ... } -> Σᵢ Σ xᵢ² as a float32 scalar (accumulated in double, in input order) */
const sumOfSquares =
  (addon: Addon) =>
  ({ inputs, backend }: KernelArgs) => {
    const w = backend as WasmBackend
    const xs = Object.keys(inputs)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => (inputs as Inputs)[k]!)
    let total = 0
    for (const x of xs) {
      const n = size(x.shape)
      if (n > 0) total += addon.sumOfSquares(heap(w), offset(w, x), n)
    }
    return w.makeOutput([], "float32", undefined, Float32Array.of(total))
  }

/** The custom kernels, by name. */
export const kernels = (addon: Addon): ReadonlyArray<readonly [string, tf.KernelFunc]> => [
  [names.attention, attention(addon) as tf.KernelFunc],
  [names.attentionGrad, attentionGrad(addon) as tf.KernelFunc],
  [names.layerNorm, layerNorm(addon) as tf.KernelFunc],
  [names.layerNormGrad, layerNormGrad(addon) as tf.KernelFunc],
  [names.gelu, gelu(addon) as tf.KernelFunc],
  [names.columnSum, columnSum(addon) as tf.KernelFunc],
  [names.tokenStats, tokenStats(addon) as tf.KernelFunc],
  [names.tokenStatsGrad, tokenStatsGrad(addon) as tf.KernelFunc],
  [names.adamw, adamw(addon) as tf.KernelFunc],
  [names.sumOfSquares, sumOfSquares(addon) as tf.KernelFunc]
]
