/**
 * The comparison table of runs (`epo compare`, and the summary of a report): one row per
 * run with its algorithm, progress, final and best evaluation success per split, and the
 * training reward and entropy over its last steps: `rows` as numbers, `table` as text.
 */
import { formatNumber } from "./Plot.js"
import * as Runs from "./Runs.js"

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

/** The table as aligned plain text. */
export const text = (t: Table): string => {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => r[i].length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  return [line(t.columns), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line)].join("\n")
}
