/**
 * Causal multi-head self-attention as one op with a hand-written gradient, formulated for
 * the wasm backend's fast kernels.
 *
 * Batched matrix products run there as a scalar loop (~2 GFLOP/s) while 2-D untransposed
 * ones go to XNNPACK (~20 GFLOP/s), and `tf.slice` copies its whole input. So the op lays
 * q, k, v out once per call in both [B, 3H, T, dh] and [B, 3H, dh, T] order (one 4-D
 * transpose each), copies that to the host, and for every (batch row, head) pair runs 2-D
 * products on small tensors cut from the host copy:
 *
 *   forward   S = q̃ kᵀ + M, P = softmax(S), O = P v          (q̃ = q / √dh, M the mask)
 *   backward  dP = dO vᵀ, dS = P ⊙ (dP - rowsum(dO ⊙ O)),  dq̃ = dS k, dk = dSᵀ q̃, dv = Pᵀ dO
 *
 * with every product untransposed because both layouts of q, k, v are at hand (dSᵀ and Pᵀ
 * are explicit transposes). rowsum(dP ⊙ P) = rowsum(dO ⊙ O), as in FlashAttention, is a
 * [T, dh] product instead of a [T, T] one.
 *
 * Causal blocks: when the mask hides every key after its query (j > i), the queries are
 * cut into blocks of `queryBlock` rows and block [s, e) attends only to keys [0, e). The
 * skipped keys would get probability exactly 0 (exp of -1e9 underflows), so the result is
 * the same, and about half of the [T, T] work is never done. Any other mask gets one block
 * over all keys.
 *
 * The mask value must be finite and every query must keep at least one key (a row of the
 * mask entirely `masked` still normalises, over all keys).
 *
 * With the native kernels (@epo/native) the whole op is two kernels, EpoAttention and
 * EpoAttentionGrad, computing the same formulas in place on qkv (see its csrc/attention.c):
 * the backward pass recomputes P from the saved softmax statistics instead of keeping it.
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import { copyInto, copyTaken, give, take, view } from "./Host.js"
import { transpose2d } from "./Linear.js"

/** Additive mask value for disallowed keys (exp underflows to exactly 0). */
export const masked = -1e9

/** The causal mask [T, T]: 0 where key j ≤ query i, `masked` elsewhere. */
export const causalMask = (t: number): Float32Array => {
  const m = new Float32Array(t * t)
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = masked
  return m
}

/** Query rows per causal block: measured fastest at T = 256 (64: more calls, 256: no skipping). */
export const defaultQueryBlock = 128

export interface AttentionShape {
  /** Batch rows. */
  readonly batch: number
  /** Sequence length. */
  readonly time: number
  readonly heads: number
  /** Query rows per causal block (default `defaultQueryBlock`). */
  readonly queryBlock?: number
}

/** How a mask treats the keys after each query: plain causal (0 up to the query, `masked` after), causal, or neither. */
type MaskKind = "plain" | "causal" | "other"

// Masks are built once per forward pass and shared by the layers: classify each once.
const maskKinds = new WeakMap<Float32Array, MaskKind>()

/** The kind of every [T, T] matrix of `mask` together. */
const maskKind = (mask: Float32Array, t: number): MaskKind => {
  const known = maskKinds.get(mask)
  if (known !== undefined) return known
  let kind: MaskKind = "plain"
  for (let o = 0; kind !== "other" && o < mask.length; o += t * t) {
    for (let i = 0; kind !== "other" && i < t; i++) {
      for (let j = 0; j < t; j++) {
        const v = mask[o + i * t + j]!
        if (j > i && !(v <= masked)) {
          kind = "other"
          break
        }
        if (j <= i && v !== 0) kind = "causal"
      }
    }
  }
  maskKinds.set(mask, kind)
  return kind
}

/** Whether every [T, T] matrix of `mask` hides all keys after the query (value ≤ `masked`). */
const isCausal = (mask: Float32Array, t: number): boolean => maskKind(mask, t) !== "other"

interface QueryBlock {
  /** Query rows [start, end). */
  readonly start: number
  readonly end: number
  /** Keys [0, keys) attended to. */
  readonly keys: number
  /** Offset of this block's [end - start, keys] probabilities within a pair's. */
  readonly offset: number
}

const queryBlocks = (t: number, size: number, causal: boolean): ReadonlyArray<QueryBlock> => {
  const blocks: Array<QueryBlock> = []
  let offset = 0
  for (let start = 0; start < t; start += size) {
    const end = Math.min(t, start + size)
    const keys = causal ? end : t
    blocks.push({ start, end, keys, offset })
    offset += (end - start) * keys
  }
  return blocks
}

