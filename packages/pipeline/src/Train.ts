/**
 * The training loop, an Effect program over services provided by Layers: the tensor
 * backend, the environment, the policy and its tokenizer, the objective, the optimiser
 * and the run store (`layers` assembles the default ones from a spec; replacing one is
 * one line, e.g. `TrainingObjective.custom("mine", term)`).
 *
 * A new run writes its spec and manifest, warm-starts the policy by behaviour cloning
 * when the spec asks for it, keeps the reference policy of the KL term, evaluates, and
 * checkpoints step 0. Then each update step (Step.ts) appends its metrics; evaluation
 * runs every `evaluation.every` steps and checkpoints are saved every
 * `checkpoints.every` steps, after the last one, and when the run is stopped.
 * Everything random is a function of (seed, step) (RunKeys.ts), and all state is in the
 * checkpoint, so a resumed run continues exactly as an uninterrupted one would.
 */
import { Backend, Random, TensorBackend } from "@epo/core"
import type { Environment } from "@epo/env"
import { KlController } from "@epo/objective"
import { AdamW, Checkpoint, Policy, PolicyConfig, type PolicyShape, PolicyService, Safetensors, type Vocabulary, WarmStart } from "@epo/policy"
import * as tf from "@tensorflow/tfjs"
import * as fs from "node:fs"
import * as path from "node:path"
import { Data, Effect, Layer, Option, Schema } from "effect"
import * as Environments from "./Environments.js"
import * as Evaluation from "./Evaluation.js"
import { Codec, layer as modelLayer, restoreWeights } from "./Model.js"
import { Optimiser, adamw } from "./Optimiser.js"
import * as Provenance from "./Provenance.js"
import type { EvaluationRecord, Manifest, MetricsRecord } from "./Records.js"
import { RunStore, layer as runStoreLayer, make as runStoreAt } from "./RunStore.js"
import * as Spec from "./Spec.js"
import { TrainingObjective, fromConfig } from "./TrainingObjective.js"
import * as Trainer from "./TrainerState.js"
import * as Step from "./Step.js"
import { evaluationKey, keyOf } from "./RunKeys.js"
import * as RolloutProvider from "./rollout/Provider.js"
import type { Rollouts } from "./rollout/Rollouts.js"

export class TrainError extends Data.TaggedError("TrainError")<{ readonly reason: string }> {
  override toString(): string {
    return `training: ${this.reason}`
  }
}

/** Progress of a run, for the command line (or any observer). */
export type TrainEvent =
  | { readonly _tag: "Started"; readonly dir: string; readonly completed: number; readonly total: number; readonly backend: string; readonly backendReason: string; readonly resumed: boolean }
  | { readonly _tag: "Note"; readonly message: string }
  | { readonly _tag: "Step"; readonly record: MetricsRecord; readonly total: number }
  | { readonly _tag: "Evaluated"; readonly records: ReadonlyArray<EvaluationRecord> }
  | { readonly _tag: "Checkpointed"; readonly name: string; readonly completed: number }

export interface TrainOptions {
  readonly spec: Spec.PipelineSpec
  /** Continue the run in the store from its latest checkpoint instead of starting one. */
  readonly resume?: boolean
  /** Polled at step boundaries: true stops the run after checkpointing. */
  readonly shouldStop?: () => boolean
  readonly onEvent?: (event: TrainEvent) => void
}

export interface TrainResult {
  readonly dir: string
  readonly completedSteps: number
  readonly status: "completed" | "interrupted"
}

const responseStyle = (format: string) => (format === "verl-agent" ? "tagged" : "bare")

const seconds = (since: number) => (performance.now() - since) / 1000

const klInitial = (spec: Spec.PipelineSpec) => spec.objective.kl?.coefficient ?? 0

const klController = (spec: Spec.PipelineSpec) =>
  spec.klControl.kind === "adaptive"
    ? KlController.adaptive({ initial: klInitial(spec), target: spec.klControl.target, horizon: spec.klControl.horizon })
    : KlController.fixed(klInitial(spec))

// tfjs registers variables globally by name: each copy gets its own prefix.
let referenceCopies = 0

/** A frozen copy of the policy's weights (the KL reference). */
const frozenCopy = (policy: PolicyShape): PolicyShape => {
  const prefix = `epo-reference-${referenceCopies++}/`
  const variables = new Map([...policy.variables].map(([name, v]) => [name, tf.tidy(() => tf.variable(v.clone(), false, prefix + name))] as const))
  return PolicyService.fromVariables(policy.config, variables)
}

const saveModel = (dir: string, policy: PolicyShape, vocabulary: Vocabulary.VocabularyFile, optimiser?: AdamW.AdamWState) =>
  Checkpoint.save(dir, PolicyConfig, {
    config: policy.config,
    weights: policy.variables,
    vocabulary,
    ...(optimiser === undefined ? {} : { optimizer: AdamW.toTensors(optimiser) })
  })

