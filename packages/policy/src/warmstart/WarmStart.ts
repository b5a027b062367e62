/**
 * Supervised warm start (behaviour cloning): the stand-in for the instruction-tuned
 * starting point of the paper's LLMs, so that RL starts from a policy that sometimes
 * succeeds. The environment's expert plays training games and each turn becomes a row.
 * The loss depends on how the policy acts (`action`):
 *
 * - `generate`: the row is (`<bos>` prompt, response `<eot>`) and the loss is the mean
 *   cross-entropy of the response tokens only (the prompt tokens carry no loss),
 *     L(θ) = -(1 / Σ mask) Σ_rows Σ_i mask_i log π_θ(y_i | prompt, y_<i);
 * - `score`: the row is the prompt and the turn's admissible commands (Choice.ts) and the
 *   loss is the cross-entropy of the expert's command among them,
 *     L(θ) = -(1 / S) Σ_rows log softmax_j(ŝ_j)[expert],
 *   which trains exactly the distribution the policy then samples from.
 *
 * DAgger rounds (Ross, Gordon and Bagnell 2011) then let the policy play fresh training
 * games, label every state it visits with the expert's command, add those rows and train
 * again on the aggregate, so the policy also learns to recover from its own mistakes.
 * Afterwards the policy plays held-out games (greedy or sampled) and the success rate is
 * reported.
 */
import { type ConfigError, Errors, Random, Tensors } from "@epo/core"
import { Environment, type EnvironmentError, type GameRef, Runner, type RunnerError, seedRef } from "@epo/env"
import { StepSchedule } from "@epo/objective"
import * as tf from "@tensorflow/tfjs"
import { Effect, Schema } from "effect"
import * as Candidates from "../Candidates.js"
import { type ChosenRow, normalisations } from "../Choice.js"
import type { PolicyInputError, Row } from "../Evaluate.js"
import * as AdamW from "../optim/AdamW.js"
import type * as Params from "../Params.js"
import { Policy, type PolicyShape } from "../Policy.js"
import { keepNewest, type Tokenizer, type UnencodableText } from "../tokenizer/Tokenizer.js"
import { collect, type Demonstration, type Driver, type PromptFormat, responseStyles, WarmStartError } from "./Demonstrations.js"

const Positive = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))
const NonNegative = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
const PositiveReal = Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)))

export const WarmStartConfig = Schema.Struct({
  demonstrations: Schema.Struct({
    /** The training split the expert plays. */
    split: Schema.String,
    /** Games played: seeds firstSeed .. firstSeed + games - 1 of the split. */
    games: Positive,
    firstSeed: NonNegative.pipe(Schema.withDecodingDefaultKey(Effect.succeed(0))),
    /** How the expert's command is written as a response (`bare` for the compact prompt, `tagged` for verl-agent's). */
    response: Schema.Literals(responseStyles).pipe(Schema.withDecodingDefaultKey(Effect.succeed("bare" as const)))
  }),
  training: Schema.Struct({
    /** Passes over the demonstrations; 0 evaluates the policy as it is. */
    epochs: NonNegative,
    /** Peak learning rate. */
    learningRate: PositiveReal,
    /**
     * `constant`, or `cosine`: linear warm-up over the first 5% of the steps, then cosine
     * decay to 10% of the peak (StepSchedule.cosine of @epo/objective).
     */
    schedule: Schema.Literals(["constant", "cosine"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("cosine" as const))),
    /** Rows (turns) per optimiser step. */
    batchSize: Positive,
    /** Global gradient-norm clip. */
    maxGradNorm: PositiveReal.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
    weightDecay: Schema.Finite.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)), Schema.withDecodingDefaultKey(Effect.succeed(0.01)))
  }),
  evaluation: Schema.Struct({
    /** An evaluation split of the environment; its first `games` evaluation games are played. */
    split: Schema.String,
    games: NonNegative,
    /** Sampling temperature of the policy's responses. */
    temperature: PositiveReal.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
    /** Take the most likely token (top-k 1) instead of sampling. */
    greedy: Schema.Boolean.pipe(Schema.withDecodingDefaultKey(Effect.succeed(true)))
  }),
  /** Turns per episode at most, for demonstrations and evaluation. */
  maxTurns: Positive.pipe(Schema.withDecodingDefaultKey(Effect.succeed(50))),
  /** Response tokens generated at most per turn (end of turn included). */
  maxResponseTokens: Positive.pipe(Schema.withDecodingDefaultKey(Effect.succeed(16))),
  /** How the policy acts: generating its answer, or scoring the admissible commands (Choice.ts). */
  action: Schema.Literals(["generate", "score"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("generate" as const))),
  /** Score normalisation of the `score` action mode. */
  normalisation: Schema.Literals(normalisations).pipe(Schema.withDecodingDefaultKey(Effect.succeed("token" as const))),
  /** DAgger rounds after the first training (0: none). */
  dagger: Schema.Struct({
    rounds: NonNegative.pipe(Schema.withDecodingDefaultKey(Effect.succeed(0))),
    /** Fresh training games the policy plays per round (seeds after the demonstrations'). */
    games: Positive.pipe(Schema.withDecodingDefaultKey(Effect.succeed(100))),
    /** The policy's sampling temperature while it plays. */
    temperature: PositiveReal.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1))),
    /** Epochs over all rows gathered so far after each round. */
    epochs: Positive.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1)))
  }).pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  /** Seeds batch order and sampling. */
  seed: NonNegative
})
export type WarmStartConfig = typeof WarmStartConfig.Type

