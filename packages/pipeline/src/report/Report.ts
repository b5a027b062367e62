/**
 * The HTML report of one or several runs: one self-contained page (inline CSS and SVG,
 * no scripts, nothing fetched). Runs sharing a spec name are one method, their seeds its
 * replicates: per method, the evaluation success per split and the token entropy by
 * update step as the mean over seeds with a 95% bootstrap band, the EPO corridor over
 * the entropy curve, and a heatmap of the entropy by turn index and update step; then
 * the training figures, the entropy variance, the entropy by training phase and every
 * objective term the same way (a method of one run: that run's line), and the
 * comparison tables per method and per run.
 */
import * as Compare from "./Compare.js"
import * as Figures from "./Figures.js"
import { escapeHtml, formatNumber } from "./Plot.js"
import * as Runs from "../runs/Runs.js"
import * as Stats from "./Stats.js"

const phaseRow = (name: string, p: { phase: number; steps: number; entropyMean: number | null; entropyVariance: number | null; turnVariance: number | null }) =>
  `<tr><td>${escapeHtml(name)}</td><td>${p.phase}</td><td>${p.steps}</td><td>${formatNumber(p.entropyMean)}</td><td>${formatNumber(p.entropyVariance)}</td><td>${formatNumber(p.turnVariance)}</td></tr>`

const phaseTable = (first: string, rows: ReadonlyArray<string>): string =>
  `<table><tr><th>${first}</th><th>phase</th><th>steps</th><th>entropy mean</th><th>token entropy variance</th><th>variance of per-turn means</th></tr>${rows.join("")}</table>`

/** Per method and phase, the means over its runs (steps: the longest run's). */
const methodPhaseRows = (methods: Figures.Methods): Array<string> =>
  methods.list.flatMap((m) =>
    [0, 1].map((i) => {
      const phases = m.runs.map((r) => Runs.entropyByPhase(r)[i])
      const avg = (f: (p: (typeof phases)[number]) => number | null) => {
        const vs = phases.flatMap((p) => (f(p) === null ? [] : [f(p) as number]))
        return vs.length === 0 ? null : Stats.mean(vs)
      }
      return phaseRow(Figures.labelOf(m), {
        phase: i + 1,
        steps: Math.max(...phases.map((p) => p.steps)),
        entropyMean: avg((p) => p.entropyMean),
        entropyVariance: avg((p) => p.entropyVariance),
        turnVariance: avg((p) => p.turnVariance)
      })
    })
  )

const tableHtml = (table: Compare.Table): string =>
  `<table><tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>${table.rows
    .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</table>`

const style = `body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:14px;margin:14px 0 6px}details{margin:8px 0}summary{cursor:pointer;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:12px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left;white-space:nowrap}.meta{font-size:12px;color:#555;max-width:940px}`

/** The report page of `runs`. */
export const render = (runs: ReadonlyArray<Runs.RunData>): string => {
  const methods = Figures.methods(runs)
  const several = Compare.hasReplicates(runs)
  const keys = Runs.metricKeysOf(runs)
  const objectiveKeys = keys.filter((k) => k.startsWith("objective/"))
  const trainingKeys: ReadonlyArray<readonly [string, string]> = [
    ["reward/mean", "training reward per episode (scaled)"],
    ["success/rate", "training success rate"],
    ["episode/turns", "training episode length (turns)"],
    ["invalid/format", "answers breaking the prompt format, per turn"],
    ["invalid/command", "commands the environment rejected, per turn"]
  ]
  const entropyKeys: ReadonlyArray<readonly [string, string]> = [
    ["entropy/variance", "token entropy: variance"],
    ["entropy/turnVariance", "entropy: variance of per-turn means"],
    ["entropy/reference", "entropy reference Hbar_k (history)"]
  ]
  const optimiserKeys: ReadonlyArray<readonly [string, string]> = [
    ["optim/lr", "learning rate"],
    ["optim/gradNorm", "gradient norm (before clipping)"],
    ["policy/scale", "learned choice scale e^θ (inverse temperature)"],
    ["kl/coefficient", "KL coefficient"]
  ]
  const present = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.filter(([k]) => keys.includes(k))
  const meta = runs
    .map(
      (r) =>
        `<li><b>${escapeHtml(r.label)}</b>: ${escapeHtml(r.dir)} — status ${r.manifest.status}, ${r.manifest.completedSteps}/${r.manifest.totalSteps} steps, backend ${escapeHtml(r.manifest.backend.name)}, commit ${escapeHtml(r.manifest.git.commit.slice(0, 10))}${r.manifest.git.dirty ? " (dirty)" : ""}, node ${escapeHtml(r.manifest.versions.node ?? "?")}, effect ${escapeHtml(r.manifest.versions.effect ?? "?")}, tfjs ${escapeHtml(r.manifest.versions.tfjs ?? "?")}</li>`
    )
    .join("")
  const runList = runs.length > 8 ? `<details class="meta"><summary>${runs.length} runs</summary><ul>${meta}</ul></details>` : `<ul class="meta">${meta}</ul>`
  const section = (title: string, plots: ReadonlyArray<string>, note = "") =>
    plots.length === 0 ? "" : `<h2>${escapeHtml(title)}</h2>${note === "" ? "" : `<p class="meta">${note}</p>`}<div class="grid">${plots.join("")}</div>`
  const perRunPhases = phaseTable("run", runs.flatMap((r) => Runs.entropyByPhase(r).map((p) => phaseRow(r.label, p))))
  const bandNote = several
    ? "Lines: the mean over a method's seeds; shaded: its 95% percentile-bootstrap interval over seeds (a method with one run: that run's line)."
    : ""
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EPO report: ${escapeHtml(runs.map((r) => r.label).join(", "))}</title><style>${style}</style></head>
<body><h1>EPO report</h1>${runList}
${several ? `<h2>Methods</h2><p class="meta">${Figures.methodTableNote}</p>${methods.splits.map((s) => `<h3>${escapeHtml(s)}</h3>${tableHtml(Compare.methodTable(runs, s))}`).join("")}` : ""}
<h2>Runs</h2>${tableHtml(Compare.table(runs))}
${section("Evaluation success", Figures.successPlots(methods), bandNote)}
${section("Entropy", [Figures.entropyPlot(methods), ...Figures.corridorPlots(methods), ...present(entropyKeys).map(([k, t]) => Figures.metricPlot(methods, k, t))], bandNote + (methods.list.some((m) => Figures.hasCorridor(m)) ? " " + Figures.corridorNote : ""))}
${section("Entropy by turn index and update step", Figures.heatmaps(methods), Figures.heatmapNote)}
<h2>Entropy by training phase</h2><p class="meta">Phase 1: steps before K/2; phase 2: the rest (EPO's beta_k decays from 2 towards 1 across them).</p><div class="grid">${Figures.entropyByTurnPlot(methods)}</div>
${several ? `${phaseTable("method", methodPhaseRows(methods))}<details><summary>per run</summary>${perRunPhases}</details>` : perRunPhases}
${section("Training", present(trainingKeys).map(([k, t]) => Figures.metricPlot(methods, k, t)))}
${section("Objective terms", objectiveKeys.map((k) => Figures.metricPlot(methods, k, k.slice("objective/".length))))}
${section("Optimiser", present(optimiserKeys).map(([k, t]) => Figures.metricPlot(methods, k, t)))}
</body></html>
`
}
