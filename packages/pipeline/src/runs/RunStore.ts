/**
 * The run store: a run directory as an Effect service.
 *
 *   <run>/spec.json          the resolved pipeline spec (JSON form)
 *   <run>/manifest.json      versions, backend, seed, git commit, hashes, status
 *   <run>/metrics.jsonl      one MetricsRecord per update step
 *   <run>/evaluations.jsonl  one EvaluationRecord per evaluation and split
 *   <run>/checkpoints/index.json, <run>/checkpoints/step-NNNNNN/ (policy files + trainer.json)
 *   <run>/reference/         the reference policy of KL terms (the policy RL started from)
 *   <run>/report.html        written by `epo report` and at the end of `epo train`
 *
 *   <run>/lock               held by the one process writing the run (RunLock.ts)
 *
 * Every write is atomic (Files.ts). Checkpoints are kept to a limit: the newest `keep`
 * plus the best by evaluation score; the index records the sha256 of each of their files.
 * `truncateTo(k)` drops the metric and evaluation lines after k completed steps, so a
 * resumed run continues exactly where its last checkpoint left off.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Context, Effect, Layer, Option, Schema, type Scope } from "effect"
import { attempt, combinedHash, exists, hashFiles, isTemporary, readText, RunStoreError, sha256, writeAtomic, writeDirectoryAtomic } from "./Files.js"
import { type CheckpointEntry, CheckpointIndex, EvaluationRecord, Manifest, MetricsRecord } from "./Records.js"
import * as RunLock from "./RunLock.js"

export { RunStoreError } from "./Files.js"

export const files = {
  spec: "spec.json",
  manifest: "manifest.json",
  metrics: "metrics.jsonl",
  evaluations: "evaluations.jsonl",
  checkpoints: "checkpoints",
  index: path.join("checkpoints", "index.json"),
  reference: "reference",
  report: "report.html",
  lock: RunLock.fileName
} as const

export const checkpointName = (step: number): string => `step-${String(step).padStart(6, "0")}`

export interface SavedCheckpoint extends CheckpointEntry {
  /** Absolute path of the checkpoint directory. */
  readonly path: string
}

export interface RunStoreShape {
  readonly dir: string
  /** Whether the directory already holds a run (a spec.json). */
  readonly isRun: Effect.Effect<boolean>
  /** Starts a run: writes spec.json and the manifest. Fails if the directory already holds a run. */
  readonly create: (specJson: unknown, manifest: Manifest) => Effect.Effect<void, RunStoreError>
  /** The spec's JSON form as written (decode it with Spec.decode). */
  readonly readSpecJson: Effect.Effect<unknown, RunStoreError>
  /** sha256 of spec.json as it is now (the manifest's `specHash` is the one it was written with). */
  readonly specHash: Effect.Effect<string, RunStoreError>
  /** Makes this process the run's one writer for the enclosing Scope (RunLock.ts). */
  readonly lock: Effect.Effect<void, RunLock.RunLocked | RunStoreError, Scope.Scope>
  /**
   * Removes what interrupted writes left behind (temporary files and checkpoint
   * directories, Files.ts); returns their names. Only for the run's writer.
   */
  readonly removeOrphans: Effect.Effect<ReadonlyArray<string>, RunStoreError>
  readonly readManifest: Effect.Effect<Manifest, RunStoreError>
  readonly updateManifest: (f: (m: Manifest) => Manifest) => Effect.Effect<Manifest, RunStoreError>
  readonly appendMetrics: (record: MetricsRecord) => Effect.Effect<void, RunStoreError>
  readonly readMetrics: Effect.Effect<ReadonlyArray<MetricsRecord>, RunStoreError>
  readonly appendEvaluations: (records: ReadonlyArray<EvaluationRecord>) => Effect.Effect<void, RunStoreError>
  readonly readEvaluations: Effect.Effect<ReadonlyArray<EvaluationRecord>, RunStoreError>
  readonly readIndex: Effect.Effect<CheckpointIndex, RunStoreError>
  /**
   * Saves the checkpoint after `step` completed update steps: `fill` writes its files
   * into a temporary directory, which then appears atomically; the index, the manifest's
   * hashes (of each file) and the retention limit (`keep` newest plus the best) are updated.
   */
  readonly saveCheckpoint: <E, R>(
    options: { readonly step: number; readonly score?: number | null; readonly keep: number },
    fill: (dir: string) => Effect.Effect<void, E, R>
  ) => Effect.Effect<SavedCheckpoint, E | RunStoreError, R>
  readonly latestCheckpoint: Effect.Effect<Option.Option<SavedCheckpoint>, RunStoreError>
  readonly bestCheckpoint: Effect.Effect<Option.Option<SavedCheckpoint>, RunStoreError>
  /** Drops metric lines of steps >= `completedSteps` and evaluation lines after it. */
  readonly truncateTo: (completedSteps: number) => Effect.Effect<void, RunStoreError>
  readonly writeReport: (html: string) => Effect.Effect<string, RunStoreError>
  /** Writes the directory `name` of the run atomically (as checkpoints are); returns its path. */
  readonly writeDirectory: <E, R>(name: string, fill: (dir: string) => Effect.Effect<void, E, R>) => Effect.Effect<string, E | RunStoreError, R>
  /** The absolute path of `name` inside the run. */
  readonly pathOf: (name: string) => string
}

