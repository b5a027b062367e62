/**
 * Host access to tensor values without the copies tfjs makes. On the wasm backend
 * `dataSync`/`readSync` copy the whole buffer out of the heap, so slicing one head out of
 * a [B*H, T, dh] tensor with `tf.slice` costs as much as copying all of it; the fast ops
 * here read a zero-copy view of the heap instead and copy only the part they need.
 *
 * A wasm heap view is invalidated by the next allocation (the heap may grow), so callers
 * copy out of a view before creating any tensor.
 */
import * as tf from "@tensorflow/tfjs"

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

/** A read-only view (wasm) or the values (other backends) of a float32 tensor. */
export const view = (t: tf.Tensor): Float32Array => {
  const backend = tf.backend() as unknown as Partial<HeapBackend>
  if (tf.getBackend() === "wasm" && typeof backend.typedArrayFromHeap === "function") {
    return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype })
  }
  return t.dataSync() as Float32Array
}

/** Writes a tensor's values into `out` at `offset` (no intermediate copy on wasm). */
export const copyInto = (t: tf.Tensor, out: Float32Array, offset: number): void => {
  out.set(view(t), offset)
}

/**
 * A pool of reusable host buffers holding at most `capacity` bytes. Buffers are kept by
 * size class (the length rounded up by at most a quarter, `sizeClass`), so that lengths
 * that differ a little share buffers; over capacity, the buffers given back longest ago
 * are dropped.
 */
export interface BufferPool {
  /** A buffer of n floats with arbitrary contents (a view of a class-sized buffer). */
  readonly take: (n: number) => Float32Array
  /** Returns buffers from `take`; none of them may be read or written afterwards. */
  readonly give: (...buffers: ReadonlyArray<Float32Array>) => void
  /** Bytes held. */
  readonly bytes: () => number
}

/** The class length of n floats: n rounded up to a multiple of a quarter of the power of two below it (min 1024). */
export const sizeClass = (n: number): number => {
  if (n <= 1024) return 1024
  const step = 2 ** (Math.ceil(Math.log2(n)) - 3)
  return Math.ceil(n / step) * step
}

export const bufferPool = (capacity: number): BufferPool => {
  // Class length -> buffers; a Map iterates in insertion order, so the class given back
  // longest ago comes first.
  const classes = new Map<number, Array<Float32Array>>()
  let held = 0
  return {
    take: (n) => {
      const size = sizeClass(n)
      const list = classes.get(size)
      const reused = list?.pop()
      if (reused !== undefined) held -= reused.byteLength
      if (list?.length === 0) classes.delete(size)
      return (reused ?? new Float32Array(size)).subarray(0, n)
    },
    give: (...buffers) => {
      for (const b of buffers) {
        // The whole class-sized buffer that `take` returned a view of.
        const whole = new Float32Array(b.buffer)
        if (whole.byteLength > capacity) continue
        const list = classes.get(whole.length) ?? []
        classes.delete(whole.length)
        list.push(whole)
        classes.set(whole.length, list)
        held += whole.byteLength
        while (held > capacity) {
          const [size, oldest] = classes.entries().next().value!
          held -= oldest.shift()!.byteLength
          if (oldest.length === 0) classes.delete(size)
        }
      }
    },
    bytes: () => held
  }
}

// The attention op needs ~40 MB of host arrays per layer and step; recycling them spares
// the allocator and the garbage collector. Only on wasm: the cpu backend keeps the arrays
// it is given as tensor storage, so they must stay untouched. The capacity matters:
// sequence lengths change with every batch, and a pool keyed by exact length with a limit
// per length only grew by ~230 MB per update step of the default preset (docs/policy.md).
const shared = bufferPool(256 * 2 ** 20)

/** A host buffer of n floats with arbitrary contents (callers overwrite all of it). */
export const take = (n: number): Float32Array => (tf.getBackend() === "wasm" ? shared.take(n) : new Float32Array(n))

/** Returns buffers from `take` for reuse; none of them may be read or written afterwards. */
export const give = (...buffers: ReadonlyArray<Float32Array>): void => {
  if (tf.getBackend() === "wasm") shared.give(...buffers)
}

/** Bytes held by the shared pool (for memory measurements). */
export const pooledBytes = (): number => shared.bytes()

/** A host copy of a float32 tensor's values in a buffer from `take`. */
export const copyTaken = (t: tf.Tensor): Float32Array => {
  const v = view(t)
  const out = take(v.length)
  out.set(v)
  return out
}
