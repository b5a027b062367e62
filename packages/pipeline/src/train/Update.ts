/**
 * One policy update from a batch of rows (verl's order of work):
 *
 * 1. a no-gradient pass of the current (behaviour) policy over every row gives `oldLogp`,
 *    the token entropies and, with a critic, `oldValues`; the reference policy gives
 *    `refLogp` when the objective has a KL term;
 * 2. advantages come from the registry estimator the spec names (GAE over turns with the
 *    critic's V(s_t) = value at the row's first response position; GRPO/GiGPO over groups),
 *    one per row, broadcast over the row's tokens;
 * 3. `epochs` passes over shuffled mini-batches of rows: the objective's loss and its
 *    gradients (`Term.valueAndGrads`, summed over micro-batches of whole trajectories
 *    that carry the mini-batch's totals), then one optimiser step each. A non-finite loss or
 *    gradient is an UpdateError naming the terms or parameters concerned: training on
 *    would only spread NaN through the weights.
 *
 * Both passes yield to the event loop between mini-batches, so that a signal (Ctrl-C) is
 * seen within one mini-batch rather than at the end of the step.
 */
import { Random, Tensors } from "@epo/core"
import { Batch, batchFromTrajectories, estimateAdvantages, Term, type TokenBatch } from "@epo/objective"
import { AdamW, Choice, type Evaluation, type Normalisation, type PolicyShape } from "@epo/policy"
import * as tf from "@tensorflow/tfjs"
import { Data, Effect } from "effect"
import type { OptimiserShape } from "./Optimiser.js"
import type { Rows } from "./Rows.js"
import type { PipelineSpec } from "../spec/Spec.js"

export class UpdateError extends Data.TaggedError("UpdateError")<{ readonly reason: string }> {
  override toString(): string {
    return `update: ${this.reason}`
  }
}

/** Per-row host arrays of one pass of a policy over the rows. */
export interface Pass {
  readonly logp: ReadonlyArray<Float32Array>
  readonly entropy: ReadonlyArray<Float32Array>
  readonly values?: ReadonlyArray<Float32Array> | undefined
}

const chunks = (indices: ReadonlyArray<number>, size: number): Array<Array<number>> => {
  const out: Array<Array<number>> = []
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size))
  return out
}

const guard = <A>(f: () => A): Effect.Effect<A, UpdateError> =>
  Effect.try({ try: f, catch: (e) => new UpdateError({ reason: e instanceof Error ? e.message : String(e) }) })

/** How rows are scored: the sampling temperature, and the normalisation of chosen actions. */
export interface Scoring {
  readonly temperature: number
  readonly normalisation: Normalisation
}

/**
 * The policy's pass over rows `sub` in the [S, L] layout (differentiable; call inside
 * tf.tidy or a gradient function): generated responses token by token, choices as one
 * entry each. A run's rows all come from one action mode.
 */
export const evaluateRows = (policy: PolicyShape, rows: Rows, sub: ReadonlyArray<number>, scoring: Scoring): Evaluation => {
  const chosen = sub.flatMap((i) => {
    const a = rows.action[i]
    return a._tag === "Chosen" ? [{ prompt: rows.prompt[i], candidates: a.candidates, words: a.words, choice: a.choice }] : []
  })
  if (chosen.length === sub.length) return policy.evaluateChoices(chosen, scoring)
  if (chosen.length > 0) throw new Error("a batch mixes generated and chosen actions")
  return policy.evaluate(
    sub.map((i) => ({ prompt: rows.prompt[i], response: (rows.action[i] as { readonly response: Int32Array }).response })),
    { temperature: scoring.temperature }
  )
}

/**
 * A no-gradient pass of `policy` over all rows, in passes within `limits`, each read back
 * once (`Tensors.read`: synchronously on the CPU backends, awaited on webgpu).
 */
export const pass = (policy: PolicyShape, rows: Rows, scoring: Scoring, limits: PassLimits): Effect.Effect<Pass, UpdateError> =>
  Effect.gen(function* () {
    const logp: Array<Float32Array> = []
    const entropy: Array<Float32Array> = []
    const values: Array<Float32Array> = []
    const all = Array.from({ length: rows.size }, (_, i) => i)
    for (const chunk of microBatches(all, all, passLengths(rows), limits)) {
      yield* Effect.yieldNow
      const evaluated = yield* guard(() =>
        tf.tidy(() => {
          const ev = evaluateRows(policy, rows, chunk, scoring)
          return ev.values === undefined ? [ev.logp, ev.entropy] : [ev.logp, ev.entropy, ev.values]
        })
      )
      const [lp, en, va] = yield* Effect.ensuring(Tensors.read(evaluated), Effect.sync(() => tf.dispose(evaluated)))
      const width = evaluated[0]!.shape[1]!
      chunk.forEach((i, s) => {
        const n = rows.length[i]
        logp.push(lp!.slice(s * width, s * width + n) as Float32Array)
        entropy.push(en!.slice(s * width, s * width + n) as Float32Array)
        if (va !== undefined) values.push(va.slice(s * width, s * width + n) as Float32Array)
      })
    }
    return { logp, entropy, values: values.length > 0 ? values : undefined }
  })

