/**
 * The decoder-only pre-LayerNorm transformer (as shared/bench/torch_reference.py):
 *
 *   x₀ = E[ids] (+ P[positions] when positions are learned)
 *   xₗ₊₁ = xₗ + W_o · attn(LN₁(xₗ) W_qkv)      causal, multi-head, no biases
 *   xₗ₊₁ = xₗ₊₁ + W_down · gelu_tanh(LN₂(xₗ₊₁) W_up + b_up) + b_down
 *   h = LN_f(x_L); logits = h W_head (untied); value = h w_v + b_v (optional)
 *
 * Activations stay 2-D, [B*T, d], so every projection is one untransposed 2-D matMul (the
 * wasm backend's fast path); attention, LayerNorm, GELU, the embedding and the token
 * statistics are the custom-gradient ops of ./ops. Rotary positions rotate q and k of each
 * head by position-dependent angles (RoPE, base 10000) before attention.
 */
import { Gradients } from "@epo/objective"
import * as tf from "@tensorflow/tfjs"
import { type PolicyConfig } from "./Config.js"
import { attention } from "./ops/Attention.js"
import { gelu } from "./ops/Gelu.js"
import { layerNorm } from "./ops/LayerNorm.js"
import { linear, linearConst } from "./ops/Linear.js"
import { embed } from "./ops/Rows.js"
import { get, type Variables } from "./Params.js"

/** A batch of token sequences laid out [B, T] row-major. */
export interface Tokens {
  readonly batch: number
  readonly time: number
  /** Token ids, B*T. */
  readonly ids: Int32Array
  /** Position of each token (indexes the learned table or sets the rotary angle), B*T. */
  readonly positions: Int32Array
  /** Additive attention mask, [T, T] shared or [B, T, T] per row (see ops/Attention). */
  readonly mask: Float32Array
}

export const rotaryBase = 10000

/** rotate_half as a [dh, dh] matrix: (x₁, x₂) ↦ (-x₂, x₁). */
const rotateHalf = (dh: number): tf.Tensor2D => {
  const half = dh / 2
  const r = new Float32Array(dh * dh)
  for (let j = 0; j < half; j++) {
    r[(j + half) * dh + j] = -1
    r[j * dh + j + half] = 1
  }
  return tf.tensor2d(r, [dh, dh])
}

/**
 * RoPE on the q and k parts of packed projections [N, 3d]: each head vector x becomes
 * x cos θ + rotate_half(x) sin θ, θᵢ = position · base^(-2i/dh); v passes unchanged.
 */
export const rotary = (qkv: tf.Tensor2D, positions: Int32Array, heads: number): tf.Tensor2D => {
  const n = qkv.shape[0]
  const dh = qkv.shape[1] / 3 / heads
  const half = dh / 2
  const rows = n * 3 * heads
  const cos = new Float32Array(rows * dh).fill(1)
  const sin = new Float32Array(rows * dh)
  for (let i = 0; i < n; i++)
    for (let part = 0; part < 2; part++)
      for (let h = 0; h < heads; h++) {
        const o = ((i * 3 + part) * heads + h) * dh
        for (let j = 0; j < dh; j++) {
          const angle = positions[i] * Math.pow(rotaryBase, (-2 * (j % half)) / dh)
          cos[o + j] = Math.cos(angle)
          sin[o + j] = Math.sin(angle)
        }
      }
  const flat = tf.reshape(qkv, [rows, dh]) as tf.Tensor2D
  const out = tf.add(tf.mul(flat, tf.tensor2d(cos, [rows, dh])), tf.mul(linearConst(flat, rotateHalf(dh)), tf.tensor2d(sin, [rows, dh])))
  return tf.reshape(out, [n, 3 * heads * dh]) as tf.Tensor2D
}

const v1 = (vars: Variables, name: string) => get(vars, name) as tf.Tensor as tf.Tensor1D
const v2 = (vars: Variables, name: string) => get(vars, name) as tf.Tensor as tf.Tensor2D

/** Packed q|k|v projections of block `i` for its input x [N, d] (rotary applied). */
export const projections = (vars: Variables, c: PolicyConfig, i: number, x: tf.Tensor2D, positions: Int32Array): tf.Tensor2D => {
  const p = `blocks.${i}`
  const qkv = linear(layerNorm(x, v1(vars, `${p}.ln1.weight`), v1(vars, `${p}.ln1.bias`)), v2(vars, `${p}.attn.qkv.weight`))
  return c.positions === "rotary" ? rotary(qkv, positions, c.heads) : qkv
}

/** The MLP half of block `i`: x + W_down gelu(LN₂(x) W_up + b_up) + b_down. */
export const mlp = (vars: Variables, i: number, x: tf.Tensor2D): tf.Tensor2D => {
  const p = `blocks.${i}`
  const h = layerNorm(x, v1(vars, `${p}.ln2.weight`), v1(vars, `${p}.ln2.bias`))
  const up = gelu(linear(h, v2(vars, `${p}.mlp.up.weight`), v1(vars, `${p}.mlp.up.bias`))) as tf.Tensor2D
  return tf.add(x, linear(up, v2(vars, `${p}.mlp.down.weight`), v1(vars, `${p}.mlp.down.bias`)))
}

/** Input embedding of token ids at positions, [N, d]. */
export const embedding = (vars: Variables, c: PolicyConfig, ids: Int32Array, positions: Int32Array): tf.Tensor2D =>
  embed(v2(vars, "embed.weight"), c.positions === "learned" ? v2(vars, "pos.weight") : undefined, ids, positions)

/** Final LayerNorm. */
export const finalNorm = (vars: Variables, x: tf.Tensor2D): tf.Tensor2D =>
  layerNorm(x, v1(vars, "ln_f.weight"), v1(vars, "ln_f.bias"))

export interface Hidden {
  /** Final hidden states (after LN_f), [B*T, d]. */
  readonly hidden: tf.Tensor2D
  /** Packed q|k|v of every block, [B*T, 3d] (rotary applied): the prefill's KV cache. */
  readonly qkv: ReadonlyArray<tf.Tensor2D>
}

/** The full forward pass to the final hidden states; differentiable in the variables. */
export const forward = (vars: Variables, c: PolicyConfig, tokens: Tokens): Hidden => {
  const shape = { batch: tokens.batch, time: tokens.time, heads: c.heads }
  let x = embedding(vars, c, tokens.ids, tokens.positions)
  const qkvs: Array<tf.Tensor2D> = []
  for (let i = 0; i < c.layers; i++) {
    const qkv = projections(vars, c, i, x, tokens.positions)
    qkvs.push(qkv)
    x = tf.add(x, linear(attention(qkv, shape, tokens.mask), v2(vars, `blocks.${i}.attn.out.weight`)))
    x = mlp(vars, i, x)
  }
  return { hidden: finalNorm(vars, x), qkv: qkvs }
}

/** Output logits of hidden states [N, d] -> [N, vocab]. */
export const logits = (vars: Variables, hidden: tf.Tensor2D): tf.Tensor2D => linear(hidden, v2(vars, "head.weight"))

/**
 * Value head of hidden states [N, d] -> [N]; requires `valueHead`. With `critic: "head"`
 * the head reads the hidden states through a stop-gradient, so its loss trains it alone.
 */
export const values = (vars: Variables, c: PolicyConfig, hidden: tf.Tensor2D): tf.Tensor1D =>
  tf.reshape(linear(c.critic === "head" ? Gradients.stopGradient(hidden) : hidden, v2(vars, "value.weight"), v1(vars, "value.bias")), [hidden.shape[0]])

