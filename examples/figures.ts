/**
 * Writes the experiment's figures as standalone SVG files, drawn by the same code as
 * `epo report` (@epo/pipeline Figures): runs sharing a spec name are one method, lines
 * are means over its seeds and shaded bands 95% percentile-bootstrap intervals.
 *
 *   npx tsx examples/figures.ts runs/experiment docs/figures
 *
 * writes into the output folder:
 *   success-<split>.svg        evaluation success per split, by update steps completed
 *   entropy.svg                token entropy (batch mean) by update step
 *   scale.svg                  the learned choice scale e^θ by update step (runs that learn one)
 *   corridor-<method>.svg      each EPO method's entropy inside [kappa_l Hbar_k, kappa_r Hbar_k]
 *   heatmap-<method>.svg       mean entropy by turn index and update step, one colour scale for all
 *   entropy-by-turn.svg        mean entropy by turn index, first and second half of training
 * and prints the files it wrote. The input is a folder of run directories (as written by
 * examples/experiment.ts; a "warmstart" run is left out).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Figures, Runs } from "@epo/pipeline"
import { Effect } from "effect"

const [root, out] = process.argv.slice(2)
if (root === undefined || out === undefined) {
  console.error("usage: npx tsx examples/figures.ts EXPERIMENT_DIR OUT_DIR")
  process.exit(2)
}
const dirs = fs
  .readdirSync(root)
  .map((d) => path.join(root, d))
  .filter((d) => fs.existsSync(path.join(d, "spec.json")) && path.basename(d) !== "warmstart")
  .sort()
if (dirs.length === 0) {
  console.error(`figures: no run directories in ${root}`)
  process.exit(1)
}
const runs = await Effect.runPromise(Runs.loadAll(dirs))
const methods = Figures.methods(runs)

const size = { width: 560, height: 300 }
const fileName = (name: string) => name.replace(/[^A-Za-z0-9._+-]+/g, "-")
/** A white background, so the figure reads the same on a dark page. */
const standalone = (svg: string) => svg.replace(/^(<svg[^>]*>)/, '$1<rect width="100%" height="100%" fill="#fff"/>')

const figures: Array<readonly [string, string]> = [
  ...methods.splits.map((split) => [`success-${fileName(split)}.svg`, Figures.successPlot(methods, split, size)] as const),
  ["entropy.svg", Figures.entropyPlot(methods, size)],
  ...(Runs.metricKeysOf(runs).includes("policy/scale") ? [["scale.svg", Figures.metricPlot(methods, "policy/scale", "learned choice scale e^θ", size)] as const] : []),
  ...methods.list.filter(Figures.hasCorridor).map((m) => [`corridor-${fileName(m.name)}.svg`, Figures.corridorPlot(methods, m, size)] as const),
  ...Figures.heatmaps(methods, size).map((svg, i) => [`heatmap-${fileName(methods.list[i].name)}.svg`, svg] as const),
  ["entropy-by-turn.svg", Figures.entropyByTurnPlot(methods, size)]
]
fs.mkdirSync(out, { recursive: true })
for (const [name, svg] of figures) {
  fs.writeFileSync(path.join(out, name), standalone(svg) + "\n")
  console.log(path.join(out, name))
}
