/**
 * The per-method figures of reports and of docs/figures (examples/figures.ts): success
 * per split and token entropy by update step with 95% bootstrap bands over seeds, the
 * EPO corridor over the entropy curve, entropy heatmaps by turn index and update step on
 * one shared colour scale, and the entropy by turn index per training phase. Each is an
 * SVG string; a method keeps its colour in every figure.
 */
import * as Groups from "./Groups.js"
import * as Heatmap from "./Heatmap.js"
import { linePlot, palette, type Series } from "./Plot.js"
import * as Runs from "../runs/Runs.js"
import * as Stats from "./Stats.js"

export interface Size {
  readonly width?: number
  readonly height?: number
}

/** The methods of a set of runs, with a colour each. */
export interface Methods {
  readonly list: ReadonlyArray<Groups.Method>
  readonly splits: ReadonlyArray<string>
  readonly colorOf: (method: Groups.Method) => string
}

export const methods = (runs: ReadonlyArray<Runs.RunData>): Methods => {
  const list = Groups.byMethod(runs)
  return { list, splits: Runs.splitsOf(runs), colorOf: (m) => palette[list.indexOf(m) % palette.length] }
}

/** A method's legend label: the run's for one run, else the name and the number of seeds. */
export const labelOf = (method: Groups.Method): string => (method.runs.length === 1 ? method.runs[0].label : `${method.name} (${method.runs.length} seeds)`)

/** A band as a plot series: the mean line, shaded from low to high. */
const bandSeries = (label: string, color: string, points: ReadonlyArray<Groups.BandPoint>): Series => ({
  label,
  color,
  points: points.map((p) => [p.x, p.mean] as const),
  band: points.some((p) => p.n > 1) ? points.map((p) => [p.x, p.low, p.high] as const) : undefined
})

export const successPlot = (ms: Methods, split: string, size: Size = {}): string =>
  linePlot({
    ...size,
    title: `success rate: ${split}`,
    xLabel: "update steps completed",
    yInclude: [0],
    series: ms.list.map((m) => bandSeries(labelOf(m), ms.colorOf(m), Groups.successBand(m, split)))
  })

export const successPlots = (ms: Methods, size: Size = {}): Array<string> => ms.splits.map((s) => successPlot(ms, s, size))

/** Metric `key` by update step, per method. */
export const metricPlot = (ms: Methods, key: string, title: string, size: Size = {}): string =>
  linePlot({
    ...size,
    title,
    xLabel: "update step",
    series: ms.list.map((m) => bandSeries(labelOf(m), ms.colorOf(m), Groups.metricBand(m, key)))
  })

export const entropyPlot = (ms: Methods, size: Size = {}): string => metricPlot(ms, "entropy/mean", "token entropy: mean", size)

export const hasCorridor = (method: Groups.Method): boolean => Groups.corridorOf(method) !== null

/** The entropy curve of an EPO method inside its corridor [kappa_l Hbar_k, kappa_r Hbar_k]. */
export const corridorPlot = (ms: Methods, method: Groups.Method, size: Size = {}): string => {
  const corridor = Groups.corridorOf(method)
  if (corridor === null) return ""
  const grey = "#7f7f7f"
  const { kappaLow: kl, kappaHigh: kr, bounds } = corridor
  return linePlot({
    ...size,
    title: `${method.name}: entropy in its corridor`,
    xLabel: "update step",
    yInclude: [0],
    series: [
      { label: `corridor [${kl}, ${kr}]·Hbar_k`, color: grey, points: [], band: bounds },
      { label: "Hbar_k (entropy reference)", color: grey, dashed: true, points: Groups.metricBand(method, "entropy/reference").map((p) => [p.x, p.mean] as const) },
      bandSeries(method.runs.length === 1 ? "batch entropy mean" : `batch entropy mean (${method.runs.length} seeds)`, ms.colorOf(method), Groups.metricBand(method, "entropy/mean"))
    ]
  })
}

export const corridorPlots = (ms: Methods, size: Size = {}): Array<string> => ms.list.filter(hasCorridor).map((m) => corridorPlot(ms, m, size))

/** One heatmap per method, all on the colour scale of the range of every method's cells. */
export const heatmaps = (ms: Methods, size: Size = {}): Array<string> => {
  const grids = ms.list.map((m) => ({ method: m, grid: Groups.entropyGrid(m) }))
  const range = Heatmap.rangeOf(grids.map((g) => g.grid.values)) ?? undefined
  return grids.map(({ method, grid }) =>
    Heatmap.heatmap({
      ...size,
      title: `${labelOf(method)}: entropy by turn`,
      xLabel: "update step",
      yLabel: "turn index",
      scaleLabel: "mean token entropy",
      columns: grid.steps,
      values: grid.values,
      range
    })
  )
}

/** Per method and training phase, the mean entropy at each turn index (averaged over seeds). */
export const entropyByTurnPlot = (ms: Methods, size: Size = {}): string => {
  const series: Array<Series> = ms.list.flatMap((m) =>
    [0, 1].map((i) => {
      const byTurn = m.runs.map((r) => Runs.entropyByPhase(r)[i].byTurn)
      const turns = Math.max(0, ...byTurn.map((b) => b.length))
      return {
        // one legend entry per method: the phase is the dash
        label: i === 0 ? labelOf(m) : "",
        color: ms.colorOf(m),
        dashed: i === 1,
        points: Array.from({ length: turns }, (_, t) => {
          const vs = byTurn.flatMap((b) => (typeof b[t] === "number" ? [b[t] as number] : []))
          return vs.length === 0 ? [] : [[t, Stats.mean(vs)] as const]
        }).flat()
      }
    })
  )
  return linePlot({ ...size, title: "entropy by turn index (phase 1 solid, 2 dashed)", xLabel: "turn index", series })
}

export const methodTableNote =
  "Runs sharing a spec name are one method; its seeds are replicates. Success in %: mean over seeds [95% percentile-bootstrap interval over seeds]. " +
  "Gain: per seed, the last evaluation minus the same run's step-0 evaluation. vs base: per seed, the method's last evaluation minus its base method's (the name before '+'), " +
  "on the same evaluation games and sampling keys (a paired design); in percentage points with a bootstrap interval."

export const corridorNote =
  "Corridor plots (EPO objectives): the grey band is [kappa_l Hbar_k, kappa_r Hbar_k], Hbar_k the entropy reference of step k (the mean batch entropy of the earlier steps, averaged over seeds; none at step 0). " +
  "EPO's smoothing term penalises token entropies outside it (the released variant compares each turn with a per-turn reference instead); the line is the batch mean entropy."

export const heatmapNote =
  "Rows: turn index t of an episode (0 = first turn, at the top); columns: update step k; colour: the mean token entropy of the responses at turn t in the batch of step k, averaged over the method's seeds, " +
  "on one colour scale for all methods. Grey: no episode reached that turn. The paper's exploration-exploitation cascade would show as a change in the early-turn rows that spreads down to later turns over the steps."
