/**
 * Action selection by scoring candidate actions (GLAM, Carta et al. 2023, arXiv 2302.02662;
 * TWOSOME, Tan et al. 2024, arXiv 2401.14151): the language model scores each candidate
 * a_j = (y_1 .. y_n) — typically an admissible command followed by <eot> — by its
 * log-likelihood given the prompt s,
 *
 *   ℓ_j = Σ_i log π_LM(y_i | s, y_<i),     ŝ_j = ℓ_j / N_j,
 *
 * with N_j = 1 (`sum`), the token count n (`token`) or the word count of the command
 * (`word`, TWOSOME's word normalisation), and the turn's action is drawn from the
 * softmax over the candidates at temperature τ:
 *
 *   π(a_j | s) = softmax_j(ŝ / τ),   H(s) = -Σ_j π(a_j | s) log π(a_j | s).
 *
 * With `PolicyConfig.choiceScale` the scores are ŝ_j = e^θ ℓ_j / N_j, θ a learned parameter
 * (an inverse temperature; `Params.choiceScale`).
 *
 * Every candidate is admissible by construction, and π(a | s) and H(s) are ordinary
 * differentiable functions of the weights, so PPO/GRPO and EPO apply to them unchanged:
 * each decision is one "token" whose log-probability is log π(a | s) and whose entropy is
 * H(s) (docs/objectives.md, "Action scoring").
 *
 * Shared prefix, computed once: a row packs the prompt and the prefix tree (trie) of its
 * candidates into one sequence, [prompt | trie nodes in insertion order]. A trie node
 * attends to the whole prompt and to its ancestors (and itself) only, at position
 * |prompt| + depth, so it computes exactly what it would at the end of prompt ++ its
 * path, and candidates sharing a prefix ("go to cabinet 1", "go to cabinet 2") share its
 * nodes. The mask hides every key after its query, so attention's causal query blocks
 * apply. Node y is scored by the logits of its parent (the last prompt token for the
 * roots).
 */
import { Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { type PolicyConfig } from "./Config.js"
import { checkTokens, type Evaluation, PolicyInputError } from "./Evaluate.js"
import * as Formulation from "./Formulation.js"
import { masked } from "./ops/Attention.js"
import { choiceScale, get, type Variables } from "./Params.js"
import { sample } from "./Sampling.js"

export const normalisations = ["token", "word", "sum"] as const
export type Normalisation = (typeof normalisations)[number]

/** One decision: a prompt and the candidate actions to score. */
export interface ChoiceRow {
  readonly prompt: Int32Array
  /** Token ids of each candidate (e.g. the command's tokens then <eot>); at least one, none empty. */
  readonly candidates: ReadonlyArray<Int32Array>
  /** Words of each candidate, for `word` normalisation. */
  readonly words?: ReadonlyArray<number> | undefined
}

/** A decision and the candidate that was taken (index into `candidates`). */
export interface ChosenRow extends ChoiceRow {
  readonly choice: number
}

export interface ChoiceOptions {
  /** τ of the softmax over candidates; must be positive. */
  readonly temperature: number
  readonly normalisation: Normalisation
}

export interface ChooseOptions extends ChoiceOptions {
  readonly key: Random.Key
  /** Draw among the k most likely candidates only (the recorded statistics stay those of the full softmax). */
  readonly topK?: number | undefined
}

export interface Choice {
  readonly choice: number
  /** log π(a_choice | s) at temperature τ. */
  readonly logp: number
  /** H(s), the entropy of π(· | s). */
  readonly entropy: number
  /** ŝ_j, the normalised log-likelihood of every candidate (before the temperature). */
  readonly scores: Float32Array
  /** The critic's value of the state (at the last prompt token), when the model has a value head. */
  readonly value?: number | undefined
}

/** The first problem with a set of choice rows, or undefined. */
export const checkChoices = (c: PolicyConfig, rows: ReadonlyArray<ChoiceRow>, normalisation: Normalisation): PolicyInputError | undefined => {
  if (rows.length === 0) return new PolicyInputError({ field: "rows", message: "no rows to score" })
  for (let s = 0; s < rows.length; s++) {
    const { prompt, candidates, words } = rows[s]
    if (prompt.length === 0) return new PolicyInputError({ field: `rows[${s}].prompt`, message: "empty prompt" })
    if (candidates.length === 0) return new PolicyInputError({ field: `rows[${s}].candidates`, message: "no candidates" })
    const bad = checkTokens(c, prompt, `rows[${s}].prompt`)
    if (bad) return bad
    for (let j = 0; j < candidates.length; j++) {
      const field = `rows[${s}].candidates[${j}]`
      if (candidates[j].length === 0) return new PolicyInputError({ field, message: "empty candidate" })
      if (prompt.length + candidates[j].length > c.context)
        return new PolicyInputError({ field, message: `prompt + candidate is ${prompt.length + candidates[j].length} tokens, over the context of ${c.context}` })
      const badToken = checkTokens(c, candidates[j], field)
      if (badToken) return badToken
    }
    if (normalisation === "word") {
      if (words === undefined || words.length !== candidates.length)
        return new PolicyInputError({ field: `rows[${s}].words`, message: `word normalisation needs one word count per candidate (${candidates.length})` })
      const at = words.findIndex((w) => !(Number.isInteger(w) && w >= 1))
      if (at >= 0) return new PolicyInputError({ field: `rows[${s}].words[${at}]`, message: `must be an integer ≥ 1, got ${words[at]}` })
    }
  }
  return undefined
}

const checkOptions = (options: ChoiceOptions): PolicyInputError | undefined =>
  !(options.temperature > 0)
    ? new PolicyInputError({ field: "temperature", message: `must be positive, got ${options.temperature}` })
    : !normalisations.includes(options.normalisation)
      ? new PolicyInputError({ field: "normalisation", message: `unknown normalisation "${options.normalisation}" (known: ${normalisations.join(", ")})` })
      : undefined

/** The prefix tree of one row's candidates. */
interface Trie {
  /** Token of each node, parents before children. */
  readonly tokens: Array<number>
  /** Parent node of each node, -1 for a root (scored by the last prompt token). */
  readonly parents: Array<number>
  readonly depths: Array<number>
  /** The nodes of each candidate, root first. */
  readonly paths: Array<Array<number>>
}

export const trie = (candidates: ReadonlyArray<Int32Array>): Trie => {
  const tokens: Array<number> = []
  const parents: Array<number> = []
  const depths: Array<number> = []
  const children = new Map<string, number>()
  const paths = candidates.map((ids) => {
    const path: Array<number> = []
    let parent = -1
    for (let d = 0; d < ids.length; d++) {
      const edge = `${parent}:${ids[d]}`
      let node = children.get(edge)
      if (node === undefined) {
        node = tokens.length
        tokens.push(ids[d])
        parents.push(parent)
        depths.push(d)
        children.set(edge, node)
      }
      path.push(node)
      parent = node
    }
    return path
  })
  return { tokens, parents, depths, paths }
}

/** The length of a row packed for the forward pass: its prompt and the nodes of its candidates' trie. */
export const packedLength = (row: ChoiceRow): number => row.prompt.length + trie(row.candidates).tokens.length

/** A batch of rows packed for one forward pass, with the index maps the scores need. */
interface Packed {
  readonly batch: number
  readonly time: number
  readonly ids: Int32Array
  readonly positions: Int32Array
  readonly mask: Float32Array
  /** Per node of every row (rows in order): the flat [B*T] index of the hidden state that scores it, and its token. */
  readonly scorer: Int32Array
  readonly targets: Int32Array
  /** [C_total, depth]: the flat node indices of each candidate's path, -1 past its end. */
  readonly pathIndex: Int32Array
  readonly depth: number
  /** Per candidate (rows in order): 1 / N_j. */
  readonly inverseLength: Float32Array
  /** [B, maxCandidates]: the flat candidate index of each slot, -1 for padding. */
  readonly slots: Int32Array
  readonly maxCandidates: number
  /** Flat [B*T] index of each row's last prompt token (where the value head reads). */
  readonly promptEnds: Int32Array
}

export const pack = (rows: ReadonlyArray<ChoiceRow>, normalisation: Normalisation): Packed => {
  const tries = rows.map((r) => trie(r.candidates))
  const B = rows.length
  const T = Math.max(...rows.map((r, b) => r.prompt.length + tries[b].tokens.length))
  const depth = Math.max(...rows.flatMap((r) => r.candidates.map((x) => x.length)))
  const maxCandidates = Math.max(...rows.map((r) => r.candidates.length))
  const ids = new Int32Array(B * T)
  const positions = new Int32Array(B * T)
  const mask = new Float32Array(B * T * T).fill(masked)
  const nodes = tries.reduce((n, t) => n + t.tokens.length, 0)
  const candidates = rows.reduce((n, r) => n + r.candidates.length, 0)
  const scorer = new Int32Array(nodes)
  const targets = new Int32Array(nodes)
  const pathIndex = new Int32Array(candidates * depth).fill(-1)
  const inverseLength = new Float32Array(candidates)
  const slots = new Int32Array(B * maxCandidates).fill(-1)
  const promptEnds = new Int32Array(B)
  let nodeBase = 0
  let candidateBase = 0
  rows.forEach((row, b) => {
    const P = row.prompt.length
    const t = tries[b]
    const at = (query: number, key: number) => (b * T + query) * T + key
    ids.set(row.prompt, b * T)
    for (let i = 0; i < P; i++) {
      positions[b * T + i] = i
      mask.fill(0, at(i, 0), at(i, 0) + i + 1)
    }
    for (let n = 0; n < t.tokens.length; n++) {
      const slot = P + n
      ids[b * T + slot] = t.tokens[n]
      positions[b * T + slot] = P + t.depths[n]
      mask.fill(0, at(slot, 0), at(slot, 0) + P)
      for (let a = n; a >= 0; a = t.parents[a]) mask[at(slot, P + a)] = 0
      scorer[nodeBase + n] = b * T + (t.parents[n] < 0 ? P - 1 : P + t.parents[n])
      targets[nodeBase + n] = t.tokens[n]
    }
    // Padding queries attend to themselves only (every query must keep a key).
    for (let slot = P + t.tokens.length; slot < T; slot++) mask[at(slot, slot)] = 0
    t.paths.forEach((path, j) => {
      const flat = candidateBase + j
      path.forEach((node, d) => (pathIndex[flat * depth + d] = nodeBase + node))
      const length = normalisation === "sum" ? 1 : normalisation === "token" ? path.length : row.words![j]
      inverseLength[flat] = 1 / length
      slots[b * maxCandidates + j] = flat
    })
    promptEnds[b] = b * T + P - 1
    nodeBase += t.tokens.length
    candidateBase += row.candidates.length
  })
  return { batch: B, time: T, ids, positions, mask, scorer, targets, pathIndex, depth, inverseLength, slots, maxCandidates, promptEnds }
}

interface Scored {
  /** [B, maxCandidates]: ŝ_j, and `masked` at padding slots. */
  readonly scores: tf.Tensor2D
  /** [B, 1] critic values at each row's last prompt token, when the model has a value head. */
  readonly values?: tf.Tensor2D
}

/** The normalised candidate scores of every row, differentiable in the variables (call inside tf.tidy). */
const scoreRows = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<ChoiceRow>, normalisation: Normalisation): Scored => {
  const p = pack(rows, normalisation)
  const f = Formulation.active()
  const hidden = f.forward(vars, c, { batch: p.batch, time: p.time, ids: p.ids, positions: p.positions, mask: p.mask })
  const nodeLogp = tf.slice(f.tokenStats(f.logits(vars, f.gatherRows(hidden, p.scorer)), p.targets, 1), [0, 0], [p.targets.length, 1]) as tf.Tensor2D
  const sums = tf.sum(tf.reshape(f.gatherRows(nodeLogp, p.pathIndex), [p.inverseLength.length, p.depth]), 1, true) as tf.Tensor2D
  const inverse = tf.tensor2d(p.inverseLength, [p.inverseLength.length, 1])
  const normalised = tf.mul(sums, c.choiceScale ? tf.mul(inverse, tf.exp(get(vars, choiceScale))) : inverse) as tf.Tensor2D
  const padding = Float32Array.from(p.slots, (s) => (s < 0 ? masked : 0))
  const scores = tf.add(tf.reshape(f.gatherRows(normalised, p.slots), [p.batch, p.maxCandidates]), tf.tensor2d(padding, [p.batch, p.maxCandidates])) as tf.Tensor2D
  if (!c.valueHead) return { scores }
  return { scores, values: tf.reshape(f.values(vars, c, f.gatherRows(hidden, p.promptEnds)), [p.batch, 1]) as tf.Tensor2D }
}

