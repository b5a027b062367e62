/**
 * The pipeline spec: everything a training run depends on, as one `effect/Schema` value,
 * so that a run is reproducible from its resolved spec and seed. Every field has a
 * default (the paper's ALFWorld setup where it has one, spec "Training setup of the
 * paper"), so `{}` decodes; presets (Presets.ts) override a few. Decoding reports every
 * bad field with its dotted path (Schema errors "all", unknown keys rejected), then the
 * cross-field checks, and fails before any work starts.
 */
import { successRules } from "@epo/env"
import { AdvantageConfig, advantageEstimatorNames, Config as Objective } from "@epo/objective"
import { Effect, Schema, SchemaIssue } from "effect"
import { SpecError, type SpecIssue } from "./SpecError.js"
import * as Environments from "./Environments.js"
import * as PolicySection from "./PolicySection.js"
import { WorkersSpec, workerKinds } from "./Workers.js"

const withDefault = <S extends Schema.Top>(schema: S, fallback: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(fallback)))

const int = (minimum: number, fallback: number) =>
  withDefault(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(minimum))), fallback)
const nonNegative = (fallback: number) => withDefault(Schema.Finite.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))), fallback)
const positive = (fallback: number) => withDefault(Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0))), fallback)
const fraction = (fallback: number) => withDefault(Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1 }))), fallback)

export const backendNames = ["auto", "wasm", "cpu", "webgpu"] as const
export type BackendName = (typeof backendNames)[number]

/** The environment, its training split, and how prompts are rendered from episode memory. */
export const EnvironmentSpec = Schema.Struct({
  /** A name of the environment registry (Environments.ts, the list of @epo/environments): "household", "corridor" or "science". */
  name: withDefault(Schema.Literals(Environments.names), "household"),
  /** The split training games are drawn from. */
  split: withDefault(Schema.NonEmptyString, "train"),
  /** Policy turns per episode at most (paper: 50 on ALFWorld). */
  maxTurns: int(1, 50),
  /** Prompt format of the environment's registry ("verl-agent", "compact"; household also "notebook"). */
  prompt: withDefault(Schema.NonEmptyString, "verl-agent"),
  /** The history window: past (observation, action) pairs in verl-agent prompts (history_length), past commands in compact ones. */
  historyLength: int(0, 2),
  /**
   * When an episode is won: "environment" (its own rule, as the paper's code computes it)
   * or "completed" (only with the task's goals all met). They differ on science, where
   * EPO's rule also wins past the 100-tick limit with a partial score (@epo/env successRules).
   */
  success: withDefault(Schema.Literals(successRules), "environment")
})

/** Rollout collection: N groups of G members, each group on one game (GRPO/GiGPO groups). */
export const RolloutSpec = Schema.Struct({
  /** N: task groups per batch (paper: 16). */
  groups: int(1, 16),
  /** G: members per group (paper: 8). */
  groupSize: int(1, 8),
  /** Sampling temperature of rollouts; entropies are computed from logits / temperature. */
  temperature: positive(1),
  topK: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  topP: Schema.optionalKey(Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1 })))),
  /** Response tokens per turn at most. */
  maxNewTokens: int(1, 48),
  /** Batches a step's groups are cut into, each played with its own key (rollout/Shards.ts); the unit of work of `workers`. */
  shards: int(1, 1),
  /** Where the shards are played: `in-process`, or `{ "kind": "threads", "count": 2 }` (Workers.ts). */
  workers: withDefault(WorkersSpec, { kind: "in-process" })
})

/** Behaviour cloning on expert trajectories before RL (skipped with episodes 0 or a checkpoint). */
export const WarmStartSpec = Schema.Struct({
  /** Expert episodes to clone; 0 disables the warm start. */
  episodes: int(0, 0),
  /** The split they are drawn from. */
  split: withDefault(Schema.NonEmptyString, "train"),
  /** Whose commands are cloned: household's "explorer" (ALFWorld's handcoded strategy) or "oracle" (shortest, knows where objects are). */
  expert: withDefault(Schema.Literals(Environments.expertNames), "explorer"),
  epochs: int(1, 1),
  learningRate: positive(1e-3),
  batchSize: int(1, 32),
  /** DAgger rounds after cloning: the policy plays `games` fresh training games, the expert labels every state, `epochs` more epochs on all rows. */
  dagger: withDefault(Schema.Struct({ rounds: int(0, 0), games: int(1, 100), epochs: int(1, 1) }), {})
})

