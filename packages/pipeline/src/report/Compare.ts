/**
 * The comparison tables (`epo compare`, and the summary of a report): one row per run
 * with its algorithm, progress, final and best evaluation success per split, and the
 * training reward and entropy over its last steps (`rows` as numbers, `table` as text);
 * and one row per method (runs sharing a spec name, seeds as replicates) with its success
 * over seeds and 95% bootstrap intervals.
 */
import * as Groups from "./Groups.js"
import { formatNumber } from "./Plot.js"
import * as Runs from "../runs/Runs.js"
import type * as Stats from "./Stats.js"

export interface Table {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

const field = (spec: Record<string, unknown>, dotted: string): string | null => {
  const v = dotted.split(".").reduce<unknown>((x, k) => (typeof x === "object" && x !== null ? (x as Record<string, unknown>)[k] : undefined), spec)
  return v === undefined ? null : String(v)
}

/** Mean of metric `key` over the last `fraction` of a run's steps (at least one). */
const tailMean = (run: Runs.RunData, key: string, fraction = 0.1): number | null => {
  const points = Runs.series(run, key)
  if (points.length === 0) return null
  const tail = points.slice(-Math.max(1, Math.round(points.length * fraction)))
  return tail.reduce((s, [, v]) => s + v, 0) / tail.length
}

/** One run's figures, as numbers (`epo compare --json`). */
export interface Row {
  readonly run: string
  readonly objective: string | null
  readonly advantage: string | null
  readonly seed: number
  readonly completedSteps: number
  readonly totalSteps: number
  /** The manifest's status, or "crashed" (Runs.status). */
  readonly status: string
  /** Evaluation success rate (0-1) per split: the last evaluation's and the best one's. */
  readonly success: Readonly<Record<string, { readonly final: number | null; readonly best: number | null }>>
  /** Means of reward/mean and entropy/mean over the last 10% of the steps. */
  readonly reward: number | null
  readonly entropy: number | null
  readonly trainSeconds: number
}

export const rows = (runs: ReadonlyArray<Runs.RunData>): Array<Row> => {
  const splits = Runs.splitsOf(runs)
  return runs.map((r) => {
    const finals = Runs.finalEvaluations(r)
    const success = Object.fromEntries(
      splits.map((s) => {
        const evals = r.evaluations.filter((e) => e.split === s && e.success !== null)
        const best = evals.length === 0 ? null : Math.max(...evals.map((e) => e.success as number))
        return [s, { final: finals.find((e) => e.split === s)?.success ?? null, best }] as const
      })
    )
    return {
      run: r.label,
      objective: field(r.spec, "objective.preset"),
      advantage: field(r.spec, "algorithm.advantage.estimator"),
      seed: r.manifest.seed,
      completedSteps: r.manifest.completedSteps,
      totalSteps: r.manifest.totalSteps,
      status: r.status,
      success,
      reward: tailMean(r, "reward/mean"),
      entropy: tailMean(r, "entropy/mean"),
      trainSeconds: Runs.trainingSeconds(r)
    }
  })
}

const percent = (x: number | null | undefined): string => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`)

export const table = (runs: ReadonlyArray<Runs.RunData>): Table => {
  const splits = Runs.splitsOf(runs)
  const columns = [
    "run",
    "objective",
    "advantage",
    "seed",
    "steps",
    "status",
    ...splits.flatMap((s) => [`${s} final`, `${s} best`]),
    "reward (last 10%)",
    "entropy (last 10%)",
    "train s"
  ]
  const cells = rows(runs).map((r) => [
    r.run,
    r.objective ?? "–",
    r.advantage ?? "–",
    String(r.seed),
    `${r.completedSteps}/${r.totalSteps}`,
    r.status,
    ...splits.flatMap((s) => [percent(r.success[s]?.final), percent(r.success[s]?.best)]),
    formatNumber(r.reward),
    formatNumber(r.entropy),
    r.trainSeconds.toFixed(0)
  ])
  return { columns, rows: cells }
}

/** An interval as "mean [low, high]" (just the mean for a single value), each number shown by `show`. */
export const intervalText = (i: Stats.Interval | null | undefined, show: (x: number) => string): string =>
  i === null || i === undefined ? "–" : i.n < 2 ? show(i.mean) : `${show(i.mean)} [${show(i.low)}, ${show(i.high)}]`

/** A success rate in percent, with its interval: "45.3 [38.1, 52.0]". */
export const percentInterval = (i: Stats.Interval | null | undefined): string => intervalText(i, (x) => (100 * x).toFixed(1))

/** A difference of success rates in percentage points, with its interval: "+5.2 [-1.0, +11.3]". */
export const pointsInterval = (i: Stats.Interval | null | undefined): string =>
  intervalText(i, (x) => `${x > 0 ? "+" : ""}${(100 * x).toFixed(1)}`)

/**
 * One row per method for one evaluation split: its seeds, the base it is paired with,
 * the success at the start (step 0) and at each run's last evaluation (mean over seeds
 * [95% bootstrap interval], %), the per-seed gain of the last over the start, and the
 * per-seed difference to the base's last evaluation (percentage points).
 */
export const methodTable = (runs: ReadonlyArray<Runs.RunData>, split: string): Table => {
  const methods = Groups.byMethod(runs)
  const names = methods.map((m) => m.name)
  const columns = ["method", "seeds", "base", "final at step", "start %", "final %", "gain (pts)", "vs base (pts)"]
  const rows = methods.map((method) => {
    const baseName = Groups.baseOf(method.name, names)
    const final = Groups.finalSuccess(method, methods.find((m) => m.name === baseName), split)
    const steps = final?.steps ?? []
    return [
      method.name,
      Groups.seedsOf(method).join(","),
      baseName ?? "–",
      steps.length === 0 ? "–" : steps.length === 1 ? String(steps[0]) : `${steps[0]}–${steps[steps.length - 1]}`,
      percentInterval(Groups.successAtStep(method, undefined, split, 0)?.success),
      percentInterval(final?.success),
      pointsInterval(final?.gain),
      pointsInterval(final?.vsBase)
    ]
  })
  return { columns, rows }
}

/** Whether some method has several runs (then the per-method tables say more than the per-run one). */
export const hasReplicates = (runs: ReadonlyArray<Runs.RunData>): boolean => Groups.byMethod(runs).some((m) => m.runs.length > 1)

/** The table as aligned plain text. */
export const text = (t: Table): string => {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => r[i].length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  return [line(t.columns), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)].join("\n")
}