/**
 * The differentiable pass over decisions already taken, in the [S, L] layout of
 * `Evaluate.evaluate` with L = 1: logp = log π(a_choice | s), entropy = H(s) at the
 * options' temperature, values (value head) at the last prompt token, mask all ones.
 * Call inside tf.tidy or a gradient function; throws PolicyInputError on bad rows.
 */
export const evaluateChoices = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<ChosenRow>, options: ChoiceOptions): Evaluation => {
  const bad = checkOptions(options) ?? checkChoices(c, rows, options.normalisation)
  if (bad) throw bad
  const wrong = rows.findIndex((r) => !(Number.isInteger(r.choice) && r.choice >= 0 && r.choice < r.candidates.length))
  if (wrong >= 0)
    throw new PolicyInputError({ field: `rows[${wrong}].choice`, message: `must index one of the ${rows[wrong].candidates.length} candidates, got ${rows[wrong].choice}` })
  const { scores, values } = scoreRows(vars, c, rows, options.normalisation)
  const [S, C] = scores.shape
  const logProbs = tf.logSoftmax(tf.mul(scores, 1 / options.temperature))
  const onehot = new Float32Array(S * C)
  rows.forEach((r, s) => (onehot[s * C + r.choice] = 1))
  const logp = tf.sum(tf.mul(logProbs, tf.tensor2d(onehot, [S, C])), 1, true) as tf.Tensor2D
  const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1, true)) as tf.Tensor2D
  const mask = tf.ones([S, 1]) as tf.Tensor2D
  return values === undefined ? { logp, entropy, mask } : { logp, entropy, mask, values }
}

