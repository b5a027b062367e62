/**
 * The differentiable evaluation pass over (prompt, response) rows, in the [S, L] padded
 * layout of CONTRACTS.md: row s holds its response tokens at columns 0..|response|-1 and
 * padding after; `mask` marks the real tokens.
 *
 * Each row is one sequence prompt ++ response at positions 0..; rows are right-padded to a
 * common length, which the causal mask makes harmless. Response token i of a row is scored
 * by the logits at position |prompt| + i - 1; only those positions go through the output
 * head and the value head (prompt tokens never need logits). The model runs in the
 * active backend's formulation (./Formulation.ts).
 */
import * as tf from "@tensorflow/tfjs"
import { Data } from "effect"
import { type PolicyConfig } from "./Config.js"
import * as Formulation from "./Formulation.js"
import { causalMask } from "./ops/Attention.js"
import { type Variables } from "./Params.js"

export interface Row {
  readonly prompt: Int32Array
  readonly response: Int32Array
}

export interface EvaluateOptions {
  /** Sampling temperature: statistics are of softmax(logits / temperature). */
  readonly temperature: number
}

export interface Evaluation {
  /** log π(response token), [S, L], 0 at padding. */
  readonly logp: tf.Tensor2D
  /** Entropy at each response position, [S, L], 0 at padding. */
  readonly entropy: tf.Tensor2D
  /** Critic values at each response position, [S, L], when the model has a value head. */
  readonly values?: tf.Tensor2D
  /** 1 for real response tokens, 0 for padding, [S, L]. */
  readonly mask: tf.Tensor2D
}

/** Rows the model cannot evaluate; `field` names the offending row and part. */
export class PolicyInputError extends Data.TaggedError("PolicyInputError")<{
  readonly field: string
  readonly message: string
}> {
  override toString(): string {
    return `invalid policy input at ${this.field}: ${this.message}`
  }
}

/** The first problem with a token sequence, or undefined. */
export const checkTokens = (c: PolicyConfig, ids: Int32Array, field: string): PolicyInputError | undefined => {
  for (let i = 0; i < ids.length; i++)
    if (!(ids[i] >= 0 && ids[i] < c.vocab))
      return new PolicyInputError({ field: `${field}[${i}]`, message: `token id ${ids[i]} is outside 0..${c.vocab - 1}` })
  return undefined
}

/** The first problem with a set of rows, or undefined. */
export const checkRows = (c: PolicyConfig, rows: ReadonlyArray<Row>): PolicyInputError | undefined => {
  if (rows.length === 0) return new PolicyInputError({ field: "rows", message: "no rows to evaluate" })
  for (let s = 0; s < rows.length; s++) {
    const { prompt, response } = rows[s]
    if (prompt.length === 0) return new PolicyInputError({ field: `rows[${s}].prompt`, message: "empty prompt" })
    if (prompt.length + response.length > c.context)
      return new PolicyInputError({
        field: `rows[${s}]`,
        message: `prompt + response is ${prompt.length + response.length} tokens, over the context of ${c.context}`
      })
    const bad = checkTokens(c, prompt, `rows[${s}].prompt`) ?? checkTokens(c, response, `rows[${s}].response`)
    if (bad) return bad
  }
  return undefined
}

/**
 * Evaluates rows; call inside tf.tidy (or a gradient function): the result tensors are
 * differentiable in the variables. Throws PolicyInputError (see `checkRows`) on bad rows.
 */
export const evaluate = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<Row>, options: EvaluateOptions): Evaluation => {
  const bad = checkRows(c, rows)
  if (bad) throw bad
  if (!(options.temperature > 0))
    throw new PolicyInputError({ field: "temperature", message: `must be positive, got ${options.temperature}` })
  const S = rows.length
  const T = Math.max(...rows.map((r) => r.prompt.length + r.response.length))
  const L = Math.max(...rows.map((r) => r.response.length))
  const ids = new Int32Array(S * T)
  const positions = new Int32Array(S * T)
  const at = new Int32Array(S * L).fill(-1)
  const targets = new Int32Array(S * L)
  const mask = new Float32Array(S * L)
  rows.forEach(({ prompt, response }, s) => {
    ids.set(prompt, s * T)
    ids.set(response, s * T + prompt.length)
    for (let t = 0; t < T; t++) positions[s * T + t] = t
    for (let i = 0; i < response.length; i++) {
      at[s * L + i] = s * T + prompt.length + i - 1
      targets[s * L + i] = response[i]
      mask[s * L + i] = 1
    }
  })
  const f = Formulation.active()
  const hidden = f.forward(vars, c, { batch: S, time: T, ids, positions, mask: causalMask(T) })
  const picked = f.gatherRows(hidden, at)
  const stats = f.tokenStats(f.logits(vars, picked), targets, options.temperature)
  const maskT = tf.tensor2d(mask, [S, L])
  const column = (j: number) => tf.mul(tf.reshape(tf.slice(stats, [0, j], [S * L, 1]), [S, L]), maskT) as tf.Tensor2D
  const base = { logp: column(0), entropy: column(1), mask: maskT }
  return c.valueHead
    ? { ...base, values: tf.mul(tf.reshape(f.values(vars, c, picked), [S, L]), maskT) as tf.Tensor2D }
    : base
}
