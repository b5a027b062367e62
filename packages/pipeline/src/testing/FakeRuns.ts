/**
 * Runs as plain data for tests of tables, figures and reports: a manifest, metrics
 * records with per-turn entropies, and evaluation records, without training anything.
 */
import { Effect, Option } from "effect"
import type { EvaluationRecord, Manifest, MetricsRecord } from "../runs/Records.js"
import type { RunData } from "../runs/Runs.js"
import * as RunStore from "../runs/RunStore.js"

export const manifest = (name: string, seed: number, totalSteps: number): Manifest => ({
  format: "epo-run/1",
  name,
  createdAt: "",
  updatedAt: "",
  status: "completed",
  completedSteps: totalSteps,
  totalSteps,
  seed,
  backend: { name: "cpu", reason: "" },
  versions: { node: "20" },
  git: { commit: "abc", dirty: false },
  specHash: "",
  checkpoints: {}
})

/** A metrics record with the given values and mean entropy per turn index. */
export const record = (step: number, values: Record<string, number | null>, byTurn: ReadonlyArray<number | null> = []): MetricsRecord => ({
  step,
  values,
  turns: { entropyMean: byTurn, entropyVariance: byTurn.map(() => 0), tokens: byTurn.map(() => 1) },
  timings: { total: 1 }
})

/** An evaluation of `episodes` games of which `successes` won. */
export const evaluation = (step: number, split: string, successes: number, episodes: number): EvaluationRecord => ({
  step,
  split,
  episodes,
  successes,
  success: episodes === 0 ? null : successes / episodes,
  meanTurns: 3,
  byTaskType: {},
  seconds: 0
})

export interface FakeRun {
  readonly name: string
  readonly seed: number
  readonly objective?: Record<string, unknown>
  readonly metrics?: ReadonlyArray<MetricsRecord>
  readonly evaluations?: ReadonlyArray<EvaluationRecord>
}

const specOf = (r: FakeRun) => ({ name: r.name, seed: r.seed, objective: r.objective ?? { preset: "ppo" } })

export const run = (r: FakeRun): RunData => ({
  dir: `/runs/${r.name}-s${r.seed}`,
  label: `${r.name} s${r.seed}`,
  spec: specOf(r),
  manifest: manifest(r.name, r.seed, r.metrics?.length ?? 0),
  status: "completed",
  metrics: r.metrics ?? [],
  evaluations: r.evaluations ?? [],
  best: Option.none()
})

/** The run written as a run directory (for the commands that read them). */
export const save = (dir: string, r: FakeRun) =>
  Effect.gen(function* () {
    const store = RunStore.make(dir)
    yield* store.create(specOf(r), manifest(r.name, r.seed, r.metrics?.length ?? 0))
    for (const m of r.metrics ?? []) yield* store.appendMetrics(m)
    yield* store.appendEvaluations(r.evaluations ?? [])
  })
