/**
 * Dense layers whose every matrix product runs on the backend's fast path.
 *
 * tfjs-backend-wasm sends `matMul` to XNNPACK only for 2-D, untransposed operands; a
 * batched or transposed product falls back to a scalar loop about ten times slower. The
 * default gradient of `matMul` uses exactly those transposed forms (dx = dy Wᵀ, dW = xᵀ dy),
 * so these ops carry their own gradient: they transpose explicitly (a cheap copy) and
 * multiply untransposed. With the native kernels (@epo/native) a transposed operand costs
 * nothing, so the gradients pass matMul's transpose flags instead.
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import { view } from "./Host.js"

/**
 * The transpose of a 2-D tensor. The wasm backend's 2-D transpose kernel is about twice as
 * slow as transposing row blocks with a 3-D kernel, so x [N, K] with N = n·b is viewed as
 * [n, b, K] and permuted to [K, n, b].
 */
export const transpose2d = (x: tf.Tensor2D): tf.Tensor2D => {
  const [n, k] = x.shape
  const b = [256, 128, 64].find((size) => n > size && n % size === 0)
  return b === undefined ? tf.transpose(x) : tf.reshape(tf.transpose(tf.reshape(x, [n / b, b, k]), [2, 0, 1]), [k, n])
}
const t2 = transpose2d

/**
 * xᵀ y for x [N, K], y [N, M]. XNNPACK packs the right operand of every product anew, at
 * about 7 ns a float, while the row-block transpose costs about 5 ns a float, so the wider
 * operand is transposed and the narrower one packed: at [4096, 128] and [4096, 512] that
 * is 28 ms instead of 35 ms.
 */
export const matMulTN = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D =>
  x.shape[1] >= y.shape[1] ? tf.matMul(t2(x), y) : t2(tf.matMul(t2(y), x))

/**
 * Column sums of a 2-D tensor, shape [M], summed on the host: a reduction over the leading
 * axis transposes first on the wasm backend, and a product with a ones row repacks x. Four
 * rows per pass into a float64 accumulator: half the time of one row per pass. The native
 * kernel sums in float64 too.
 */
export const columnSum = (x: tf.Tensor2D): tf.Tensor1D => {
  if (Native.active()) return NativeOps.columnSum(x)
  const [n, m] = x.shape
  const v = view(x)
  const acc = new Float64Array(m)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o0 = i * m
    const o1 = o0 + m
    const o2 = o1 + m
    const o3 = o2 + m
    for (let j = 0; j < m; j++) acc[j]! += v[o0 + j]! + v[o1 + j]! + v[o2 + j]! + v[o3 + j]!
  }
  for (; i < n; i++) {
    const o = i * m
    for (let j = 0; j < m; j++) acc[j]! += v[o + j]!
  }
  return tf.tensor1d(Float32Array.from(acc))
}

/** dx = dy Wᵀ and dW = xᵀ dy of a product y = x W. */
const productGrads = (x: tf.Tensor2D, w: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] =>
  Native.active() ? [tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)] : [tf.matMul(dy, t2(w)), matMulTN(x, dy)]

/** y = x W (+ b): x [N, K], W [K, M], b [M]; differentiable in all three. */
export const linear = (x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D => {
  if (b === undefined) {
    const f = tf.customGrad((x_, w_, save) => {
      const xx = x_ as tf.Tensor2D
      const ww = w_ as tf.Tensor2D
      ;(save as tf.GradSaveFunc)([xx, ww])
      return {
        value: tf.matMul(xx, ww),
        gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
          const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D]
          return productGrads(sx, sw, dy as tf.Tensor2D)
        }
      }
    })
    return f(x, w) as tf.Tensor2D
  }
  const f = tf.customGrad((x_, w_, b_, save) => {
    const xx = x_ as tf.Tensor2D
    const ww = w_ as tf.Tensor2D
    ;(save as tf.GradSaveFunc)([xx, ww])
    return {
      value: tf.fused.matMul({ a: xx, b: ww, bias: b_ as tf.Tensor1D }),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D]
        const g = dy as tf.Tensor2D
        return [...productGrads(sx, sw, g), columnSum(g)]
      }
    }
  })
  return f(x, w, b) as tf.Tensor2D
}

/** y = x C for a constant matrix C [K, M] (no gradient for C); x [N, K]. */
export const linearConst = (x: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D => {
  const f = tf.customGrad((x_, save) => {
    ;(save as tf.GradSaveFunc)([c])
    return {
      value: tf.matMul(x_ as tf.Tensor2D, c),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) =>
        Native.active() ? tf.matMul(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, false, true) : tf.matMul(dy as tf.Tensor2D, t2(saved[0] as tf.Tensor2D))
    }
  })
  return f(x) as tf.Tensor2D
}
