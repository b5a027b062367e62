/**
 * Batched generation with a KV cache. Prompts are left-padded to a common length; a
 * per-row key mask hides the padding and each row's positions start at 0 at its first
 * real token, so every row computes what it would alone. One prefill pass (in the
 * active backend's formulation, ./Formulation.ts) fills the caches; each further token is
 * one decode step over the cached keys and values, in plain tfjs ops but for the
 * formulation's embedding. Row b draws its token at step s with the key fold(fold(key, b), s), so
 * the same key gives the same tokens.
 */
import { Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { type KeysValues } from "./Batched.js"
import { type PolicyConfig } from "./Config.js"
import { checkTokens, PolicyInputError } from "./Evaluate.js"
import * as Formulation from "./Formulation.js"
import { masked } from "./ops/Attention.js"
import { linear } from "./ops/Linear.js"
import { get, type Variables } from "./Params.js"
import { sample, type SamplingOptions } from "./Sampling.js"
import * as Transformer from "./Transformer.js"

export interface GenerateOptions extends SamplingOptions {
  /** At most this many tokens per response. */
  readonly maxNewTokens: number
  readonly key: Random.Key
  /** A row stops after emitting this token (kept as its last token). */
  readonly endOfTurn?: number | undefined
}

export interface Generation {
  readonly tokens: Int32Array
  /** Per token: log softmax(logits / temperature) of the token. */
  readonly logp: Float32Array
  /** Per token: entropy of softmax(logits / temperature). */
  readonly entropy: Float32Array
  /** True when the response ended with `endOfTurn`. */
  readonly stoppedAtEnd: boolean
}

/** The first problem with a generation request, or undefined. */
export const checkRequest = (
  c: PolicyConfig,
  prompts: ReadonlyArray<Int32Array>,
  options: GenerateOptions
): PolicyInputError | undefined => {
  if (prompts.length === 0) return new PolicyInputError({ field: "prompts", message: "no prompts" })
  if (!(options.temperature > 0))
    return new PolicyInputError({ field: "temperature", message: `must be positive, got ${options.temperature}` })
  if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK >= 1))
    return new PolicyInputError({ field: "topK", message: `must be an integer ≥ 1, got ${options.topK}` })
  if (options.topP !== undefined && !(options.topP > 0 && options.topP <= 1))
    return new PolicyInputError({ field: "topP", message: `must be in (0, 1], got ${options.topP}` })
  if (!(Number.isInteger(options.maxNewTokens) && options.maxNewTokens >= 0))
    return new PolicyInputError({ field: "maxNewTokens", message: `must be an integer ≥ 0, got ${options.maxNewTokens}` })
  for (let b = 0; b < prompts.length; b++) {
    if (prompts[b].length === 0) return new PolicyInputError({ field: `prompts[${b}]`, message: "empty prompt" })
    if (prompts[b].length >= c.context)
      return new PolicyInputError({
        field: `prompts[${b}]`,
        message: `${prompts[b].length} tokens leave no room in the context of ${c.context}`
      })
    const bad = checkTokens(c, prompts[b], `prompts[${b}]`)
    if (bad) return bad
  }
  return undefined
}

/** One decode step for tokens [B] at positions [B]: extends the caches, returns logits [B, V]. */
const decode = (
  vars: Variables,
  c: PolicyConfig,
  f: Formulation.Formulation,
  tokens: Int32Array,
  positions: Int32Array,
  caches: Array<KeysValues>,
  keyMask: tf.Tensor4D
): tf.Tensor2D => {
  const B = tokens.length
  const H = c.heads
  const dh = c.dModel / H
  let x = f.embedding(vars, c, tokens, positions)
  for (let i = 0; i < c.layers; i++) {
    const heads = tf.reshape(Transformer.projections(vars, c, i, x, positions), [B, 3 * H, 1, dh])
    const part = (j: number) => tf.slice(heads, [0, j * H, 0, 0], [B, H, 1, dh]) as tf.Tensor4D
    const k = tf.concat([caches[i].k, part(1)], 2)
    const v = tf.concat([caches[i].v, part(2)], 2)
    caches[i] = { k: tf.keep(k), v: tf.keep(v) }
    const scores = tf.add(tf.mul(tf.matMul(part(0), k, false, true), 1 / Math.sqrt(dh)), keyMask)
    const o = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [B, c.dModel]) as tf.Tensor2D
    x = tf.add(x, linear(o, get(vars, `blocks.${i}.attn.out.weight`) as tf.Tensor as tf.Tensor2D))
    x = Transformer.mlp(vars, i, x)
  }
  return Transformer.logits(vars, Transformer.finalNorm(vars, x))
}

/** What generation holds on the device between steps: the last logits [B, V] and each layer's KV cache. */
interface Held {
  logits: tf.Tensor2D
  readonly caches: Array<KeysValues>
}

