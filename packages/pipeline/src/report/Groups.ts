/**
 * Runs grouped by method: the runs sharing a spec `name` are one method, their seeds its
 * replicates. Per method: evaluation success and any metric by step as the mean over
 * seeds with a 95% bootstrap band, the mean entropy by (turn index, update step), the
 * EPO corridor over the entropy curve, and the success summaries the comparison tables
 * print (start, final, gain over the start and the paired difference to a base method).
 */
import type { EvaluationRecord } from "../runs/Records.js"
import type * as Runs from "../runs/Runs.js"
import * as Stats from "./Stats.js"

export interface Method {
  /** The spec name shared by its runs. */
  readonly name: string
  readonly runs: ReadonlyArray<Runs.RunData>
}

/** Runs grouped by spec name, in order of first appearance. */
export const byMethod = (runs: ReadonlyArray<Runs.RunData>): Array<Method> => {
  const groups = new Map<string, Array<Runs.RunData>>()
  for (const r of runs) groups.set(r.manifest.name, [...(groups.get(r.manifest.name) ?? []), r])
  return [...groups].map(([name, rs]) => ({ name, runs: rs }))
}

/**
 * The method a variant is compared against: the name before its first "+" ("ppo+epo" ->
 * "ppo", "grpo+entropy" -> "grpo"), when a method of that name is present.
 */
export const baseOf = (name: string, names: ReadonlyArray<string>): string | undefined => {
  const base = name.split("+")[0]
  return base !== name && names.includes(base) ? base : undefined
}

/** The seeds of a method, ascending, each once. */
export const seedsOf = (method: Method): Array<number> => [...new Set(method.runs.map((r) => r.manifest.seed))].sort((a, b) => a - b)

/** A method's value at one x: the mean over its seeds with a bootstrap interval. */
export interface BandPoint extends Stats.Interval {
  readonly x: number
}

/**
 * The mean over runs with its bootstrap interval at every x any run has a value for
 * (a run that stopped early no longer counts beyond its last x: `n` says how many do).
 */
export const band = (method: Method, seriesOf: (run: Runs.RunData) => ReadonlyArray<readonly [number, number]>): Array<BandPoint> => {
  const byX = new Map<number, Array<number>>()
  for (const run of method.runs) for (const [x, v] of seriesOf(run)) if (Number.isFinite(v)) byX.set(x, [...(byX.get(x) ?? []), v])
  return [...byX]
    .sort(([a], [b]) => a - b)
    .map(([x, vs]) => ({ x, ...(Stats.bootstrapMean(vs) as Stats.Interval) }))
}

const evaluationsOf = (run: Runs.RunData, split: string) => run.evaluations.filter((e) => e.split === split && e.success !== null)

/** Evaluation success by update steps completed. */
export const successBand = (method: Method, split: string): Array<BandPoint> =>
  band(method, (r) => evaluationsOf(r, split).map((e) => [e.step, e.success as number] as const))

/** Metric `key` by update step. */
export const metricBand = (method: Method, key: string): Array<BandPoint> =>
  band(method, (r) => r.metrics.flatMap((m) => (typeof m.values[key] === "number" ? [[m.step, m.values[key] as number] as const] : [])))

/** Mean entropy by turn index (rows) and update step (columns), averaged over the method's runs. */
export interface EntropyGrid {
  readonly steps: ReadonlyArray<number>
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>
}

export const entropyGrid = (method: Method): EntropyGrid => {
  const steps = [...new Set(method.runs.flatMap((r) => r.metrics.map((m) => m.step)))].sort((a, b) => a - b)
  const turns = Math.max(0, ...method.runs.flatMap((r) => r.metrics.map((m) => m.turns.entropyMean.length)))
  const atStep = method.runs.map((r) => new Map(r.metrics.map((m) => [m.step, m])))
  const values = Array.from({ length: turns }, (_, t) =>
    steps.map((k) => {
      const vs = atStep.flatMap((records) => {
        const v = records.get(k)?.turns.entropyMean[t]
        return typeof v === "number" && Number.isFinite(v) ? [v] : []
      })
      return vs.length === 0 ? null : Stats.mean(vs)
    })
  )
  return { steps, values }
}

/** The EPO corridor [kappa_l Hbar_k, kappa_r Hbar_k] by step, Hbar_k averaged over seeds. */
export interface Corridor {
  readonly kappaLow: number
  readonly kappaHigh: number
  /** [step, kappa_l Hbar_k, kappa_r Hbar_k] where Hbar_k is defined (not at step 0). */
  readonly bounds: ReadonlyArray<readonly [number, number, number]>
}