const writeTrainerState = (dir: string, state: Trainer.TrainerState) =>
  Effect.try({
    try: () => fs.writeFileSync(path.join(dir, Trainer.fileName), JSON.stringify(Schema.encodeSync(Trainer.TrainerState)(state), null, 2) + "\n"),
    catch: (e) => new TrainError({ reason: `cannot write ${Trainer.fileName}: ${String(e)}` })
  })

const readTrainerState = (dir: string) =>
  Effect.try({
    try: () => Schema.decodeUnknownSync(Trainer.TrainerState)(JSON.parse(fs.readFileSync(path.join(dir, Trainer.fileName), "utf8"))),
    catch: (e) => new TrainError({ reason: `checkpoint ${dir}: unreadable ${Trainer.fileName}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` })
  })

/** The training program; see the module comment. */
export const train = (options: TrainOptions) =>
  Effect.gen(function* () {
    const { spec } = options
    const emit = options.onEvent ?? (() => {})
    const backend = yield* TensorBackend
    const store = yield* RunStore
    const policy = yield* Policy
    const codec = yield* Codec
    const objective = yield* TrainingObjective
    const optimiser = yield* Optimiser
    const format = yield* Environments.promptFormat(spec)
    const controller = klController(spec)
    const K = spec.totalSteps

    const params = new Map([...policy.variables].map(([k, v]) => [k, v as tf.Tensor]))
    let optState: AdamW.AdamWState
    let trainer: Trainer.TrainerState

    const checkpoint = (completed: number, score?: number | null) =>
      Effect.gen(function* () {
        const state = { ...trainer, completedSteps: completed }
        const saved = yield* store.saveCheckpoint({ step: completed, keep: spec.checkpoints.keep, ...(score === undefined ? {} : { score }) }, (dir) =>
          Effect.andThen(saveModel(dir, policy, codec.vocabulary, optState), writeTrainerState(dir, state))
        )
        emit({ _tag: "Checkpointed", name: saved.name, completed })
      })

    const evaluate = (completed: number) =>
      Effect.gen(function* () {
        const records = yield* Evaluation.evaluate({ spec, policy, codec, format, step: completed, key: evaluationKey(spec) })
        yield* store.appendEvaluations(records)
        emit({ _tag: "Evaluated", records })
        const bestBy = spec.evaluation.bestBy ?? spec.evaluation.splits[0]
        return records.find((r) => r.split === bestBy)?.success ?? null
      })

    const resumed = options.resume === true
    if (resumed) {
      const latest = yield* store.latestCheckpoint
      if (Option.isNone(latest)) return yield* new TrainError({ reason: `${store.dir} has no checkpoint to resume from` })
      const dir = latest.value.path
      const stored = yield* Checkpoint.load(dir, PolicyConfig, {})
      yield* restoreWeights(policy.variables, stored.weights, dir)
      if (stored.optimizer === undefined) return yield* new TrainError({ reason: `checkpoint ${dir} has no optimiser state` })
      optState = yield* AdamW.fromTensors(stored.optimizer.step, Safetensors.toTensors(stored.optimizer.arrays))
      trainer = yield* readTrainerState(dir)
      yield* store.truncateTo(trainer.completedSteps)
      yield* store.updateManifest((m) => ({ ...m, status: "running" }))
    } else {
      const manifest: Manifest = {
        format: "epo-run/1",
        name: spec.name,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        status: "running",
        completedSteps: 0,
        totalSteps: K,
        seed: spec.seed,
        backend: { name: backend.name, reason: backend.reason },
        versions: Provenance.versions(),
        git: Provenance.gitState(),
        specHash: "",
        checkpoints: {}
      }
      yield* store.create(Spec.encode(spec), manifest)
      if (spec.warmStart.episodes > 0 && spec.policy.checkpoint === undefined) {
        const started = performance.now()
        const { report } = yield* WarmStart.warmStart(
          {
            demonstrations: { split: spec.warmStart.split, games: spec.warmStart.episodes, response: responseStyle(spec.environment.prompt) },
            training: { epochs: spec.warmStart.epochs, learningRate: spec.warmStart.learningRate, batchSize: spec.warmStart.batchSize },
            action: spec.policy.action,
            normalisation: spec.policy.normalisation,
            dagger: { ...spec.warmStart.dagger, temperature: spec.rollout.temperature },
            // The pipeline evaluates on its own (step 0); the warm start's evaluation is skipped.
            evaluation: { split: spec.evaluation.splits[0] ?? spec.environment.split, games: 0 },
            maxTurns: spec.environment.maxTurns,
            maxResponseTokens: spec.rollout.maxNewTokens,
            seed: Random.bits(keyOf(spec, "warmStart"), 0)
          },
          { tokenizer: codec, format }
        )
        const loss = report.epochs.at(-1)?.loss
        emit({
          _tag: "Note",
          message: `warm start: ${report.demonstrations.rows} expert turns from ${report.demonstrations.games} games, ${report.epochs.length} epochs, final loss ${loss?.toFixed(3) ?? "-"} (${seconds(started).toFixed(1)}s)`
        })
      }
      if (spec.objective.kl !== undefined)
        yield* store.writeDirectory("reference", (dir) => saveModel(dir, policy, codec.vocabulary))
      optState = optimiser.init(params)
      trainer = Trainer.initial(klInitial(spec))
    }
    // The optimiser state is replaced every step; whichever is current when the run ends is freed.
    yield* Effect.addFinalizer(() => Effect.sync(() => AdamW.dispose(optState)))

    const reference =
      spec.objective.kl === undefined
        ? undefined
        : yield* Effect.acquireRelease(
            Effect.gen(function* () {
              const dir = store.pathOf("reference")
              const stored = yield* Checkpoint.load(dir, PolicyConfig, {})
              const copy = frozenCopy(policy)
              yield* restoreWeights(copy.variables, stored.weights, dir)
              return copy
            }),
            (copy) => Effect.sync(() => tf.dispose([...copy.variables.values()]))
          )

    emit({ _tag: "Started", dir: store.dir, completed: trainer.completedSteps, total: K, backend: backend.name, backendReason: backend.reason, resumed })
    if (!resumed) {
      const score = spec.evaluation.every > 0 && spec.evaluation.atStart ? yield* evaluate(0) : undefined
      yield* checkpoint(0, score)
    }

    let lastSaved = trainer.completedSteps
    let status: TrainResult["status"] = "completed"
    for (let k = trainer.completedSteps; k < K; k++) {
      if (options.shouldStop?.() === true) {
        status = "interrupted"
        break
      }
      const stepped = yield* Step.run({ spec, step: k, policy, reference, codec, format, objective, optimiser, controller, trainer, optimiserState: optState })
      const record = stepped.record
      trainer = stepped.trainer
      optState = stepped.optimiserState
      yield* store.appendMetrics(record)
      emit({ _tag: "Step", record, total: K })

      const completed = k + 1
      const last = completed === K
      const evaluationDue = last || (spec.evaluation.every > 0 && completed % spec.evaluation.every === 0)
      const score = evaluationDue ? yield* evaluate(completed) : undefined
      if (completed % spec.checkpoints.every === 0 || last) {
        yield* checkpoint(completed, score)
        lastSaved = completed
      }
    }
    if (trainer.completedSteps > lastSaved) yield* checkpoint(trainer.completedSteps)
    const manifest = yield* store.updateManifest((m) => ({ ...m, status, completedSteps: trainer.completedSteps }))
    return { dir: store.dir, completedSteps: manifest.completedSteps, status } satisfies TrainResult
  })