export interface Scores {
  readonly scores: Array<Float32Array>
  readonly values?: Float32Array | undefined
}

/**
 * The normalised scores ŝ of each row's candidates and the values (no gradient), for rows
 * `checkChoices` accepts. Each pass is read back once, when its forward pass is queued
 * (`Tensors.read`: synchronous on the CPU backends, awaited on webgpu).
 */
const scorePasses = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<ChoiceRow>, normalisation: Normalisation): Effect.Effect<Scores> =>
  Effect.gen(function* () {
    const scores: Array<Float32Array> = []
    const values: Array<number> = []
    // Rows are scored independently; passes of at most `rowsPerPass` rows bound the
    // activations (a DAgger round over 1,500 games in one pass overran the wasm heap).
    for (let start = 0; start < rows.length; start += rowsPerPass) {
      const part = rows.slice(start, start + rowsPerPass)
      const scored = tf.tidy(() => {
        const s = scoreRows(vars, c, part, normalisation)
        return s.values === undefined ? [s.scores] : [s.scores, s.values]
      })
      const [flat, partValues] = (yield* Effect.ensuring(Tensors.read(scored), Effect.sync(() => tf.dispose(scored)))) as Array<Float32Array>
      const width = flat!.length / part.length
      part.forEach((r, b) => scores.push(flat!.slice(b * width, b * width + r.candidates.length)))
      if (partValues !== undefined) values.push(...partValues)
    }
    return { scores, values: values.length > 0 ? Float32Array.from(values) : undefined }
  })

/**
 * The normalised scores ŝ of each row's candidates and the values (no gradient), on a
 * backend that reads synchronously (not webgpu: see `choose`); throws PolicyInputError.
 */
export const scoresSync = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<ChoiceRow>, normalisation: Normalisation): Scores => {
  const bad = checkChoices(c, rows, normalisation)
  if (bad) throw bad
  return Effect.runSync(scorePasses(vars, c, rows, normalisation))
}

/** The most rows one scoring pass packs into its forward pass (`choose`, `scoresSync`). */
export const rowsPerPass = 32

/**
 * Draws one candidate per row from softmax(ŝ / τ); row b uses `Random.fold(key, b)`, so
 * the same key gives the same choices. logp and entropy are those of the full softmax.
 */
export const choose = (vars: Variables, c: PolicyConfig, rows: ReadonlyArray<ChoiceRow>, options: ChooseOptions): Effect.Effect<Array<Choice>, PolicyInputError> =>
  Effect.suspend(() => {
    const bad = checkOptions(options) ?? checkChoices(c, rows, options.normalisation)
    if (bad) return Effect.fail(bad)
    if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK >= 1))
      return Effect.fail(new PolicyInputError({ field: "topK", message: `must be an integer ≥ 1, got ${options.topK}` }))
    return Effect.map(scorePasses(vars, c, rows, options.normalisation), ({ scores, values }) =>
      scores.map((row, b) => {
        const s = sample(row, { temperature: options.temperature, topK: options.topK }, Random.fold(options.key, b))
        return { choice: s.token, logp: s.logp, entropy: s.entropy, scores: row, value: values?.[b] }
      })
    )
  })
