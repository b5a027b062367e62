/**
 * The two formulations of the policy's model, behind the same Policy service:
 *
 * - `host` (./Transformer.ts and ./ops): attention, LayerNorm, GELU, the embedding, row
 *   gathers and token statistics as custom ops that read tensors on the host (wasm heap
 *   views) or run @epo/native's kernels: the fast path on the CPU backends.
 * - `batched` (./Batched.ts): the same model in plain tfjs ops (batched matrix products,
 *   on-device softmax, gathers) with no host read, for the webgpu backend, where Node has
 *   no synchronous read and every read would be a device-to-host sync.
 *
 * `active()` picks by the backend, so wasm and cpu run exactly what they ran before.
 */
import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import * as Batched from "./Batched.js"
import { type PolicyConfig } from "./Config.js"
import { gatherRows } from "./ops/Rows.js"
import { tokenStats } from "./ops/TokenStats.js"
import { type Variables } from "./Params.js"
import * as Transformer from "./Transformer.js"

export interface Formulation {
  /** Final hidden states (after LN_f), [B*T, d]; differentiable in the variables. */
  readonly forward: (vars: Variables, c: PolicyConfig, tokens: Transformer.Tokens) => tf.Tensor2D
  /** The forward pass with each layer's keys and values [B, H, T, dh] (generation's prefill). */
  readonly prefill: (vars: Variables, c: PolicyConfig, tokens: Transformer.Tokens) => Batched.Pass
  /** Input embedding of token ids at positions, [N, d] (a decode step's input). */
  readonly embedding: (vars: Variables, c: PolicyConfig, ids: Int32Array, positions: Int32Array) => tf.Tensor2D
  readonly logits: (vars: Variables, hidden: tf.Tensor2D) => tf.Tensor2D
  readonly values: (vars: Variables, c: PolicyConfig, hidden: tf.Tensor2D) => tf.Tensor1D
  /** Rows `index[i]` of a table (index -1: a zero row), differentiable in the table. */
  readonly gatherRows: (table: tf.Tensor2D, index: Int32Array) => tf.Tensor2D
  /** `[N, 2]`: log-probability of each target and entropy under logits / temperature. */
  readonly tokenStats: (logits: tf.Tensor2D, targets: Int32Array, temperature: number) => tf.Tensor2D
}

/** Splits packed projections [B*T, 3d] into per-head k and v [B, H, T, dh]. */
const keysValues = (qkv: tf.Tensor2D, B: number, T: number, H: number): Batched.KeysValues => {
  const dh = qkv.shape[1] / 3 / H
  const heads = tf.transpose(tf.reshape(qkv, [B, T, 3 * H, dh]), [0, 2, 1, 3])
  return {
    k: tf.slice(heads, [0, H, 0, 0], [B, H, T, dh]) as tf.Tensor4D,
    v: tf.slice(heads, [0, 2 * H, 0, 0], [B, H, T, dh]) as tf.Tensor4D
  }
}

export const host: Formulation = {
  forward: (vars, c, tokens) => Transformer.forward(vars, c, tokens).hidden,
  prefill: (vars, c, tokens) => {
    const { hidden, qkv } = Transformer.forward(vars, c, tokens)
    return { hidden, caches: qkv.map((layer) => keysValues(layer, tokens.batch, tokens.time, c.heads)) }
  },
  embedding: Transformer.embedding,
  logits: Transformer.logits,
  values: Transformer.values,
  gatherRows,
  tokenStats
}

export const batched: Formulation = {
  forward: Batched.forward,
  prefill: Batched.forwardCached,
  embedding: Batched.embedding,
  logits: Batched.logits,
  values: Batched.values,
  gatherRows: Batched.gatherRows,
  tokenStats: Batched.tokenStats
}

/** The formulation for the active backend: `batched` where reads are asynchronous (webgpu), else `host`. */
export const active = (): Formulation => (Tensors.readsSynchronously() ? host : batched)
