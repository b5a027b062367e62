/**
 * The transformer of ./Transformer.ts in plain tfjs ops with batched matrix products and
 * an on-device softmax: no tensor is read on the host, so it runs on the webgpu backend,
 * where Node has no synchronous read (tfjs-backend-webgpu's `readSync` needs an
 * OffscreenCanvas) and every read would be a device-to-host sync anyway.
 *
 *   x₀ = E[ids] (+ P[positions]);  q, k, v = split(LN₁(x) W_qkv) per head, [B, H, T, dh]
 *   attn = softmax(q kᵀ / √dh + M) v;  x += attn W_o;  x += gelu_tanh(LN₂(x) W_up + b_up) W_down + b_down
 *   h = LN_f(x)
 *
 * It is also the torch reference's formulation (shared/bench/torch_reference.py), against
 * which Transformer.forward (formulated for the wasm kernels) is tested. Inputs go to the
 * device once (ids, the mask, the rotary angles); autodiff gives the gradient.
 */
import * as tf from "@tensorflow/tfjs"
import { type PolicyConfig } from "./Config.js"
import { get, type Variables } from "./Params.js"
import { rotaryBase, type Tokens } from "./Transformer.js"

const layerNorm = (vars: Variables, x: tf.Tensor, name: string): tf.Tensor => {
  const m = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), get(vars, `${name}.weight`)), get(vars, `${name}.bias`))
}

const geluTanh = (x: tf.Tensor): tf.Tensor =>
  tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))

/** RoPE angles θ = position · base^(-2i/dh) per (row, token), [B, 1, T, dh]. */
const rotaryAngles = (tokens: Tokens, dh: number): tf.Tensor4D => {
  const half = dh / 2
  const a = Float32Array.from({ length: tokens.ids.length * dh }, (_, i) => tokens.positions[Math.floor(i / dh)]! * Math.pow(rotaryBase, (-2 * ((i % dh) % half)) / dh))
  return tf.tensor4d(a, [tokens.batch, 1, tokens.time, dh])
}

/** x cos θ + rotate_half(x) sin θ on [B, H, T, dh]. */
const rotate = (x: tf.Tensor, angles: tf.Tensor): tf.Tensor => {
  const [x1, x2] = tf.split(x, 2, -1)
  return tf.add(tf.mul(x, tf.cos(angles)), tf.mul(tf.concat([tf.neg(x2!), x1!], -1), tf.sin(angles)))
}

/** Final hidden states (after LN_f), [B*T, d]; differentiable in the variables. */
export const forward = (vars: Variables, c: PolicyConfig, tokens: Tokens): tf.Tensor2D => {
  const [B, T, d, H] = [tokens.batch, tokens.time, c.dModel, c.heads]
  const dh = d / H
  const p = (name: string) => get(vars, name)
  let x = tf.gather(p("embed.weight"), tf.tensor2d(tokens.ids, [B, T], "int32"))
  if (c.positions === "learned") x = tf.add(x, tf.gather(p("pos.weight"), tf.tensor2d(tokens.positions, [B, T], "int32")))
  const mask = tokens.mask.length === T * T ? tf.tensor2d(tokens.mask, [T, T]) : tf.tensor4d(tokens.mask, [B, 1, T, T])
  const angles = c.positions === "rotary" ? rotaryAngles(tokens, dh) : undefined
  for (let i = 0; i < c.layers; i++) {
    const b = `blocks.${i}`
    const qkv = tf.matMul(tf.reshape(layerNorm(vars, x, `${b}.ln1`), [B * T, d]), p(`${b}.attn.qkv.weight`))
    let [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [B, T, 3, H, dh]), [2, 0, 3, 1, 4]))
    if (angles !== undefined) (q = rotate(q!, angles)), (k = rotate(k!, angles))
    const weights = tf.softmax(tf.add(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh)), mask))
    const o = tf.reshape(tf.transpose(tf.matMul(weights, v!), [0, 2, 1, 3]), [B * T, d])
    x = tf.add(x, tf.reshape(tf.matMul(o, p(`${b}.attn.out.weight`)), [B, T, d]))
    const h = tf.reshape(layerNorm(vars, x, `${b}.ln2`), [B * T, d])
    const up = geluTanh(tf.add(tf.matMul(h, p(`${b}.mlp.up.weight`)), p(`${b}.mlp.up.bias`)))
    x = tf.add(x, tf.reshape(tf.add(tf.matMul(up, p(`${b}.mlp.down.weight`)), p(`${b}.mlp.down.bias`)), [B, T, d]))
  }
  return tf.reshape(layerNorm(vars, x, "ln_f"), [B * T, d]) as tf.Tensor2D
}

/** Output logits [B*T, vocab] of the hidden states. */
export const logits = (vars: Variables, hidden: tf.Tensor2D): tf.Tensor2D => tf.matMul(hidden, get(vars, "head.weight"))