const release = (held: Held): void => {
  held.logits.dispose()
  for (const x of held.caches) tf.dispose([x.k, x.v])
}

/**
 * Generates a response for every prompt; bad requests fail with PolicyInputError. Each
 * step reads its logits back once (`Tensors.read`: synchronous on the CPU backends,
 * awaited on webgpu), samples on the host, and queues the next decode step.
 */
export const generate = (
  vars: Variables,
  c: PolicyConfig,
  prompts: ReadonlyArray<Int32Array>,
  options: GenerateOptions
): Effect.Effect<Array<Generation>, PolicyInputError> =>
  Effect.suspend(() => {
    const bad = checkRequest(c, prompts, options)
    if (bad) return Effect.fail(bad)
    const f = Formulation.active()
    const B = prompts.length
    const T = Math.max(...prompts.map((p) => p.length))
    const pad = prompts.map((p) => T - p.length)
    const out = prompts.map(() => ({ tokens: [] as Array<number>, logp: [] as Array<number>, entropy: [] as Array<number>, done: false, end: false }))
    const rowKeys = prompts.map((_, b) => Random.fold(options.key, b))
    // Left-padded prefill: row b's real tokens occupy columns pad[b].. at positions 0..
    const prefill = (): Held => {
      const ids = new Int32Array(B * T)
      const positions = new Int32Array(B * T)
      const mask = new Float32Array(B * T * T)
      for (let b = 0; b < B; b++) {
        ids.set(prompts[b], b * T + pad[b])
        for (let t = 0; t < T; t++) {
          positions[b * T + t] = Math.max(0, t - pad[b])
          for (let j = 0; j < T; j++) if (j > t || (j < pad[b] && j !== t)) mask[(b * T + t) * T + j] = masked
        }
      }
      const lastRows = Int32Array.from({ length: B }, (_, b) => b * T + T - 1)
      const caches: Array<KeysValues> = []
      const logits = tf.tidy(() => {
        const pass = f.prefill(vars, c, { batch: B, time: T, ids, positions, mask })
        for (const kv of pass.caches) caches.push({ k: tf.keep(kv.k), v: tf.keep(kv.v) })
        return f.logits(vars, f.gatherRows(pass.hidden, lastRows))
      })
      return { logits, caches }
    }
    const keyPad = new Array<number>(B * T).fill(0)
    for (let b = 0; b < B; b++) for (let j = 0; j < pad[b]; j++) keyPad[b * T + j] = masked
    const steps = (held: Held) =>
      Effect.gen(function* () {
        for (let step = 0; step < options.maxNewTokens; step++) {
          const [values] = yield* Tensors.read([held.logits])
          const V = c.vocab
          const next = new Int32Array(B)
          const nextPositions = new Int32Array(B)
          for (let b = 0; b < B; b++) {
            const row = out[b]
            if (row.done) continue
            const s = sample(values!.subarray(b * V, (b + 1) * V), options, Random.fold(rowKeys[b], step))
            row.tokens.push(s.token)
            row.logp.push(s.logp)
            row.entropy.push(s.entropy)
            row.end = s.token === options.endOfTurn
            row.done = row.end || row.tokens.length >= options.maxNewTokens || prompts[b].length + row.tokens.length >= c.context
            next[b] = s.token
            nextPositions[b] = prompts[b].length + row.tokens.length - 1
          }
          if (out.every((r) => r.done)) break
          const t = T + step + 1
          const keys: Array<number> = []
          for (let b = 0; b < B; b++) for (let j = 0; j < t; j++) keys.push(j < T ? keyPad[b * T + j] : 0)
          const previous = held.caches.map((x) => x)
          const old = held.logits
          held.logits = tf.tidy(() => decode(vars, c, f, next, nextPositions, held.caches, tf.tensor4d(keys, [B, 1, 1, t])))
          old.dispose()
          for (const x of previous) tf.dispose([x.k, x.v])
        }
        return out.map((r) => ({
          tokens: Int32Array.from(r.tokens),
          logp: Float32Array.from(r.logp),
          entropy: Float32Array.from(r.entropy),
          stoppedAtEnd: r.end
        }))
      })
    return Effect.acquireUseRelease(Effect.sync(prefill), steps, (held) => Effect.sync(() => release(held)))
  })

/** `generate` run synchronously, on a backend that reads synchronously (not webgpu); throws PolicyInputError. */
export const generateSync = (
  vars: Variables,
  c: PolicyConfig,
  prompts: ReadonlyArray<Int32Array>,
  options: GenerateOptions
): Array<Generation> => {
  const bad = checkRequest(c, prompts, options)
  if (bad) throw bad
  return Effect.runSync(generate(vars, c, prompts, options))
}
