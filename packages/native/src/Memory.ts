/**
 * Kernels that only move memory, replaced on the wasm backend because tfjs's copy more
 * than they need to. They need no addon but are switched with the native ones.
 */
import * as tf from "@tensorflow/tfjs"
import { size, type WasmBackend } from "./Heap.js"

type KernelArgs = Parameters<tf.KernelFunc>[0]

/**
 * `Identity` (what `tf.clone` and a custom gradient's `save` run) sharing the input's
 * memory, as the cpu backend does, instead of copying it: tensors are immutable, and the
 * wasm kernel's copy cost a pass over every tensor kept for a gradient.
 */
export const identity =
  (original: tf.KernelFunc): tf.KernelFunc =>
  (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo }
    if (x.dtype === "string") return original(args)
    ;(args.backend as WasmBackend).incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
  }

/**
 * `Slice` copying only the slice, from a view of the heap: the wasm kernel first copies
 * the whole input out of the heap (`readSync`), which made slicing the KV caches and
 * per-head projections cost as much as copying all of them.
 */
export const slice =
  (original: tf.KernelFunc): tf.KernelFunc =>
  (args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo }
    if (x.dtype === "string" || x.dtype === "complex64" || x.shape.length === 0) return original(args)
    const { begin, size: sizes } = args.attrs as { begin: number | Array<number>; size: number | Array<number> }
    const [from, count] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, sizes)
    const backend = args.backend as WasmBackend
    const out = backend.makeOutput(count, x.dtype)
    const n = size(count)
    if (n === 0) return out
    // Views after allocating: the allocation may have grown the heap.
    const src = backend.typedArrayFromHeap(x)
    const dst = backend.typedArrayFromHeap(out)
    const strides = tf.util.computeStrides(x.shape)
    const rank = x.shape.length
    // Copy runs of the last axis; the index of each run counts through the leading axes.
    const run = count[rank - 1]!
    const index = new Array<number>(Math.max(rank - 1, 0)).fill(0)
    for (let o = 0; o < n; o += run) {
      let at = from[rank - 1]!
      for (let j = 0; j < rank - 1; j++) at += (from[j]! + index[j]!) * strides[j]!
      dst.set(src.subarray(at, at + run), o)
      for (let j = rank - 2; j >= 0; j--) {
        if (++index[j]! < count[j]!) break
        index[j] = 0
      }
    }
    return out
  }
