/** A finished or running run read back from its directory, for reports, comparisons and evaluation. */
import * as path from "node:path"
import { Effect, Option } from "effect"
import type { EvaluationRecord, Manifest, MetricsRecord } from "./Records.js"
import * as RunLock from "./RunLock.js"
import * as RunStore from "./RunStore.js"

export interface RunData {
  readonly dir: string
  /** The run's label in tables and legends: its spec name and seed, or the directory name when those collide. */
  readonly label: string
  readonly spec: Record<string, unknown>
  readonly manifest: Manifest
  /**
   * The manifest's status, except "crashed" when it says "running" but no live process
   * holds the run's lock (its writer was killed or crashed; resume it).
   */
  readonly status: Manifest["status"] | "crashed"
  readonly metrics: ReadonlyArray<MetricsRecord>
  readonly evaluations: ReadonlyArray<EvaluationRecord>
  readonly best: Option.Option<RunStore.SavedCheckpoint>
}

export const load = (dir: string): Effect.Effect<RunData, RunStore.RunStoreError> =>
  Effect.gen(function* () {
    const store = RunStore.make(dir)
    if (!(yield* store.isRun)) return yield* new RunStore.RunStoreError({ path: store.dir, reason: "is not a run directory (no spec.json)" })
    const spec = (yield* store.readSpecJson) as Record<string, unknown>
    const manifest = yield* store.readManifest
    return {
      dir: store.dir,
      label: `${manifest.name} s${manifest.seed}`,
      spec,
      manifest,
      status: manifest.status === "running" && Option.isNone(RunLock.writer(store.dir)) ? "crashed" : manifest.status,
      metrics: yield* store.readMetrics,
      evaluations: yield* store.readEvaluations,
      best: yield* store.bestCheckpoint
    }
  })

/** Loads several runs; labels that would collide get the directory name instead. */
export const loadAll = (dirs: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<RunData>, RunStore.RunStoreError> =>
  Effect.map(Effect.forEach(dirs, load), (runs) =>
    runs.map((r) => (runs.filter((o) => o.label === r.label).length > 1 ? { ...r, label: path.basename(r.dir) } : r))
  )

/** The values of metric `key` by step. */
export const series = (run: RunData, key: string): Array<readonly [number, number]> =>
  run.metrics.flatMap((r) => {
    const v = r.values[key]
    return typeof v === "number" ? [[r.step, v] as const] : []
  })

/** Evaluation success by completed steps, for one split. */
export const successSeries = (run: RunData, split: string): Array<readonly [number, number]> =>
  run.evaluations.flatMap((e) => (e.split === split && e.success !== null ? [[e.step, e.success] as const] : []))

/** The last evaluation of each split. */
export const finalEvaluations = (run: RunData): ReadonlyArray<EvaluationRecord> => {
  const last = new Map<string, EvaluationRecord>()
  for (const e of run.evaluations) if ((last.get(e.split)?.step ?? -1) <= e.step) last.set(e.split, e)
  return [...last.values()]
}

export const splitsOf = (runs: ReadonlyArray<RunData>): Array<string> => [...new Set(runs.flatMap((r) => r.evaluations.map((e) => e.split)))]

export const metricKeysOf = (runs: ReadonlyArray<RunData>): Array<string> =>
  [...new Set(runs.flatMap((r) => r.metrics.flatMap((m) => Object.keys(m.values))))].sort()

const mean = (xs: ReadonlyArray<number>): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length)

/** The metrics of each training phase: phase 1 is the steps before K/2 (EPO's beta_k is large there), phase 2 the rest. */
export const phases = (run: RunData): ReadonlyArray<{ readonly phase: 1 | 2; readonly records: ReadonlyArray<MetricsRecord> }> => {
  const half = Math.floor(run.manifest.totalSteps / 2)
  return [
    { phase: 1, records: run.metrics.filter((r) => r.step < half) },
    { phase: 2, records: run.metrics.filter((r) => r.step >= half) }
  ]
}

/** The mean of metric `key` over some records (null where none has it). */
export const meanOf = (records: ReadonlyArray<MetricsRecord>, key: string): number | null =>
  mean(records.flatMap((r) => (typeof r.values[key] === "number" ? [r.values[key] as number] : [])))

/**
 * Entropy by training phase (`phases`). Per phase: the mean over its steps of the batch
 * entropy mean, and the mean of its across-turn variance, and per turn index the mean
 * entropy.
 */
export const entropyByPhase = (run: RunData) =>
  phases(run).map(({ phase, records }) => {
    const turns = Math.max(0, ...records.map((r) => r.turns.entropyMean.length))
    const byTurn = Array.from({ length: turns }, (_, t) =>
      mean(records.flatMap((r) => (typeof r.turns.entropyMean[t] === "number" ? [r.turns.entropyMean[t] as number] : [])))
    )
    return {
      phase,
      steps: records.length,
      entropyMean: meanOf(records, "entropy/mean"),
      entropyVariance: meanOf(records, "entropy/variance"),
      turnVariance: meanOf(records, "entropy/turnVariance"),
      byTurn
    }
  })

/** Seconds of training recorded in the metrics (sum of each step's total). */
export const trainingSeconds = (run: RunData): number => run.metrics.reduce((s, r) => s + (r.timings.total ?? 0), 0)