/** The first `count` columns of the row-major [rows, stride] matrix at `src[offset]`, as a tensor. */
const leadingColumns = (src: Float32Array, offset: number, rows: number, stride: number, count: number): tf.Tensor2D => {
  const part = take(rows * count)
  for (let r = 0; r < rows; r++) {
    const o = offset + r * stride
    part.set(src.subarray(o, o + count), r * count)
  }
  const t = tf.tensor2d(part, [rows, count])
  give(part)
  return t
}

// The uploaded mask of a forward pass, shared by its layers: a gradient keeps each layer's
// mask, and per-row [B, T, T] masks are the largest tensors of a scoring pass.
const uploaded = new WeakMap<Float32Array, tf.Tensor3D>()

const upload = (mask: Float32Array, rows: number, t: number): tf.Tensor3D => {
  const known = uploaded.get(mask)
  if (known !== undefined && !known.isDisposed) return known
  const m = tf.tensor3d(mask, [rows, t, t])
  uploaded.set(mask, m)
  return m
}

/**
 * The op on the native kernels: the statistics and the inputs are kept for the gradient
 * kernel. The plain causal mask is not uploaded: the kernels apply it themselves.
 */
const nativeAttention = (qkv: tf.Tensor2D, shape: AttentionShape, mask: Float32Array): tf.Tensor2D => {
  const { batch: B, time: T, heads: H } = shape
  const kind = maskKind(mask, T)
  const attrs = { batch: B, time: T, heads: H, causal: kind !== "other" }
  const maskTensor = () => (kind === "plain" ? undefined : upload(mask, mask.length === B * T * T ? B : 1, T))
  if (!tf.engine().isTapeOn()) return tf.tidy(() => NativeOps.attention(qkv, maskTensor(), attrs, false))
  const f = tf.customGrad((x_, save) => {
    const x = x_ as tf.Tensor2D
    const m = maskTensor()
    const [out, stats] = NativeOps.attention(x, m, attrs, true)
    ;(save as tf.GradSaveFunc)(m === undefined ? [x, out, stats] : [x, out, stats, m])
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sx, so, ss, sm] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D | undefined]
        return NativeOps.attentionGrad(sx, sm, so, ss, dy as tf.Tensor2D, attrs)
      }
    }
  })
  return f(qkv) as tf.Tensor2D
}

/**
 * Attention of packed projections qkv [B*T, 3d] (columns: q | k | v, each head-major) to
 * outputs [B*T, d]. `mask` is additive, [T, T] shared by all rows or [B, T, T] per row;
 * differentiable in qkv.
 */
