/**
 * Per-token log-probability of a target and entropy of the softmax, both under
 * z = logits / temperature, as one op with an analytic gradient.
 *
 *   logp = z_t - lse(z),  H = lse(z) - Σ p z,  p = softmax(z)
 *   ∂logp/∂z = onehot_t - p,  ∂H/∂z = -p (log p + H)
 *
 * lse is read off the softmax, lse = max z - log max p (exact; max p ≥ 1/V keeps the log
 * well conditioned), so no full-size exp or log runs: on the wasm backend softmax is
 * vectorised while exp and log are scalar loops. With the native kernels (@epo/native) the
 * forward pass and the gradient are one pass over the logits each (it keeps lse).
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import { view } from "./Host.js"

/** Host gather of z[i, targets[i]] for z [N, V]. */
const pick = (z: tf.Tensor2D, targets: Int32Array): tf.Tensor2D => {
  const v = z.shape[1]
  const src = view(z)
  const out = new Float32Array(targets.length)
  for (let i = 0; i < targets.length; i++) out[i] = src[i * v + targets[i]]
  return tf.tensor2d(out, [targets.length, 1])
}

/**
 * `[N, 2]`: column 0 the log-probability of `targets[i]`, column 1 the entropy, for
 * logits [N, V]; differentiable in the logits.
 */
export const tokenStats = (logits: tf.Tensor2D, targets: Int32Array, temperature: number): tf.Tensor2D => {
  if (Native.active()) return nativeTokenStats(logits, targets, temperature)
  const [n, v] = logits.shape
  const f = tf.customGrad((l_, save) => {
    const z: tf.Tensor2D = temperature === 1 ? (l_ as tf.Tensor2D) : tf.mul(l_ as tf.Tensor2D, 1 / temperature)
    const p = tf.softmax(z)
    const lse = tf.sub(tf.max(z, -1, true), tf.log(tf.max(p, -1, true)))
    const logp = tf.sub(pick(z, targets), lse)
    const entropy = tf.sub(lse, tf.sum(tf.mul(p, z), -1, true))
    // z - (lse - H) = log p + H, the factor of the entropy gradient.
    ;(save as tf.GradSaveFunc)([z, p, tf.sub(lse, entropy)])
    return {
      value: tf.concat([logp, entropy], 1),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sz, sp, shift] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]
        const g = view(dy).slice()
        const gl = new Float32Array(n)
        const gh = new Float32Array(n)
        for (let i = 0; i < n; i++) (gl[i] = g[2 * i]), (gh[i] = g[2 * i + 1])
        const glT = tf.tensor2d(gl, [n, 1])
        const ghT = tf.tensor2d(gh, [n, 1])
        const weight = tf.add(tf.mul(tf.sub(sz, shift), ghT), glT)
        const index = new Int32Array(2 * n)
        for (let i = 0; i < n; i++) (index[2 * i] = i), (index[2 * i + 1] = targets[i])
        const onehot = tf.scatterND(tf.tensor2d(index, [n, 2], "int32"), tf.tensor1d(gl), [n, v])
        const dz = tf.sub(onehot, tf.mul(sp, weight))
        return temperature === 1 ? dz : tf.mul(dz, 1 / temperature)
      }
    }
  })
  return f(logits) as tf.Tensor2D
}

const nativeTokenStats = (logits: tf.Tensor2D, targets: Int32Array, temperature: number): tf.Tensor2D => {
  const t = tf.tensor1d(targets, "int32")
  const f = tf.customGrad((l_, save) => {
    const [out, lse] = NativeOps.tokenStats(l_ as tf.Tensor2D, t, temperature)
    ;(save as tf.GradSaveFunc)([l_ as tf.Tensor, t, out, lse])
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [sl, st, so, slse] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D]
        return NativeOps.tokenStatsGrad(sl, st, so, slse, dy as tf.Tensor2D, temperature)
      }
    }
  })
  return f(logits) as tf.Tensor2D
}