/**
 * The behaviour policy's statistics as recorded while acting, when they are exactly what
 * a pass would recompute: chosen actions are scored by the same forward pass that the
 * update runs, so their recorded log-probabilities, entropies (and values, with a critic)
 * serve as the old pass. Generated responses are recomputed (`pass`), as verl does,
 * since cached generation and the evaluation pass may round differently.
 */
export const recorded = (rows: Rows, critic: boolean): Pass | undefined =>
  rows.action.every((a) => a._tag === "Chosen") && (!critic || rows.values !== undefined)
    ? { logp: rows.logp, entropy: rows.entropy, values: critic ? rows.values : undefined }
    : undefined

/** One advantage and return per row, from the estimator the spec names. */
export const advantages = (
  spec: PipelineSpec,
  rows: Rows,
  old: Pass
): Effect.Effect<{ readonly advantages: Float64Array; readonly returns: Float64Array }, UpdateError> => {
  const byTrajectory = new Map<number, Array<number>>()
  for (let i = 0; i < rows.size; i++) {
    const list = byTrajectory.get(rows.trajectory[i])
    if (list === undefined) byTrajectory.set(rows.trajectory[i], [i])
    else list.push(i)
  }
  const ordered = [...byTrajectory.values()]
  // Rollouts pass the environment a step limit equal to maxTurns, so every trajectory
  // ends with the environment's `done`: terminal, no bootstrap value needed.
  const records = ordered.map((idx) => ({
    group: rows.group[idx[0]],
    rewards: idx.map((i) => rows.rewards[i]),
    anchors: idx.map((i) => rows.anchors[i]),
    tokenCounts: idx.map((i) => rows.length[i]),
    ...(old.values === undefined ? {} : { values: idx.map((i) => old.values![i][0]) })
  }))
  return estimateAdvantages(batchFromTrajectories(records), spec.algorithm.advantage as { estimator: string } & Record<string, unknown>).pipe(
    Effect.mapError((e) => new UpdateError({ reason: `advantages: ${String(e)}` })),
    Effect.map((r) => {
      // batchFromTrajectories lays rows out trajectory by trajectory: map back to row order.
      const adv = new Float64Array(rows.size)
      const ret = new Float64Array(rows.size)
      let k = 0
      for (const idx of ordered)
        for (const i of idx) {
          adv[i] = r.advantages[k]
          ret[i] = r.returns[k]
          k++
        }
      return { advantages: adv, returns: ret }
    })
  )
}

const padded = (sub: ReadonlyArray<number>, length: number, value: (row: number, token: number) => number): tf.Tensor2D => {
  const out = new Float32Array(sub.length * length)
  sub.forEach((row, s) => {
    for (let i = 0; i < length; i++) out[s * length + i] = value(row, i)
  })
  return tf.tensor2d(out, [sub.length, length])
}

/** The spec's scoring of rows: the rollout temperature and the policy's normalisation. */
export const scoringOf = (spec: PipelineSpec): Scoring => ({ temperature: spec.rollout.temperature, normalisation: spec.policy.normalisation })

/** Names of the gradients holding NaN or an infinity (read back only when the norm says there is one). */
const nonFiniteGradients = (grads: Readonly<Record<string, tf.Tensor>>): Effect.Effect<Array<string>> => {
  const entries = Object.entries(grads)
  return Effect.map(Tensors.read(entries.map(([, g]) => g)), (values) => entries.flatMap(([name], i) => (values[i]!.some((x) => !Number.isFinite(x)) ? [name] : [])))
}

export interface UpdateInput {
  readonly spec: PipelineSpec
  readonly policy: PolicyShape
  readonly rows: Rows
  readonly old: Pass
  readonly reference?: Pass | undefined
  readonly advantages: Float64Array
  readonly returns: Float64Array
  readonly objective: Term.Term
  readonly context: Term.EvalContext
  readonly optimiser: OptimiserShape
  readonly state: AdamW.AdamWState
  readonly learningRate: number
  /** Shuffles the rows of each epoch. */
  readonly key: Random.Key
}