export class RunStore extends Context.Service<RunStore, RunStoreShape>()("@epo/pipeline/RunStore") {}

const decodeFile = <S extends Schema.Codec<unknown, unknown>>(schema: S, file: string, text: string) =>
  Effect.try({
    try: () => Schema.decodeUnknownSync(schema as Schema.Codec<S["Type"], unknown>)(JSON.parse(text)),
    catch: (e) => new RunStoreError({ path: file, reason: `not a valid ${path.basename(file)}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` })
  })

const decodeLines = <A>(schema: Schema.Codec<A, unknown>, file: string): Effect.Effect<Array<A>, RunStoreError> =>
  Effect.suspend(() =>
    exists(file)
      ? Effect.flatMap(readText(file), (text) =>
          Effect.forEach(
            text.split("\n").filter((line) => line.trim() !== ""),
            (line, i) => decodeFile(schema, `${file}:${i + 1}`, line)
          )
        )
      : Effect.succeed([])
  )

const jsonLines = (records: ReadonlyArray<unknown>): string => records.map((r) => JSON.stringify(r) + "\n").join("")

const emptyIndex: CheckpointIndex = { latest: null, best: null, checkpoints: [] }

/** The best entry: highest score, the later (more trained) on ties; entries without a score never win. */
const bestOf = (entries: ReadonlyArray<CheckpointEntry>): CheckpointEntry | undefined =>
  entries.reduce<CheckpointEntry | undefined>(
    (best, e) => (typeof e.score === "number" && (best === undefined || e.score >= (best.score as number)) ? e : best),
    undefined
  )