/** Decodes a warm-start configuration; a ConfigError names every bad field. */
export const decodeConfig = (input: unknown): Effect.Effect<WarmStartConfig, ConfigError> =>
  Errors.decodeConfig(WarmStartConfig, "WarmStartConfig")(input)

export interface EpochReport {
  readonly epoch: number
  /** Mean loss over the epoch's steps: nats per response token (`generate`) or per decision (`score`). */
  readonly loss: number
  readonly steps: number
  readonly seconds: number
}

export interface EvaluationReport {
  readonly split: string
  readonly games: number
  readonly won: number
  readonly successRate: number
  /** Turns whose command the environment accepted, over all turns. */
  readonly validCommandRate: number
  /** Turns whose response kept to the prompt format's answer format (always 1 when scoring). */
  readonly validFormatRate: number
  readonly meanTurns: number
}

export interface DaggerReport {
  readonly round: number
  /** Training games the policy played in this round, and how many it won. */
  readonly games: number
  readonly won: number
  /** Rows (turns) added, and rows trained on afterwards. */
  readonly added: number
  readonly rows: number
  /** Turns where the policy's command was the expert's. */
  readonly agreement: number
}

export interface WarmStartReport {
  readonly demonstrations: {
    readonly games: number
    readonly expertWon: number
    readonly rows: number
    readonly responseTokens: number
    readonly longestRow: number
  }
  readonly epochs: ReadonlyArray<EpochReport>
  readonly dagger: ReadonlyArray<DaggerReport>
  readonly evaluation: EvaluationReport
}

export interface WarmStartInputs {
  readonly tokenizer: Tokenizer
  readonly format: PromptFormat
  /** Called after each epoch (for progress output). */
  readonly onEpoch?: (report: EpochReport) => Effect.Effect<void>
  /** Called after each DAgger round. */
  readonly onRound?: (report: DaggerReport) => Effect.Effect<void>
}

export type WarmStartFailure =
  | ConfigError
  | WarmStartError
  | EnvironmentError
  | RunnerError
  | UnencodableText
  | PolicyInputError

/**
 * Batches of row indices for one epoch: shuffled, then sorted by length within windows
 * of 8 batches so that rows of similar length share a batch (less padding), and the
 * batches shuffled again.
 */
export const epochBatches = (lengths: ReadonlyArray<number>, batchSize: number, key: Random.Key): Array<Array<number>> => {
  const stream = new Random.Stream(key)
  const order = stream.shuffle(lengths.map((_, i) => i))
  const window = batchSize * 8
  const batches: Array<Array<number>> = []
  for (let w = 0; w < order.length; w += window) {
    const chunk = order.slice(w, w + window).sort((a, b) => lengths[a] - lengths[b])
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize))
  }
  return stream.shuffle(batches)
}

