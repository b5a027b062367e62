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
 * Everything random is a function of (seed, step) (spec/RunKeys.ts), and all state is in
 * the checkpoint, so a resumed run continues exactly as an uninterrupted one would.
 *
 * `run` makes this process the run's one writer (runs/RunLock.ts), removes what
 * interrupted writes left behind and, to resume, picks the newest checkpoint that verifies
 * (runs/Recovery.ts); a resumed run refuses an edited spec.json unless `allowSpecChange`.
 * Non-finite losses or gradients stop the run (Update.ts); whenever the run fails after
 * it started, the manifest says `failed` with the error.
 */
import { Backend, Random, TensorBackend } from "@epo/core"
import type { Environment } from "@epo/env"
import { KlController } from "@epo/objective"
import { AdamW, Checkpoint, Policy, PolicyConfig, type PolicyShape, PolicyService, Safetensors, type Vocabulary, WarmStart } from "@epo/policy"
import * as tf from "@tensorflow/tfjs"
import * as fs from "node:fs"
import * as path from "node:path"
import { Cause, Data, Effect, Exit, Layer, Schema } from "effect"
import * as Environments from "../spec/Environments.js"
import * as Evaluation from "../rollout/Evaluation.js"
import { hashFiles } from "../runs/Files.js"
import { verifyFiles } from "../runs/Integrity.js"
import { Codec, loadCheckpoint, layer as modelLayer, restoreWeights } from "./Model.js"
import { Optimiser, adamw } from "./Optimiser.js"
import * as Provenance from "../runs/Provenance.js"
import type { EvaluationRecord, Manifest, MetricsRecord } from "../runs/Records.js"
import * as Recovery from "../runs/Recovery.js"
import { RunStore, type RunStoreShape, layer as runStoreLayer, make as runStoreAt, type SavedCheckpoint } from "../runs/RunStore.js"
import * as Spec from "../spec/Spec.js"
import * as SpecPaths from "../spec/SpecPaths.js"
import { SpecError } from "../spec/SpecError.js"
import { TrainingObjective, fromConfig } from "./TrainingObjective.js"
import * as Trainer from "./TrainerState.js"
import * as Step from "./Step.js"
import { evaluationKey, keyOf } from "../spec/RunKeys.js"
import * as RolloutProvider from "../rollout/Provider.js"
import type { Rollouts } from "../rollout/Rollouts.js"

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
  /** Continue the run in the store from its newest valid checkpoint instead of starting one. */
  readonly resume?: boolean
  /** Resume although spec.json changed since the run started (recorded in the manifest). */
  readonly allowSpecChange?: boolean
  /** The checkpoint to resume from (`run` picks it); by default the newest valid one. */
  readonly resumeFrom?: SavedCheckpoint
  /** Polled at step boundaries: true stops the run after checkpointing. */
  readonly shouldStop?: () => boolean
  /**
   * Polled after each step: true ends the run at that step, which is evaluated and
   * checkpointed like a last step (a time budget's results end with a held-out score).
   */
  readonly budgetSpent?: () => boolean
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

/** The newest checkpoint a run can continue from (runs/Recovery.ts), saying which newer ones were skipped and why. */
const resumePoint = (store: RunStoreShape, emit: (event: TrainEvent) => void) =>
  Effect.gen(function* () {
    const point = yield* Recovery.newestValid(store, (c) =>
      Effect.gen(function* () {
        const stored = yield* loadCheckpoint(c.path)
        if (stored.optimizer === undefined) return yield* new TrainError({ reason: `checkpoint ${c.path} has no optimiser state` })
        yield* readTrainerState(c.path)
      })
    )
    for (const s of point.skipped) emit({ _tag: "Note", message: `skipped checkpoint ${s.name}: ${s.reason}` })
    return point.checkpoint
  })

/**
 * A resumed run continues the spec it started with: an edited spec.json (its sha256 no
 * longer the manifest's) is refused unless allowed, and then recorded in the manifest.
 */
const checkSpec = (store: RunStoreShape, allowed: boolean, completedSteps: number) =>
  Effect.gen(function* () {
    const now = yield* store.specHash
    const manifest = yield* store.readManifest
    if (now === manifest.specHash) return
    if (!allowed)
      return yield* new TrainError({
        reason: `${store.pathOf("spec.json")} changed since the run started (its sha256 is not the manifest's); resume with --allow-spec-change to continue with the edited spec`
      })
    const change = { at: new Date().toISOString(), completedSteps, from: manifest.specHash, to: now }
    yield* store.updateManifest((m) => ({ ...m, specHash: now, specChanges: [...(m.specChanges ?? []), change] }))
  })

/** The one-line reason a run stopped: its first error, or the defect. */
const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const fail = cause.reasons.find(Cause.isFailReason)
  const die = cause.reasons.find(Cause.isDieReason)
  const text = fail !== undefined ? String(fail.error) : die !== undefined ? `internal error: ${die.defect instanceof Error ? die.defect.message : String(die.defect)}` : "interrupted"
  return text.replace(/\s*\n\s*/g, " ")
}