export interface UpdateOutput {
  readonly state: AdamW.AdamWState
  /** Mean over mini-batches of the loss and each objective metric. */
  readonly metrics: Record<string, number>
  readonly gradNorm: number
  readonly miniBatches: number
}

/** What one forward/backward pass may hold: rows, and tokens counting padding (rows times the longest). */
export interface PassLimits {
  readonly rows: number
  readonly tokens: number
}

export const passLimits = (spec: PipelineSpec): PassLimits => ({ rows: spec.update.microBatchSize, tokens: spec.update.microBatchTokens })

/** Each row's length in the forward pass: prompt and response, or prompt and its candidates' trie. */
export const passLengths = (rows: Rows): Int32Array =>
  Int32Array.from({ length: rows.size }, (_, i) => {
    const a = rows.action[i]
    return a._tag === "Chosen" ? Choice.packedLength({ prompt: rows.prompt[i], candidates: a.candidates }) : rows.prompt[i].length + a.response.length
  })

/**
 * The passes over rows `sub`: rows grouped by `group` (in order of first appearance),
 * whole groups packed greedily into passes within `limits`, rows times the longest row
 * (`lengths`) counting as the pass's tokens. A group over the limits on its own gets a
 * pass of its own; rows that fit together stay one pass, in their order. In an update
 * the groups are trajectories, since the multi-turn mean needs every turn of a
 * trajectory in one micro-batch.
 */
export const microBatches = (sub: ReadonlyArray<number>, group: ArrayLike<number>, lengths: ArrayLike<number>, limits: PassLimits): Array<Array<number>> => {
  const fits = (count: number, longest: number) => count <= limits.rows && count * longest <= limits.tokens
  if (sub.length === 0) return []
  if (fits(sub.length, Math.max(...sub.map((i) => lengths[i])))) return [[...sub]]
  const byGroup = new Map<number, Array<number>>()
  for (const i of sub) {
    const list = byGroup.get(group[i])
    if (list === undefined) byGroup.set(group[i], [i])
    else list.push(i)
  }
  const out: Array<Array<number>> = []
  let current: Array<number> = []
  let longest = 0
  for (const rows of byGroup.values()) {
    const rowsLongest = Math.max(...rows.map((i) => lengths[i]))
    if (current.length > 0 && !fits(current.length + rows.length, Math.max(longest, rowsLongest))) {
      out.push(current)
      current = []
      longest = 0
    }
    current.push(...rows)
    longest = Math.max(longest, rowsLongest)
  }
  if (current.length > 0) out.push(current)
  return out
}

/** Adds gradients into a running sum, freeing the addends. */
const accumulate = (sum: Record<string, tf.Tensor>, grads: Record<string, tf.Tensor>): Record<string, tf.Tensor> => {
  if (Object.keys(sum).length === 0) return grads
  const out: Record<string, tf.Tensor> = {}
  for (const [name, g] of Object.entries(grads)) {
    out[name] = sum[name] === undefined ? g : tf.add(sum[name], g)
    if (sum[name] !== undefined) tf.dispose([sum[name], g])
  }
  return out
}

/** The token batch of rows `sub` (the policy's differentiable pass plus the recorded constants). */
const tokenBatch = (input: UpdateInput, sub: ReadonlyArray<number>, totals: Batch.BatchTotals | undefined): TokenBatch => {
  const { spec, policy, rows, old } = input
  const ids = new Map<number, number>()
  const trajectory = Int32Array.from(sub, (i) => {
    const id = ids.get(rows.trajectory[i]) ?? ids.size
    ids.set(rows.trajectory[i], id)
    return id
  })
  const length = Math.max(...sub.map((i) => rows.length[i]))
  const ev = evaluateRows(policy, rows, sub, scoringOf(spec))
  const token = (arrays: ReadonlyArray<Float32Array>) => (row: number, i: number) => (i < arrays[row].length ? arrays[row][i] : 0)
  const perRow = (xs: Float64Array) => (row: number, i: number) => (i < rows.length[row] ? xs[row] : 0)
  return {
    logp: ev.logp,
    entropy: ev.entropy,
    mask: ev.mask,
    oldLogp: padded(sub, length, token(old.logp)),
    advantages: padded(sub, length, perRow(input.advantages)),
    refLogp: input.reference === undefined ? undefined : padded(sub, length, token(input.reference.logp)),
    values: ev.values,
    oldValues: old.values === undefined ? undefined : padded(sub, length, token(old.values)),
    returns: old.values === undefined ? undefined : padded(sub, length, perRow(input.returns)),
    trajectory,
    turn: Int32Array.from(sub, (i) => rows.turn[i]),
    totals
  }
}

