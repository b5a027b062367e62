/**
 * GELU, tanh approximation (torch `approximate="tanh"`), with a hand-written gradient.
 *
 * gelu(x) = ½ x (1 + tanh(u)), u = √(2/π) (x + 0.044715 x³), computed through the identity
 * ½ (1 + tanh(u)) = σ(2u): the wasm backend's sigmoid is vectorised, its tanh is about
 * eight times slower. d gelu/dx = s + x s (1 - s) · 2u'(x), s = σ(2u).
 *
 * When a gradient is being recorded the derivative is computed in the forward pass and is
 * the only tensor kept for the backward pass: tfjs copies every kept tensor on the wasm
 * backend, and keeping x, x² and s instead would copy three times as much. The native
 * kernel (@epo/native) computes the value and the derivative in one pass.
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"

const c = Math.sqrt(2 / Math.PI)
const a = 2 * c
const b = 2 * c * 0.044715

/** GELU (tanh) of x, elementwise. */
export const gelu = (x: tf.Tensor): tf.Tensor => {
  const recording = tf.engine().isTapeOn()
  if (Native.active()) {
    if (!recording) return NativeOps.gelu(x, false)
    const native = tf.customGrad((x_, save) => {
      const [y, derivative] = NativeOps.gelu(x_ as tf.Tensor, true)
      ;(save as tf.GradSaveFunc)([derivative])
      return { value: y, gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => tf.mul(dy, saved[0]!) }
    })
    return native(x)
  }
  const f = tf.customGrad((x_, save) => {
    const xx = x_ as tf.Tensor
    const x2 = tf.square(xx)
    const s = tf.sigmoid(tf.mul(xx, tf.add(tf.mul(x2, b), a)))
    if (recording) {
      const derivative = tf.add(s, tf.mul(tf.mul(xx, tf.mul(s, tf.sub(1, s))), tf.add(tf.mul(x2, 3 * b), a)))
      ;(save as tf.GradSaveFunc)([derivative])
    }
    return {
      value: tf.mul(xx, s),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => tf.mul(dy, saved[0]!)
    }
  })
  return f(x)
}
