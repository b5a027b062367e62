/**
 * LayerNorm over the last axis with a hand-written gradient: autodiff through the
 * mean/variance graph records about three times as many full-size ops.
 *
 * y = x̂ g + b, x̂ = (x - mean) / sqrt(var + eps);
 * dx = rstd (dx̂ - mean(dx̂) - x̂ mean(dx̂ x̂)), dx̂ = dy g.
 *
 * With the native kernels (@epo/native) forward and backward are one kernel each, which
 * keep the row statistics (mean, rstd) instead of x̂.
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import { columnSum } from "./Linear.js"

/** torch.nn.LayerNorm's default epsilon. */
export const epsilon = 1e-5

const nativeLayerNorm = (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D => {
  const f = tf.customGrad((x_, g_, b_, save) => {
    const [y, stats] = NativeOps.layerNorm(x_ as tf.Tensor2D, g_ as tf.Tensor1D, b_ as tf.Tensor1D, epsilon)
    ;(save as tf.GradSaveFunc)([x_ as tf.Tensor, g_ as tf.Tensor, stats])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sx, sg, ss] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D]
        return NativeOps.layerNormGrad(dy as tf.Tensor2D, sx, sg, ss)
      }
    }
  })
  return f(x, g, b) as tf.Tensor2D
}

/** LayerNorm of x [N, d] with gain g [d] and bias b [d]. */
export const layerNorm = (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D => {
  if (Native.active()) return nativeLayerNorm(x, g, b)
  const f = tf.customGrad((x_, g_, b_, save) => {
    const xx = x_ as tf.Tensor2D
    const xc = tf.sub(xx, tf.mean(xx, -1, true))
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), epsilon))
    const xhat = tf.mul(xc, rstd)
    ;(save as tf.GradSaveFunc)([xhat, rstd, g_ as tf.Tensor])
    return {
      value: tf.add(tf.mul(xhat, g_ as tf.Tensor1D), b_ as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sxhat, srstd, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]
        const dy2 = dy as tf.Tensor2D
        const dxhat = tf.mul(dy2, sg)
        const dx = tf.mul(
          srstd,
          tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true)))
        )
        return [dx, columnSum(tf.mul(dy2, sxhat)), columnSum(dy2)]
      }
    }
  })
  return f(x, g, b) as tf.Tensor2D
}