/**
 * The PPO epochs over shuffled mini-batches, one optimiser step each (gradients
 * accumulated over its micro-batches); the optimiser state is threaded through.
 */
export const update = (input: UpdateInput): Effect.Effect<UpdateOutput, UpdateError> =>
  Effect.gen(function* () {
    const { spec, policy, rows } = input
    const trainable = [...policy.variables.values()]
    // Gradients come keyed by tfjs variable names; the optimiser keys parameters by model name.
    const nameOf = new Map([...policy.variables].map(([name, v]) => [v.name, name]))
    let state = input.state
    const sums: Record<string, number> = {}
    let gradNorm = 0
    let miniBatches = 0
    const lengths = passLengths(rows)
    for (let epoch = 0; epoch < spec.update.epochs; epoch++) {
      const order = new Random.Stream(Random.fold(input.key, epoch)).shuffle(Array.from({ length: rows.size }, (_, i) => i))
      for (const [batch, sub] of chunks(order, spec.update.miniBatchSize).entries()) {
        yield* Effect.yieldNow
        const where = `update step ${input.context.step}, epoch ${epoch + 1}, mini-batch ${batch + 1}`
        const micro = microBatches(sub, rows.trajectory, lengths, passLimits(spec))
        // Split mini-batches carry their totals, so that the micro-batches add up to it.
        const totals = micro.length > 1 ? Batch.totalsOf(sub.map((i) => rows.length[i]), sub.map((i) => rows.trajectory[i])) : undefined
        let grads: Record<string, tf.Tensor> = {}
        // Each micro-batch's loss and metrics stay tensors until the optimiser step is queued.
        const evaluations: Array<Pick<Term.ValueAndGradTensors, "loss" | "metrics">> = []
        const scalars = () => evaluations.flatMap((e) => [e.loss, ...Object.values(e.metrics)])
        const release = () => tf.dispose([...Object.values(grads), ...scalars()])
        for (const part of micro) {
          if (micro.length > 1) yield* Effect.yieldNow
          const result = yield* Term.valueAndGradTensors(input.objective, input.context, () => tokenBatch(input, part, totals), trainable).pipe(
            Effect.mapError((e) => new UpdateError({ reason: String(e) })),
            Effect.tapError(() => Effect.sync(release))
          )
          grads = accumulate(grads, result.grads)
          evaluations.push(result)
        }
        const named = new Map(Object.entries(grads).map(([name, g]) => [nameOf.get(name) ?? name, g] as const))
        const stepped = yield* guard(() => input.optimiser.step(policy.variables, named, state, input.learningRate)).pipe(Effect.tapError(() => Effect.sync(release)))
        // One read of the loss, the metrics and (on webgpu) the norm, after the step is queued.
        const norm = stepped.gradNorm
        const pending = typeof norm === "number" ? scalars() : [...scalars(), norm]
        const read = yield* Effect.ensuring(Tensors.read(pending), Effect.sync(() => tf.dispose(pending)))
        let loss = 0
        const metrics: Record<string, number> = {}
        let at = 0
        for (const e of evaluations) {
          loss += read[at++]![0]!
          for (const k of Object.keys(e.metrics)) metrics[k] = (metrics[k] ?? 0) + read[at++]![0]!
        }
        const stepNorm = typeof norm === "number" ? norm : read[at]![0]!
        if (!Number.isFinite(loss)) {
          tf.dispose(Object.values(grads))
          AdamW.dispose(stepped.state)
          const bad = Object.entries({ loss, ...metrics }).filter(([, v]) => !Number.isFinite(v))
          return yield* new UpdateError({ reason: `${where}: the objective is not finite (${bad.map(([k, v]) => `${k} = ${v}`).join(", ")})` })
        }
        if (!Number.isFinite(stepNorm)) {
          const bad = (yield* nonFiniteGradients(grads)).map((name) => nameOf.get(name) ?? name)
          tf.dispose(Object.values(grads))
          AdamW.dispose(stepped.state)
          return yield* new UpdateError({ reason: `${where}: the gradient is not finite (norm ${stepNorm}) in ${bad.join(", ")} although the loss is ${loss}` })
        }
        tf.dispose(Object.values(grads))
        state = stepped.state
        gradNorm += stepNorm
        miniBatches++
        for (const [k, v] of Object.entries({ loss, ...metrics })) sums[k] = (sums[k] ?? 0) + v
      }
    }
    const metrics = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / miniBatches]))
    return { state, metrics, gradNorm: gradNorm / miniBatches, miniBatches }
  })