/** Mean negative log-likelihood of the response tokens (the behaviour-cloning loss). */
export const responseNll = (logp: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar =>
  tf.tidy(() => tf.div(tf.neg(tf.sum(tf.mul(logp, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar)

/** Rows of one action mode: how they are built from demonstrations and scored. */
interface Cloning<R> {
  readonly rows: (pairs: ReadonlyArray<Demonstration>) => Effect.Effect<Array<R>, UnencodableText | WarmStartError>
  /** Tokens of a row (for batching rows of similar length, and the context check). */
  readonly length: (row: R) => number
  /** Loss weight of a row in the epoch's mean (response tokens, or 1 per decision). */
  readonly weight: (row: R) => number
  readonly evaluate: (rows: ReadonlyArray<R>) => { logp: tf.Tensor2D; mask: tf.Tensor2D }
}

const generating = (policy: PolicyShape, tokenizer: Tokenizer): Cloning<Row> => ({
  // A prompt longer than the context keeps its newest tokens, as in rollouts (Tokenizer.keepNewest).
  rows: (pairs) =>
    Effect.forEach(pairs, (d) =>
      Effect.map(Effect.all({ prompt: tokenizer.encodePrompt(d.prompt), response: tokenizer.encodeResponse(d.response) }), ({ prompt, response }) => ({
        prompt: keepNewest(prompt, policy.config.context - response.length),
        response
      }))
    ),
  length: (r) => r.prompt.length + r.response.length,
  weight: (r) => r.response.length,
  evaluate: (rows) => policy.evaluate(rows, { temperature: 1 })
})

const scoring = (policy: PolicyShape, encoder: Candidates.CandidateEncoder, config: WarmStartConfig): Cloning<ChosenRow> => ({
  rows: (pairs) =>
    Effect.forEach(pairs, (d) =>
      Effect.gen(function* () {
        const row = yield* Effect.try({ try: () => encoder.row(d.prompt, d.admissible, policy.config.context), catch: (e) => e as UnencodableText })
        const choice = row.commands.indexOf(d.command)
        if (choice < 0) return yield* new WarmStartError({ reason: `game ${d.gameId} turn ${d.turn}: the expert's command ${JSON.stringify(d.command)} is not among the candidates` })
        return { ...row, choice }
      })
    ),
  length: (r) => r.prompt.length + r.candidates.reduce((n, c) => n + c.length, 0),
  weight: () => 1,
  evaluate: (rows) => policy.evaluateChoices(rows, { temperature: 1, normalisation: config.normalisation })
})

/**
 * Trains the policy's variables in place on `rows` for `epochs` passes, continuing the
 * optimiser `state` and the schedule from `step`; returns the per-epoch reports.
 */
const train = <R>(
  variables: Params.Variables,
  cloning: Cloning<R>,
  rows: ReadonlyArray<R>,
  schedule: { readonly batchSize: number; readonly learningRate: (step: number) => number; readonly optimiser: AdamW.AdamW },
  run: { state: AdamW.AdamWState; step: number },
  epochs: ReadonlyArray<number>,
  key: Random.Key,
  onEpoch: (report: EpochReport) => Effect.Effect<void>
): Effect.Effect<Array<EpochReport>> =>
  Effect.gen(function* () {
    // tfjs names gradients by the variables' global names; map them back to parameter names.
    const paramName = new Map([...variables].map(([name, v]) => [v.name, name]))
    const varList = [...variables.values()]
    const lengths = rows.map(cloning.length)
    const reports: Array<EpochReport> = []
    for (const epoch of epochs) {
      const started = performance.now()
      let lossSum = 0
      let weightSum = 0
      const batches = epochBatches(lengths, schedule.batchSize, Random.fold(key, epoch))
      for (const batch of batches) {
        const batchRows = batch.map((i) => rows[i])
        const weight = batchRows.reduce((n, r) => n + cloning.weight(r), 0)
        // The loss is read once the step is queued; the norm (on webgpu a tensor) is unused.
        const queued = yield* Effect.sync(() => {
          const { value, grads } = tf.variableGrads(() => {
            const e = cloning.evaluate(batchRows)
            return responseNll(e.logp, e.mask)
          }, varList)
          const named = new Map(Object.entries(grads).map(([k, g]) => [paramName.get(k)!, g]))
          const stepped = AdamW.stepOnBackend(schedule.optimiser, variables, named, run.state, schedule.learningRate(run.step++))
          run.state = stepped.state
          tf.dispose(Object.values(grads))
          return { value, norm: stepped.gradNorm }
        })
        const [read] = yield* Effect.ensuring(Tensors.read([queued.value]), Effect.sync(() => tf.dispose([queued.value, ...(typeof queued.norm === "number" ? [] : [queued.norm])])))
        const loss = read![0]!
        lossSum += loss * weight
        weightSum += weight
      }
      const report = { epoch: epoch + 1, loss: lossSum / weightSum, steps: batches.length, seconds: (performance.now() - started) / 1000 }
      reports.push(report)
      yield* onEpoch(report)
    }
    return reports
  })

/**
 * How the policy acts in a batch of episodes: commands for the live members' views,
 * generated or chosen among the admissible ones, with whether each answer kept to the
 * prompt format.
 */
const actor = (
  policy: PolicyShape,
  tokenizer: Tokenizer,
  format: PromptFormat,
  config: WarmStartConfig,
  sampling: { readonly temperature: number; readonly greedy: boolean },
  key: Random.Key
): ((views: ReadonlyArray<Runner.MemberView>, turn: number) => Effect.Effect<Array<{ command: string; validFormat: boolean }>, WarmStartFailure>) => {
  const encoder = Candidates.encoder(tokenizer)
  const topK = sampling.greedy ? 1 : undefined
  return (views, turn) =>
    Effect.gen(function* () {
      if (config.action === "score") {
        const rows = yield* Effect.try({
          try: () => views.map((v) => encoder.row(format.render(v.memory), v.memory.admissibleCommands, policy.config.context)),
          catch: (e) => e as UnencodableText
        })
        const choices = yield* policy.choose(rows, { temperature: sampling.temperature, normalisation: config.normalisation, topK, key: Random.fold(key, turn) })
        return choices.map((c, i) => ({ command: rows[i].commands[c.choice], validFormat: true }))
      }
      const budget = policy.config.context - config.maxResponseTokens
      const prompts = yield* Effect.forEach(views, (v) => Effect.map(tokenizer.encodePrompt(format.render(v.memory)), (p) => keepNewest(p, budget)))
      const generations = yield* policy.generate(prompts, {
        temperature: sampling.temperature,
        topK,
        maxNewTokens: config.maxResponseTokens,
        key: Random.fold(key, turn),
        endOfTurn: tokenizer.eot
      })
      return generations.map((g) => {
        const parsed = format.parse(tokenizer.decode(g.tokens))
        return { command: parsed.action, validFormat: parsed.valid && g.stoppedAtEnd }
      })
    })
}

/**
 * Plays the first `config.evaluation.games` evaluation games of `config.evaluation.split`
 * with the Policy service (one batched decision per turn) and reports its success rate.
 */
export const evaluatePolicy = (
  tokenizer: Tokenizer,
  format: PromptFormat,
  config: WarmStartConfig,
  key: Random.Key
): Effect.Effect<EvaluationReport, WarmStartFailure, Environment | Policy> =>
  Effect.gen(function* () {
    const { evaluation } = config
    const env = yield* Environment
    const policy = yield* Policy
    const all = evaluation.games === 0 ? [] : yield* env.evaluationSet(evaluation.split)
    if (all.length < evaluation.games)
      return yield* Effect.fail(
        new WarmStartError({ reason: `evaluation split ${evaluation.split} has ${all.length} games, ${evaluation.games} requested` })
      )
    const games = all.slice(0, evaluation.games)
    if (games.length === 0) return { split: evaluation.split, games: 0, won: 0, successRate: 0, validCommandRate: 0, validFormatRate: 0, meanTurns: 0 }
    const act = actor(policy, tokenizer, format, config, evaluation, key)
    const result = yield* Runner.run(games, { groupSize: 1, maxTurns: config.maxTurns }, act)
    const members = result.groups.flatMap((g) => g.members)
    const turns = members.flatMap((m) => m.turns)
    const won = members.filter((m) => m.won).length
    return {
      split: evaluation.split,
      games: members.length,
      won,
      successRate: won / members.length,
      validCommandRate: turns.filter((t) => t.valid).length / turns.length,
      validFormatRate: turns.filter((t) => t.decision.validFormat).length / turns.length,
      meanTurns: turns.length / members.length
    }
  })

/** Warm start with the rows of one action mode (see `warmStart`). */
const cloneWith = <R>(
  c: WarmStartConfig,
  policy: PolicyShape,
  inputs: WarmStartInputs,
  cloning: Cloning<R>
): Effect.Effect<WarmStartReport, WarmStartFailure, Environment | Policy> =>
  Effect.gen(function* () {
    const { tokenizer, format } = inputs
    const key = Random.key(c.seed)
    const seeds = (first: number, count: number): Array<GameRef> => Array.from({ length: count }, (_, i) => seedRef(c.demonstrations.split, first + i))
    const demos = yield* collect(seeds(c.demonstrations.firstSeed, c.demonstrations.games), format, c.demonstrations.response, c.maxTurns)
    const rows = yield* cloning.rows(demos.pairs)
    const checkContext = (added: ReadonlyArray<R>) => {
      const longest = Math.max(0, ...added.map(cloning.length))
      return c.action === "generate" && longest > policy.config.context
        ? Effect.fail(new WarmStartError({ reason: `a demonstration is ${longest} tokens long, over the policy's context of ${policy.config.context}` }))
        : Effect.succeed(longest)
    }
    const longest = yield* checkContext(rows)
    const batchesPerEpoch = (n: number) => Math.ceil(n / c.training.batchSize)
    // The schedule spans every epoch of every round; the row count of a round is its
    // rows so far plus the turns its games will add (estimated by the demonstrations' mean).
    const perGame = rows.length / Math.max(1, demos.games)
    let totalSteps = c.training.epochs * batchesPerEpoch(rows.length)
    for (let r = 1; r <= c.dagger.rounds; r++) totalSteps += c.dagger.epochs * batchesPerEpoch(rows.length + Math.round(r * c.dagger.games * perGame))
    const schedule = {
      batchSize: c.training.batchSize,
      optimiser: AdamW.adamw({ b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: c.training.weightDecay, maxGradNorm: c.training.maxGradNorm }),
      learningRate:
        c.training.schedule === "constant"
          ? StepSchedule.constant(c.training.learningRate)
          : StepSchedule.cosine({ peak: c.training.learningRate, totalSteps: Math.max(1, totalSteps), warmupSteps: Math.ceil(0.05 * totalSteps), minRatio: 0.1 })
    }
    const run = { state: schedule.optimiser.init(policy.variables), step: 0 }
    const onEpoch = inputs.onEpoch ?? (() => Effect.void)
    const epochs: Array<EpochReport> = []
    const rounds: Array<DaggerReport> = []
    try {
      let epoch = 0
      const range = (n: number) => Array.from({ length: n }, () => epoch++)
      epochs.push(...(yield* train(policy.variables, cloning, rows, schedule, run, range(c.training.epochs), Random.fold(key, 0), onEpoch)))
      let nextSeed = c.demonstrations.firstSeed + c.demonstrations.games
      for (let round = 1; round <= c.dagger.rounds; round++) {
        const act = actor(policy, tokenizer, format, c, { temperature: c.dagger.temperature, greedy: false }, Random.fold(Random.fold(key, 2), round))
        const driver: Driver<WarmStartFailure> = (views, turn) => Effect.map(act(views, turn), (xs) => xs.map((x) => x.command))
        const visited = yield* collect(seeds(nextSeed, c.dagger.games), format, c.demonstrations.response, c.maxTurns, driver)
        nextSeed += c.dagger.games
        const added = yield* cloning.rows(visited.pairs)
        yield* checkContext(added)
        rows.push(...added)
        const agreement = visited.pairs.filter((p) => p.sent === p.command).length
        epochs.push(...(yield* train(policy.variables, cloning, rows, schedule, run, range(c.dagger.epochs), Random.fold(key, 0), onEpoch)))
        const report = { round, games: visited.games, won: visited.won, added: added.length, rows: rows.length, agreement: agreement / Math.max(1, visited.pairs.length) }
        rounds.push(report)
        yield* (inputs.onRound ?? (() => Effect.void))(report)
      }
    } finally {
      AdamW.dispose(run.state)
    }
    const evaluation = yield* evaluatePolicy(tokenizer, format, c, Random.fold(key, 1))
    return {
      demonstrations: {
        games: demos.games,
        expertWon: demos.won,
        rows: demos.pairs.length,
        responseTokens: demos.pairs.reduce((n, p) => n + p.response.length, 0),
        longestRow: longest
      },
      epochs,
      dagger: rounds,
      evaluation
    }
  })

/**
 * Warm-starts the Policy service's variables on the environment's expert demonstrations
 * (then DAgger rounds, when configured) and reports the loss per epoch and the success
 * rate on held-out games. The variables are trained in place and returned with the report.
 */
export const warmStart = (
  config: unknown,
  inputs: WarmStartInputs
): Effect.Effect<{ readonly variables: Params.Variables; readonly report: WarmStartReport }, WarmStartFailure, Environment | Policy> =>
  Effect.gen(function* () {
    const c = yield* decodeConfig(config)
    const policy = yield* Policy
    yield* Errors.require(
      inputs.tokenizer.size === policy.config.vocab,
      "WarmStartConfig",
      `the tokenizer has ${inputs.tokenizer.size} tokens but the policy's vocabulary is ${policy.config.vocab}`
    )
    const report =
      c.action === "score"
        ? yield* cloneWith(c, policy, inputs, scoring(policy, Candidates.encoder(inputs.tokenizer), c))
        : yield* cloneWith(c, policy, inputs, generating(policy, inputs.tokenizer))
    return { variables: policy.variables, report }
  })