/** Replacements for the default services: each is one Layer. */
export interface Services {
  readonly environment?: Layer.Layer<Environment>
  readonly objective?: Layer.Layer<TrainingObjective>
  readonly optimiser?: Layer.Layer<Optimiser>
  readonly store?: Layer.Layer<RunStore>
  readonly model?: Layer.Layer<Policy | Codec, unknown, TensorBackend>
  readonly backend?: Layer.Layer<TensorBackend, unknown>
  readonly rollouts?: Layer.Layer<Rollouts, unknown, Environment>
}

/**
 * The services of a run: the spec's environment, objective preset, AdamW, model and
 * backend, and the run store of `dir`, unless `services` replaces one, e.g.
 * `layers(spec, dir, { objective: TrainingObjective.custom("mine", term) })`.
 */
export const layers = (spec: Spec.PipelineSpec, dir: string, services: Services = {}) => {
  const environment = services.environment ?? Environments.info(spec.environment.name).layer(spec.warmStart.expert)
  return Layer.mergeAll(
    environment,
    (services.rollouts ?? RolloutProvider.layer(spec)).pipe(Layer.provide(environment)),
    services.store ?? runStoreLayer(dir),
    services.objective ?? fromConfig(spec.objective),
    services.optimiser ?? adamw(spec),
    services.model ?? modelLayer(spec)
  ).pipe(Layer.provideMerge(services.backend ?? Backend.layer(spec.backend)))
}

/** `train` with the spec's services (or the given replacements) writing to `dir`. */
export const run = (options: TrainOptions & { readonly dir: string; readonly services?: Services }) =>
  Effect.gen(function* () {
    // A resumed run's model comes from its own latest checkpoint, not from the checkpoint
    // the run started from (which may be gone by now).
    const latest = options.resume === true ? yield* runStoreAt(options.dir).latestCheckpoint : Option.none()
    const modelSpec = Option.isSome(latest) ? { ...options.spec, policy: { ...options.spec.policy, checkpoint: latest.value.path } } : options.spec
    const services = { model: modelLayer(modelSpec), ...options.services }
    return yield* Effect.scoped(train(options)).pipe(Effect.provide(layers(options.spec, options.dir, services)))
  })