/** The algorithm: how advantages are estimated (a name of @epo/objective's registry). */
export const AlgorithmSpec = Schema.Struct({
  advantage: withDefault(AdvantageConfig, { estimator: "grpo" })
})

/** AdamW with a warm-up + cosine learning-rate schedule and global-norm gradient clipping (verl). */
export const OptimizerSpec = Schema.Struct({
  name: withDefault(Schema.Literal("adamw"), "adamw"),
  learningRate: positive(5e-6),
  beta1: fraction(0.9),
  beta2: fraction(0.999),
  epsilon: positive(1e-8),
  weightDecay: nonNegative(0.01),
  /** Global-norm gradient clip (verl grad_clip); 0 disables. */
  gradClip: nonNegative(1),
  schedule: withDefault(Schema.Literals(["cosine", "constant"]), "cosine"),
  /** Warm-up as a fraction of the update steps (paper: 10%). */
  warmupRatio: fraction(0.1),
  /** The cosine floor as a fraction of the peak (paper: 0.2). */
  minRatio: fraction(0.2),
  /**
   * Learning-rate multipliers by parameter name (optax multi_transform, torch parameter
   * groups): Adam moves a parameter by about the learning rate per step whatever its
   * gradient, too slowly for a single scalar such as `choice.logScale` at a rate set
   * for the weights.
   */
  multipliers: withDefault(Schema.Record(Schema.String, Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)))), {})
})

/** PPO epochs over shuffled mini-batches of rows (one row = one turn, CONTRACTS.md). */
export const UpdateSpec = Schema.Struct({
  epochs: int(1, 1),
  /**
   * Rows per mini-batch, one optimiser step each; the batch is cut into
   * ceil(rows / miniBatchSize) mini-batches (verl ppo_mini_batch_size).
   */
  miniBatchSize: int(1, 64),
  /**
   * Rows per forward/backward pass (verl ppo_micro_batch_size): a larger mini-batch is
   * evaluated in micro-batches of whole trajectories whose gradients add up exactly to the
   * mini-batch's (gradient accumulation). Bounds memory; never changes the result beyond
   * float rounding.
   */
  microBatchSize: int(1, 64),
  /**
   * Most tokens per forward/backward pass, counting padding: rows times the longest
   * row, where a row is a prompt and its response or its candidates' trie (verl
   * ppo_max_token_len_per_gpu). With `microBatchSize` it bounds the activations, so the
   * wasm heap, which never shrinks, stops growing once the largest pass has run.
   */
  microBatchTokens: int(1, 24576)
})

/** How the KL coefficient of objective.kl evolves (verl kl_ctrl): fixed, or adaptive to a target. */
export const KlControlSpec = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("fixed") }),
  Schema.Struct({
    kind: Schema.Literal("adaptive"),
    target: Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0))),
    horizon: Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)))
  })
])

export const RewardSpec = Schema.Struct({
  /** The environment's success reward (1) is multiplied by this (verl-agent: 10). */
  scale: positive(10),
  /** Subtracted from a turn's reward when its answer broke the prompt's format (verl-agent: 0.1). */
  invalidActionPenalty: nonNegative(0.1)
})

export const EvaluationSpec = Schema.Struct({
  /** Evaluate every this many update steps (and after the last); 0: only after the last. */
  every: int(0, 10),
  splits: withDefault(Schema.Array(Schema.NonEmptyString), ["eval_in_distribution"]),
  /** Sampling temperature of evaluation episodes. */
  temperature: positive(0.4),
  /** Games per split at most, taken in order from the split's fixed evaluation set; 0: all. */
  games: int(0, 0),
  /** Which split's success rate chooses the "best" checkpoint (default: the first). */
  bestBy: Schema.optionalKey(Schema.NonEmptyString),
  /**
   * Seeds the evaluation's sampling keys instead of the run seed: runs of every seed and
   * method then play the same games with the same keys (a paired design).
   */
  seed: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  /** Evaluate the starting policy before the first update (with `every` > 0). */
  atStart: withDefault(Schema.Boolean, true)
})

