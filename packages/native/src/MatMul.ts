/**
 * `BatchMatMul` and `_FusedMatMul` for the wasm backend through oneDNN's sgemm, in place
 * on the wasm heap. Transposed operands cost nothing extra (sgemm reads them strided),
 * unlike the wasm kernel, which sends any transposed or batched product to a scalar loop.
 * Batch dimensions broadcast (as numpy does). Cases the native kernel does not cover
 * (other dtypes, a bias or PReLU slopes that are not one value or one per column) run the
 * kernel it replaced.
 */
import * as tf from "@tensorflow/tfjs"
import type { Addon } from "./Addon.js"
import { heap, offset, size, type WasmBackend } from "./Heap.js"

type KernelArgs = Parameters<tf.KernelFunc>[0]

/** Activations applied by the native epilogue, numbered as csrc/kernels.h. */
const activations: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5, prelu: 6 }

/** For each product of the broadcast batch `outer`, the matrix index in an operand with batch dims `dims`. */
const batchIndex = (outer: ReadonlyArray<number>, dims: ReadonlyArray<number>): Int32Array => {
  const batch = size(outer)
  const index = new Int32Array(batch)
  const shift = outer.length - dims.length
  for (let i = 0; i < batch; i++) {
    let rest = i
    let at = 0
    let stride = 1
    for (let j = outer.length - 1; j >= 0; j--) {
      const coord = rest % outer[j]!
      rest = Math.floor(rest / outer[j]!)
      const jd = j - shift
      if (jd >= 0) {
        if (dims[jd] !== 1) at += coord * stride
        stride *= dims[jd]!
      }
    }
    index[i] = at
  }
  return index
}

interface Product {
  readonly a: tf.TensorInfo
  readonly b: tf.TensorInfo
  readonly transposeA: boolean
  readonly transposeB: boolean
  readonly bias?: tf.TensorInfo | undefined
  readonly activation?: number
  readonly alpha?: number
  readonly prelu?: tf.TensorInfo | undefined
}

const product = (addon: Addon, backend: WasmBackend, p: Product): tf.TensorInfo => {
  const { a, b, transposeA, transposeB } = p
  const ra = a.shape.length
  const rb = b.shape.length
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!
  if (k !== kb)
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`
    )
  const outerA = a.shape.slice(0, -2)
  const outerB = b.shape.slice(0, -2)
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB)
  const out = backend.makeOutput([...outer, m, n], "float32")
  const batch = size(outer)
  if (batch * m * n === 0) return out
  const biasLength = p.bias === undefined ? 0 : size(p.bias.shape)
  addon.gemm(
    heap(backend),
    transposeA,
    transposeB,
    m,
    n,
    k,
    offset(backend, a),
    batchIndex(outer, outerA),
    offset(backend, b),
    batchIndex(outer, outerB),
    offset(backend, out),
    batch,
    p.bias === undefined ? -1 : offset(backend, p.bias),
    biasLength,
    p.activation ?? 0,
    p.alpha ?? 0,
    p.prelu === undefined ? -1 : offset(backend, p.prelu),
    p.prelu === undefined ? 0 : size(p.prelu.shape)
  )
  return out
}

export const batchMatMul =
  (addon: Addon, original: tf.KernelFunc): tf.KernelFunc =>
  (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean }
    if (a.dtype !== "float32" || b.dtype !== "float32") return original(args)
    return product(addon, args.backend as WasmBackend, { a, b, transposeA, transposeB })
  }

/** A bias or PReLU slopes the epilogue handles: one float32 value, or one per output column (shape [..., 1, n] or [n]). */
const perColumn = (t: tf.TensorInfo | null | undefined, n: number): boolean => {
  if (t == null) return true
  const total = size(t.shape)
  return t.dtype === "float32" && (total === 1 || (total === n && t.shape[t.shape.length - 1] === n))
}

export const fusedMatMul =
  (addon: Addon, original: tf.KernelFunc): tf.KernelFunc =>
  (args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number }
    const activation = activations[attrs.activation]
    const n = attrs.transposeB ? b!.shape[b!.shape.length - 2]! : b!.shape[b!.shape.length - 1]!
    const covered =
      a!.dtype === "float32" &&
      b!.dtype === "float32" &&
      activation !== undefined &&
      perColumn(bias, n) &&
      (attrs.activation !== "prelu" || (preluActivationWeights != null && perColumn(preluActivationWeights, n)))
    if (!covered) return original(args)
    return product(addon, args.backend as WasmBackend, {
      a: a!,
      b: b!,
      transposeA: attrs.transposeA,
      transposeB: attrs.transposeB,
      bias: bias ?? undefined,
      activation,
      alpha: attrs.leakyreluAlpha ?? 0,
      prelu: attrs.activation === "prelu" ? preluActivationWeights! : undefined
    })
  }