/** Records in the manifest that a running run failed (or was interrupted); best effort: the disk may be full. */
const markStopped = (store: RunStoreShape, cause: Cause.Cause<unknown>) =>
  store
    .updateManifest((m) =>
      m.status !== "running" ? m : Cause.hasInterruptsOnly(cause) ? { ...m, status: "interrupted" } : { ...m, status: "failed", error: reasonOf(cause) }
    )
    .pipe(Effect.ignore)

/** The training program; see the module comment. `run` calls it holding the run's lock. */
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

    const unknown = Object.keys(spec.optimizer.multipliers).filter((name) => !policy.variables.has(name))
    if (unknown.length > 0)
      return yield* new SpecError({
        source: "spec",
        issues: unknown.map((name) => ({ path: `optimizer.multipliers.${name}`, message: `the policy has no parameter named "${name}"` }))
      })
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

    // From the moment the manifest says "running", a failure is recorded there.
    let started = false
    yield* Effect.addFinalizer((exit) => (started && Exit.isFailure(exit) ? markStopped(store, exit.cause) : Effect.void))
    const resumed = options.resume === true
    if (resumed) {
      const dir = (options.resumeFrom ?? (yield* resumePoint(store, emit))).path
      const stored = yield* loadCheckpoint(dir)
      yield* restoreWeights(policy.variables, stored.weights, dir)
      if (stored.optimizer === undefined) return yield* new TrainError({ reason: `checkpoint ${dir} has no optimiser state` })
      trainer = yield* readTrainerState(dir)
      yield* checkSpec(store, options.allowSpecChange === true, trainer.completedSteps)
      optState = yield* AdamW.fromTensors(stored.optimizer.step, Safetensors.toTensors(stored.optimizer.arrays))
      yield* store.truncateTo(trainer.completedSteps)
      yield* store.updateManifest(({ error: _, ...m }) => ({ ...m, status: "running", completedSteps: trainer.completedSteps }))
      started = true
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
      yield* store.create(SpecPaths.relativeTo(Spec.encode(spec), store.dir), manifest)
      started = true
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
      if (spec.objective.kl !== undefined) {
        const written = yield* store.writeDirectory("reference", (dir) => saveModel(dir, policy, codec.vocabulary))
        const reference = yield* hashFiles(written)
        yield* store.updateManifest((m) => ({ ...m, reference }))
      }
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
              const recorded = (yield* store.readManifest).reference
              if (recorded !== undefined) yield* verifyFiles(dir, recorded)
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
      // Let the event loop run (signal handlers among others) before deciding to go on.
      yield* Effect.yieldNow
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
      const spent = !last && options.budgetSpent?.() === true
      const evaluationDue = last || spent || (spec.evaluation.every > 0 && completed % spec.evaluation.every === 0)
      const score = evaluationDue ? yield* evaluate(completed) : undefined
      if (completed % spec.checkpoints.every === 0 || last || spent) {
        yield* checkpoint(completed, score)
        lastSaved = completed
      }
      if (spent) {
        status = "interrupted"
        break
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
  const environment = services.environment ?? Environments.layer(spec)
  return Layer.mergeAll(
    environment,
    (services.rollouts ?? RolloutProvider.layer(spec)).pipe(Layer.provide(environment)),
    services.store ?? runStoreLayer(dir),
    services.objective ?? fromConfig(spec.objective),
    services.optimiser ?? adamw(spec),
    services.model ?? modelLayer(spec)
  ).pipe(Layer.provideMerge(services.backend ?? Backend.layer(spec.backend)))
}

/**
 * `train` with the spec's services (or the given replacements) writing to `dir`, as the
 * run's one writer: the lock is held until the run ends.
 */
export const run = (options: TrainOptions & { readonly dir: string; readonly services?: Services }) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = runStoreAt(options.dir)
      const emit = options.onEvent ?? (() => {})
      yield* store.lock
      const removed = yield* store.removeOrphans
      if (removed.length > 0) emit({ _tag: "Note", message: `removed what an interrupted write left behind: ${removed.join(", ")}` })
      // A resumed run's model comes from its own checkpoint, not from the checkpoint the
      // run started from (which may be gone by now).
      const resumeFrom = options.resume === true ? yield* resumePoint(store, emit) : undefined
      const modelSpec = resumeFrom === undefined ? options.spec : { ...options.spec, policy: { ...options.spec.policy, checkpoint: resumeFrom.path } }
      const services = { model: modelLayer(modelSpec), ...options.services }
      return yield* Effect.scoped(train({ ...options, ...(resumeFrom === undefined ? {} : { resumeFrom }) })).pipe(
        Effect.provide(layers(options.spec, options.dir, services))
      )
    })
  )