export const CheckpointSpec = Schema.Struct({
  /** Save a checkpoint every this many update steps (and after the last). */
  every: int(1, 10),
  /** Step checkpoints kept besides the best one (oldest deleted first). */
  keep: int(1, 3)
})

export const PipelineSpec = Schema.Struct({
  /** A label for the run directory and reports. */
  name: withDefault(Schema.NonEmptyString, "run"),
  /** The run seed: every random draw derives from it. */
  seed: withDefault(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))), 0),
  /**
   * Tensor backend: cpu is bitwise reproducible; wasm the fast default; auto picks
   * tfjs-node(-gpu) when installed, never webgpu. webgpu (tfjs-backend-webgpu over Dawn,
   * only when named) runs the policy in its batched formulation and reads tensors back
   * asynchronously; on Mesa's CPU Vulkan driver it is a functional check, far slower than
   * wasm (docs/policy.md, GPU routes).
   */
  backend: withDefault(Schema.Literals(backendNames), "auto"),
  /** K: update steps (paper: 150 on ALFWorld). */
  totalSteps: int(1, 150),
  environment: withDefault(EnvironmentSpec, {}),
  rollout: withDefault(RolloutSpec, {}),
  policy: withDefault(PolicySection.PolicySpec, {}),
  warmStart: withDefault(WarmStartSpec, {}),
  algorithm: withDefault(AlgorithmSpec, {}),
  objective: withDefault(Objective.ObjectiveConfig, { preset: "epo" }),
  optimizer: withDefault(OptimizerSpec, {}),
  update: withDefault(UpdateSpec, {}),
  klControl: withDefault(KlControlSpec, { kind: "fixed" }),
  rewards: withDefault(RewardSpec, {}),
  evaluation: withDefault(EvaluationSpec, {}),
  checkpoints: withDefault(CheckpointSpec, {})
})
export type PipelineSpec = typeof PipelineSpec.Type
/** The JSON form of a spec (every key optional). */
export type PipelineSpecInput = typeof PipelineSpec.Encoded

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const dotted = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string =>
  path
    .map((p) => (typeof p === "object" && p !== null ? p.key : p))
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("")

// Unions discriminated by a name: an unknown name is reported as such, not as the
// union's list of member shapes.
const discriminated: ReadonlyArray<{ readonly path: string; readonly key: string; readonly names: ReadonlyArray<string> }> = [
  { path: "algorithm.advantage", key: "estimator", names: advantageEstimatorNames },
  { path: "objective", key: "preset", names: Objective.presetNames },
  { path: "klControl", key: "kind", names: ["fixed", "adaptive"] },
  { path: "rollout.workers", key: "kind", names: workerKinds }
]