/** The run store of the run directory `dir`. */
export const make = (dir: string): RunStoreShape => {
  const root = path.resolve(dir)
  const at = (name: string) => path.join(root, name)

  const readManifest = Effect.flatMap(readText(at(files.manifest)), (t) => decodeFile(Manifest, at(files.manifest), t))
  const writeManifest = (m: Manifest) => writeAtomic(at(files.manifest), JSON.stringify(m, null, 2) + "\n")
  const updateManifest = (f: (m: Manifest) => Manifest) =>
    Effect.gen(function* () {
      const m = f(yield* readManifest)
      const stamped = { ...m, updatedAt: new Date().toISOString() }
      yield* writeManifest(stamped)
      return stamped
    })

  const readMetrics = decodeLines(MetricsRecord, at(files.metrics))
  const readEvaluations = decodeLines(EvaluationRecord, at(files.evaluations))
  const writeIndex = (index: CheckpointIndex) => writeAtomic(at(files.index), JSON.stringify(index, null, 2) + "\n")

  // Read lazily each time: the index appears with the first checkpoint.
  const readIndexNow = (): Effect.Effect<CheckpointIndex, RunStoreError> =>
    exists(at(files.index)) ? Effect.flatMap(readText(at(files.index)), (t) => decodeFile(CheckpointIndex, at(files.index), t)) : Effect.succeed(emptyIndex)

  const saved = (e: CheckpointEntry): SavedCheckpoint => ({ ...e, path: at(path.join(files.checkpoints, e.name)) })
  const find = (which: "latest" | "best") =>
    Effect.map(Effect.suspend(readIndexNow), (index) => {
      const name = index[which]
      const entry = index.checkpoints.find((e) => e.name === name)
      return entry === undefined ? Option.none() : Option.some(saved(entry))
    })
  return {
    dir: root,
    isRun: Effect.sync(() => exists(at(files.spec))),
    create: (specJson, manifest) =>
      Effect.gen(function* () {
        if (exists(at(files.spec)))
          return yield* new RunStoreError({ path: root, reason: "already holds a run (spec.json exists); use --resume to continue it or choose another --out" })
        yield* attempt(root, () => fs.mkdirSync(at(files.checkpoints), { recursive: true }))
        const text = JSON.stringify(specJson, null, 2) + "\n"
        yield* writeManifest({ ...manifest, specHash: sha256(text) })
        yield* writeAtomic(at(files.spec), text)
      }),
    readSpecJson: Effect.flatMap(readText(at(files.spec)), (t) =>
      Effect.try({ try: () => JSON.parse(t) as unknown, catch: () => new RunStoreError({ path: at(files.spec), reason: "is not valid JSON" }) })
    ),
    specHash: Effect.map(readText(at(files.spec)), sha256),
    lock: RunLock.acquire(root),
    removeOrphans: attempt(root, () =>
      [".", files.checkpoints].flatMap((sub) => {
        const dir = at(sub)
        if (!fs.existsSync(dir)) return []
        return fs
          .readdirSync(dir)
          .filter(isTemporary)
          .map((name) => {
            fs.rmSync(path.join(dir, name), { recursive: true, force: true })
            return path.join(sub, name)
          })
      })
    ),
    readManifest,
    updateManifest,
    appendMetrics: (record) =>
      Effect.gen(function* () {
        const previous = yield* readMetrics
        yield* writeAtomic(at(files.metrics), jsonLines([...previous.map((r) => Schema.encodeSync(MetricsRecord)(r)), Schema.encodeSync(MetricsRecord)(record)]))
      }),
    readMetrics,
    appendEvaluations: (records) =>
      Effect.gen(function* () {
        const previous = yield* readEvaluations
        yield* writeAtomic(at(files.evaluations), jsonLines([...previous, ...records]))
      }),
    readEvaluations,
    readIndex: Effect.suspend(readIndexNow),
    saveCheckpoint: (options, fill) =>
      Effect.gen(function* () {
        const name = checkpointName(options.step)
        const target = at(path.join(files.checkpoints, name))
        yield* writeDirectoryAtomic(target, fill)
        const hashes = yield* hashFiles(target)
        const entry: CheckpointEntry = { name, step: options.step, hash: combinedHash(hashes), files: hashes, ...(options.score === undefined ? {} : { score: options.score }) }
        const previous = yield* readIndexNow()
        const all = [...previous.checkpoints.filter((e) => e.name !== name), entry].sort((a, b) => a.step - b.step)
        const best = bestOf(all)
        const newest = all.slice(-options.keep)
        const kept = all.filter((e) => newest.includes(e) || e === best)
        yield* writeIndex({ latest: name, best: best?.name ?? null, checkpoints: kept })
        yield* updateManifest((m) => ({
          ...m,
          completedSteps: options.step,
          checkpoints: Object.fromEntries(kept.map((e) => [e.name, e.hash]))
        }))
        for (const e of all)
          if (!kept.includes(e)) yield* attempt(saved(e).path, () => fs.rmSync(saved(e).path, { recursive: true, force: true }))
        return saved(entry)
      }),
    latestCheckpoint: find("latest"),
    bestCheckpoint: find("best"),
    truncateTo: (completedSteps) =>
      Effect.gen(function* () {
        const metrics = yield* readMetrics
        if (metrics.some((r) => r.step >= completedSteps))
          yield* writeAtomic(at(files.metrics), jsonLines(metrics.filter((r) => r.step < completedSteps).map((r) => Schema.encodeSync(MetricsRecord)(r))))
        const evaluations = yield* readEvaluations
        if (evaluations.some((r) => r.step > completedSteps))
          yield* writeAtomic(at(files.evaluations), jsonLines(evaluations.filter((r) => r.step <= completedSteps)))
      }),
    writeReport: (html) => Effect.as(writeAtomic(at(files.report), html), at(files.report)),
    writeDirectory: (name, fill) => Effect.as(writeDirectoryAtomic(at(name), fill), at(name)),
    pathOf: at
  }
}

/** The run store of `dir` as a Layer. */
export const layer = (dir: string): Layer.Layer<RunStore> => Layer.succeed(RunStore, make(dir))