const objectiveOf = (run: Runs.RunData): Record<string, unknown> => {
  const o = run.spec.objective
  return typeof o === "object" && o !== null ? (o as Record<string, unknown>) : {}
}

/** The corridor of a method whose objective preset is "epo" or "epo-released"; null for others. */
export const corridorOf = (method: Method): Corridor | null => {
  const objective = objectiveOf(method.runs[0])
  if (objective.preset !== "epo" && objective.preset !== "epo-released") return null
  // defaults of @epo/objective's EpoConfig and EpoReleasedConfig
  const kappaLow = typeof objective.kappaLow === "number" ? objective.kappaLow : 0
  const kappaHigh = typeof objective.kappaHigh === "number" ? objective.kappaHigh : 2
  const bounds = metricBand(method, "entropy/reference").map((p) => [p.x, kappaLow * p.mean, kappaHigh * p.mean] as const)
  return { kappaLow, kappaHigh, bounds }
}

/** Success per seed, for runs whose seed is unique in the method (a repeated seed cannot be paired). */
const bySeed = (method: Method, value: (run: Runs.RunData) => number | null): Map<number, number> => {
  const out = new Map<number, number>()
  for (const run of method.runs) {
    const v = value(run)
    if (v !== null && method.runs.filter((r) => r.manifest.seed === run.manifest.seed).length === 1) out.set(run.manifest.seed, v)
  }
  return out
}

const successAt = (run: Runs.RunData, split: string, step: number): number | null => evaluationsOf(run, split).find((e) => e.step === step)?.success ?? null

/** The run's last evaluation of a split (its "final" success, at whatever step it stopped). */
const lastOf = (run: Runs.RunData, split: string): EvaluationRecord | undefined =>
  evaluationsOf(run, split).reduce<EvaluationRecord | undefined>((last, e) => (last === undefined || e.step >= last.step ? e : last), undefined)

/** Success at one evaluation point of a method, over its seeds. */
export interface SuccessSummary {
  /** The update steps completed at the point (several for "final" when runs stopped at different steps). */
  readonly steps: ReadonlyArray<number>
  /** Mean success over seeds with its bootstrap interval. */
  readonly success: Stats.Interval
  /** Successes and games pooled over the seeds, with the Wilson interval of the pooled rate. */
  readonly pooled: { readonly successes: number; readonly episodes: number; readonly interval: Stats.Interval | null }
  /** Per-seed gain over the same run's step-0 evaluation, with its bootstrap interval. */
  readonly gain: Stats.Interval | null
  /** Per-seed difference to the base method at the same point, with its bootstrap interval. */
  readonly vsBase: Stats.Interval | null
}

const summarise = (
  method: Method,
  base: Method | undefined,
  split: string,
  pick: (run: Runs.RunData) => EvaluationRecord | undefined
): SuccessSummary | null => {
  const records = method.runs.flatMap((r) => {
    const e = pick(r)
    return e === undefined ? [] : [e]
  })
  const success = Stats.bootstrapMean(records.map((e) => e.success as number))
  if (success === null) return null
  const successes = records.reduce((s, e) => s + e.successes, 0)
  const episodes = records.reduce((s, e) => s + e.episodes, 0)
  const value = (r: Runs.RunData) => pick(r)?.success ?? null
  const start = bySeed(method, (r) => successAt(r, split, 0))
  return {
    steps: [...new Set(records.map((e) => e.step))].sort((a, b) => a - b),
    success,
    pooled: { successes, episodes, interval: Stats.wilson(successes, episodes) },
    gain: Stats.pairedDifference(bySeed(method, value), start),
    vsBase: base === undefined ? null : Stats.pairedDifference(bySeed(method, value), bySeed(base, value))
  }
}

/** The evaluation steps of a split any of the method's runs has, ascending. */
export const evaluationSteps = (method: Method, split: string): Array<number> =>
  [...new Set(method.runs.flatMap((r) => evaluationsOf(r, split).map((e) => e.step)))].sort((a, b) => a - b)

/** Success at update step `step` (every run evaluated there), against the start and the base at the same step. */
export const successAtStep = (method: Method, base: Method | undefined, split: string, step: number): SuccessSummary | null =>
  summarise(method, base, split, (r) => evaluationsOf(r, split).find((e) => e.step === step))

/** Success at each run's last evaluation, against the start and the base's last evaluation of the same seed. */
export const finalSuccess = (method: Method, base: Method | undefined, split: string): SuccessSummary | null =>
  summarise(method, base, split, (r) => lastOf(r, split))