const valueAt = (input: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((x, k) => (typeof x === "object" && x !== null ? (x as Record<string, unknown>)[k] : undefined), input)

const explain = (input: unknown, issue: SpecIssue): SpecIssue => {
  const d = discriminated.find((d) => d.path === issue.path)
  const name = d === undefined ? undefined : valueAt(input, `${d.path}.${d.key}`)
  return d === undefined || d.names.includes(name as string)
    ? issue
    : { path: `${d.path}.${d.key}`, message: `unknown ${d.key} ${JSON.stringify(name)} (known: ${d.names.join(", ")})` }
}

/** The Schema issues of `input`, one per bad field, with dotted paths. */
const schemaIssues = (input: unknown): Effect.Effect<PipelineSpec, ReadonlyArray<SpecIssue>> =>
  Schema.decodeUnknownEffect(PipelineSpec)(input, { errors: "all", onExcessProperty: "error" }).pipe(
    Effect.mapError((e) =>
      formatter(e.issue).issues.map((i) => explain(input, { path: dotted(i.path ?? []) || "<root>", message: i.message }))
    )
  )

/** The cross-field conditions no single field's Schema can state; every one is checked. */
export const crossFieldIssues = (spec: PipelineSpec): ReadonlyArray<SpecIssue> => {
  const issues: Array<SpecIssue> = []
  const check = (ok: boolean, path: string, message: string) => {
    if (!ok) issues.push({ path, message })
  }
  const env = Environments.info(spec.environment.name)
  const splitOk = (split: string) => env.splits.includes(split)
  check(splitOk(spec.environment.split), "environment.split", `unknown split "${spec.environment.split}" of ${env.name} (known: ${env.splits.join(", ")})`)
  check(splitOk(spec.warmStart.split), "warmStart.split", `unknown split "${spec.warmStart.split}" of ${env.name} (known: ${env.splits.join(", ")})`)
  spec.evaluation.splits.forEach((split, i) =>
    check(env.evaluationSplits.includes(split), `evaluation.splits[${i}]`, `"${split}" is not an evaluation split of ${env.name} (known: ${env.evaluationSplits.join(", ")})`)
  )
  if (spec.evaluation.bestBy !== undefined)
    check(spec.evaluation.splits.includes(spec.evaluation.bestBy), "evaluation.bestBy", `must be one of evaluation.splits (${spec.evaluation.splits.join(", ")}), got "${spec.evaluation.bestBy}"`)
  check(env.promptFormats.includes(spec.environment.prompt), "environment.prompt", `unknown prompt format "${spec.environment.prompt}" of ${env.name} (known: ${env.promptFormats.join(", ")})`)
  const estimator = spec.algorithm.advantage.estimator
  if (estimator === "gae")
    check(spec.objective.value !== undefined, "objective.value", `the "gae" advantage estimator needs a critic: set objective.value (e.g. {"coefficient": 0.5, "clip": 0.5})`)
  else
    check(spec.objective.value === undefined, "objective.value", `a critic is trained only with the "gae" estimator (algorithm.advantage.estimator is "${estimator}")`)
  if (estimator !== "gae")
    check(spec.rollout.groupSize >= 2, "rollout.groupSize", `the "${estimator}" estimator compares members of a group: needs groupSize >= 2, got ${spec.rollout.groupSize}`)
  if (spec.objective.preset === "epo-released")
    check(
      spec.objective.maxTurns === spec.environment.maxTurns,
      "objective.maxTurns",
      `the released variant smooths batches holding a turn >= maxTurns // 2 of the environment's limit: must equal environment.maxTurns (${spec.environment.maxTurns}), got ${spec.objective.maxTurns}`
    )
  if (spec.klControl.kind === "adaptive")
    check(spec.objective.kl !== undefined, "klControl", "an adaptive KL controller needs objective.kl")
  check(spec.rollout.shards <= spec.rollout.groups, "rollout.shards", `a shard holds at least one group: must be <= rollout.groups (${spec.rollout.groups}), got ${spec.rollout.shards}`)
  check(spec.optimizer.minRatio <= 1, "optimizer.minRatio", `must be <= 1, got ${spec.optimizer.minRatio}`)
  issues.push(...PolicySection.crossFieldIssues(spec.policy, "policy"))
  return issues
}

const objectiveIssues = (spec: PipelineSpec): Effect.Effect<ReadonlyArray<SpecIssue>> =>
  Objective.validate(spec.objective, "objective").pipe(
    Effect.as([] as ReadonlyArray<SpecIssue>),
    Effect.catch((e) => Effect.succeed([{ path: e.field, message: e.message }]))
  )

/**
 * Decodes a spec (parsed JSON or a TypeScript value): every bad field and every failed
 * cross-field condition is reported at once in a SpecError.
 */
export const decode = (input: unknown, source = "pipeline spec"): Effect.Effect<PipelineSpec, SpecError> =>
  Effect.gen(function* () {
    const spec = yield* schemaIssues(input).pipe(Effect.mapError((issues) => new SpecError({ source, issues })))
    const issues = [...(yield* objectiveIssues(spec)), ...crossFieldIssues(spec)]
    if (issues.length > 0) return yield* new SpecError({ source, issues })
    return spec
  })

/** The JSON form of a decoded spec (what the run store writes as spec.json). */
export const encode = (spec: PipelineSpec): PipelineSpecInput => Schema.encodeUnknownSync(PipelineSpec)(spec)
