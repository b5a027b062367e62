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
 * device once (ids, the mask, the rotary angles); autodiff gives the gradient. With the
 * row gathers, value head and token statistics below it is the `batched` formulation of
 * ./Formulation.ts, which the Policy service uses on webgpu.
 */
import { Gradients, Tokens as TokenStatistics } from "@epo/objective"
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

/** Token (plus learned position) embeddings of ids at positions, [N, d], gathered on the device. */
export const embedding = (vars: Variables, c: PolicyConfig, ids: Int32Array, positions: Int32Array): tf.Tensor2D => {
  const x = tf.gather(get(vars, "embed.weight"), tf.tensor1d(ids, "int32")) as tf.Tensor2D
  return c.positions === "learned" ? tf.add(x, tf.gather(get(vars, "pos.weight"), tf.tensor1d(positions, "int32"))) : x
}

/** A layer's keys and values, [B, H, T, dh] (rotary applied to the keys). */
export interface KeysValues {
  readonly k: tf.Tensor4D
  readonly v: tf.Tensor4D
}

export interface Pass {
  /** Final hidden states (after LN_f), [B*T, d]. */
  readonly hidden: tf.Tensor2D
  /** Each layer's keys and values: the prefill's KV cache. */
  readonly caches: ReadonlyArray<KeysValues>
}

/** The forward pass, with each layer's keys and values; differentiable in the variables. */
export const forwardCached = (vars: Variables, c: PolicyConfig, tokens: Tokens): Pass => {
  const [B, T, d, H] = [tokens.batch, tokens.time, c.dModel, c.heads]
  const dh = d / H
  const p = (name: string) => get(vars, name)
  let x: tf.Tensor = tf.reshape(embedding(vars, c, tokens.ids, tokens.positions), [B, T, d])
  const mask = tokens.mask.length === T * T ? tf.tensor2d(tokens.mask, [T, T]) : tf.tensor4d(tokens.mask, [B, 1, T, T])
  const angles = c.positions === "rotary" ? rotaryAngles(tokens, dh) : undefined
  const caches: Array<KeysValues> = []
  for (let i = 0; i < c.layers; i++) {
    const b = `blocks.${i}`
    const qkv = tf.matMul(tf.reshape(layerNorm(vars, x, `${b}.ln1`), [B * T, d]), p(`${b}.attn.qkv.weight`))
    let [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [B, T, 3, H, dh]), [2, 0, 3, 1, 4]))
    if (angles !== undefined) (q = rotate(q!, angles)), (k = rotate(k!, angles))
    caches.push({ k: k as tf.Tensor4D, v: v as tf.Tensor4D })
    const weights = tf.softmax(tf.add(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh)), mask))
    const o = tf.reshape(tf.transpose(tf.matMul(weights, v!), [0, 2, 1, 3]), [B * T, d])
    x = tf.add(x, tf.reshape(tf.matMul(o, p(`${b}.attn.out.weight`)), [B, T, d]))
    const h = tf.reshape(layerNorm(vars, x, `${b}.ln2`), [B * T, d])
    const up = geluTanh(tf.add(tf.matMul(h, p(`${b}.mlp.up.weight`)), p(`${b}.mlp.up.bias`)))
    x = tf.add(x, tf.reshape(tf.add(tf.matMul(up, p(`${b}.mlp.down.weight`)), p(`${b}.mlp.down.bias`)), [B, T, d]))
  }
  return { hidden: tf.reshape(layerNorm(vars, x, "ln_f"), [B * T, d]) as tf.Tensor2D, caches }
}

/** Final hidden states (after LN_f), [B*T, d]; differentiable in the variables. */
export const forward = (vars: Variables, c: PolicyConfig, tokens: Tokens): tf.Tensor2D => forwardCached(vars, c, tokens).hidden

/** Output logits [B*T, vocab] of the hidden states. */
export const logits = (vars: Variables, hidden: tf.Tensor2D): tf.Tensor2D => tf.matMul(hidden, get(vars, "head.weight"))

/**
 * Value head of hidden states [N, d] -> [N] (see Transformer.values: with `critic: "head"`
 * it reads the hidden states through a stop-gradient).
 */
export const values = (vars: Variables, c: PolicyConfig, hidden: tf.Tensor2D): tf.Tensor1D =>
  tf.reshape(tf.add(tf.matMul(c.critic === "head" ? Gradients.stopGradient(hidden) : hidden, get(vars, "value.weight")), get(vars, "value.bias")), [hidden.shape[0]])

/**
 * Rows `index[i]` of `table` [R, k] (index -1: a zero row), gathered on the device;
 * differentiable in `table` (tf.gather's gradient, a segment sum).
 */
export const gatherRows = (table: tf.Tensor2D, index: Int32Array): tf.Tensor2D => {
  const rows = tf.gather(table, tf.tensor1d(index.map((i) => Math.max(i, 0)), "int32")) as tf.Tensor2D
  return index.every((i) => i >= 0) ? rows : tf.mul(rows, tf.tensor2d(Float32Array.from(index, (i) => (i >= 0 ? 1 : 0)), [index.length, 1]))
}

/**
 * `[N, 2]`: the log-probability of `targets[i]` and the entropy under logits [N, V] /
 * temperature (ops/TokenStats.ts's layout), from the objective's
 * `Tokens.logProbsAndEntropy`; differentiable in the logits.
 */
export const tokenStats = (logits: tf.Tensor2D, targets: Int32Array, temperature: number): tf.Tensor2D => {
  const { logp, entropy } = TokenStatistics.logProbsAndEntropy(logits, tf.tensor1d(targets, "int32"), temperature)
  return tf.stack([logp, entropy], 1) as tf.Tensor2D
}