export const attention = (qkv: tf.Tensor2D, shape: AttentionShape, mask: Float32Array): tf.Tensor2D => {
  if (Native.active()) return nativeAttention(qkv, shape, mask)
  const { batch: B, time: T, heads: H } = shape
  const d = qkv.shape[1] / 3
  const dh = d / H
  const pairs = B * H
  const block = T * dh
  const scale = 1 / Math.sqrt(dh)
  const maskRows = mask.length === B * T * T ? B : 1
  const blocks = queryBlocks(T, shape.queryBlock ?? defaultQueryBlock, isCausal(mask, T))
  const last = blocks[blocks.length - 1]!
  const probsPerPair = last.offset + (last.end - last.start) * last.keys
  /** Block index of (part, pair) with pair = b*H + h. */
  const index = (part: number, p: number) => (Math.floor(p / H) * 3 + part) * H + (p % H)
  /** Rows [from, to) of a [T, dh] block. */
  const rowsOf = (buf: Float32Array, base: number, from: number, to: number) =>
    tf.tensor2d(buf.subarray(base + from * dh, base + to * dh), [to - from, dh])
  /** The first `count` columns of a [dh, T] block. */
  const colsOf = (buf: Float32Array, base: number, count: number) => {
    if (count === T) return tf.tensor2d(buf.subarray(base, base + block), [dh, T])
    return leadingColumns(buf, base, dh, T, count)
  }
  const recording = tf.engine().isTapeOn()
  const f = tf.customGrad((x_) => {
    // [B, 3H, T, dh] and [B, 3H, dh, T] host copies (4-D transposes: the 5-D kernel is
    // slow); q scaled by 1/√dh in the first (the second's q is not used). Block (b, part, h)
    // is at index b*3H + part*H + h.
    const four = tf.reshape(x_ as tf.Tensor, [B, T, 3 * H, dh])
    const rows = copyTaken(tf.transpose(four, [0, 2, 1, 3]))
    const cols = copyTaken(tf.transpose(four, [0, 2, 3, 1]))
    for (let b = 0; b < B; b++) {
      const start = b * 3 * H * block
      for (let i = start; i < start + H * block; i++) rows[i] *= scale
    }
    // The mask of each (mask row, query block): rows [start, end), keys [0, keys).
    const masks = Array.from({ length: maskRows }, (_, r) =>
      blocks.map(({ end, keys, start }) => leadingColumns(mask, r * T * T + start * T, end - start, T, keys))
    )
    const out = take(pairs * block)
    // The probabilities wait for the backward pass on the host, not in the wasm heap
    // (pairs × T² floats per layer at most; the heap is limited to 4 GiB), and only when a
    // gradient is being recorded.
    const probs = take(recording ? pairs * probsPerPair : 0)
    for (let p = 0; p < pairs; p++) {
      const q = index(0, p) * block
      const k = index(1, p) * block
      const v = index(2, p) * block
      const rowMasks = masks[maskRows === 1 ? 0 : Math.floor(p / H)]!
      blocks.forEach(({ end, keys, offset, start }, i) =>
        tf.tidy(() => {
          const prob = tf.softmax(tf.add(tf.matMul(rowsOf(rows, q, start, end), colsOf(cols, k, keys)), rowMasks[i]!))
          if (recording) copyInto(prob, probs, p * probsPerPair + offset)
          copyInto(tf.matMul(prob, rowsOf(rows, v, 0, keys)), out, p * block + start * dh)
        })
      )
    }
    for (const t of masks.flat()) t.dispose()
    const value = tf.reshape(tf.transpose(tf.tensor4d(out, [B, H, T, dh]), [0, 2, 1, 3]), [B * T, d])
    if (!recording) give(rows, cols, out, probs)
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const heads = tf.reshape(dy, [B, T, H, dh])
        const dO = copyTaken(tf.transpose(heads, [0, 2, 1, 3]))
        // rowsum(dP ⊙ P) = rowsum(dO ⊙ O): a [T, dh] product per pair instead of [T, T].
        const rowDot = take(pairs * T)
        for (let r = 0; r < pairs * T; r++) {
          let acc = 0
          for (let c = r * dh; c < (r + 1) * dh; c++) acc += dO[c]! * out[c]!
          rowDot[r] = acc
        }
        // dq, dk, dv in the [B, 3H, T, dh] order of the input. dk and dv sum over the query
        // blocks; the last block attends to every key, so it writes them and the others add.
        const grad = take(3 * pairs * block)
        const addInto = (t: tf.Tensor, dst: number) => {
          const src = view(t)
          for (let i = 0; i < src.length; i++) grad[dst + i]! += src[i]!
        }
        for (let p = 0; p < pairs; p++) {
          const q = index(0, p) * block
          const k = index(1, p) * block
          const v = index(2, p) * block
          const o = p * block
          for (let i = blocks.length - 1; i >= 0; i--) {
            const { end, keys, offset, start } = blocks[i]!
            tf.tidy(() => {
              const n = end - start
              const from = p * probsPerPair + offset
              const prob = tf.tensor2d(probs.subarray(from, from + n * keys), [n, keys])
              const dOb = rowsOf(dO, o, start, end)
              const dP = tf.matMul(dOb, colsOf(cols, v, keys))
              const rowSums = tf.tensor2d(rowDot.subarray(p * T + start, p * T + end), [n, 1])
              const dS: tf.Tensor2D = tf.mul(prob, tf.sub(dP, rowSums))
              copyInto(tf.matMul(dS, rowsOf(rows, k, 0, keys)), grad, q + start * dh)
              // dk = dSᵀ q̃ and dv = Pᵀ dO: transposing the [n, keys] factor keeps the packed
              // right operand of XNNPACK's product small ([n, dh] instead of [n, keys]).
              const dk = tf.matMul(transpose2d(dS), rowsOf(rows, q, start, end))
              const dv = tf.matMul(transpose2d(prob), dOb)
              if (i === blocks.length - 1) {
                copyInto(dk, grad, k)
                copyInto(dv, grad, v)
              } else {
                addInto(dk, k)
                addInto(dv, v)
              }
            })
          }
        }
        for (let b = 0; b < B; b++) {
          const start = b * 3 * H * block
          for (let i = start; i < start + H * block; i++) grad[i] *= scale
        }
        const dx = tf.reshape(tf.transpose(tf.tensor4d(grad, [B, 3 * H, T, dh]), [0, 2, 1, 3]), [B * T, 3 * d])
        give(rows, cols, out, probs, dO, rowDot, grad)
        return dx
      }
    }
  })
  return f(qkv) as tf.Tensor2D
}
