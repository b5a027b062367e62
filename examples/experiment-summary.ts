/**
 * Summarises the experiment's runs as markdown tables: per method (the run's spec name),
 * the mean and spread (sample std and min-max over seeds) of the final and the best
 * evaluation success in and out of distribution, the training success rate, and the
 * entropy dynamics by phase (first and second half of the update steps): token-entropy
 * mean, its variance over tokens, and its variance across turn indices; and the drift by
 * phase: KL to the starting (reference) policy, the share of inadmissible commands, the
 * turns per episode and the EPO smoothing term where there is one.
 *
 *   npx tsx examples/experiment-summary.ts runs/experiment
 */
import * as fs from "node:fs"
import * as path from "node:path"

interface Evaluation {
  readonly step: number
  readonly split: string
  readonly success: number
}
interface Metric {
  readonly step: number
  readonly values: Readonly<Record<string, number>>
}

const readLines = <A>(file: string): Array<A> =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as A) : []

const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
const std = (xs: ReadonlyArray<number>) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)))
const pct = (x: number) => `${(100 * x).toFixed(1)}`
const spread = (xs: ReadonlyArray<number>, show: (x: number) => string) =>
  `${show(mean(xs))} ± ${show(std(xs))} [${show(Math.min(...xs))}, ${show(Math.max(...xs))}]`

const root = process.argv[2] ?? path.join("runs", "experiment")
const runs = fs
  .readdirSync(root)
  .map((d) => path.join(root, d))
  .filter((d) => fs.existsSync(path.join(d, "spec.json")) && path.basename(d) !== "warmstart")
  .map((dir) => {
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "spec.json"), "utf8")) as { name: string; seed: number; totalSteps: number }
    const evaluations = readLines<Evaluation>(path.join(dir, "evaluations.jsonl"))
    const metrics = readLines<Metric>(path.join(dir, "metrics.jsonl"))
    const at = (split: string) => evaluations.filter((e) => e.split === split).sort((a, b) => a.step - b.step)
    const phase = (key: string, half: 0 | 1) => {
      const cut = spec.totalSteps / 2
      return mean(metrics.filter((m) => (half === 0 ? m.step < cut : m.step >= cut)).map((m) => m.values[key]))
    }
    return { dir, method: spec.name, seed: spec.seed, steps: metrics.length, at, phase, metrics }
  })

const methods = [...new Set(runs.map((r) => r.method))]
const splits = ["eval_in_distribution", "eval_out_of_distribution"]

console.log(`| method | seeds | steps | ${splits.map((s) => `${s} start / final / best (%)`).join(" | ")} | training success (%) |`)
console.log(`| --- | --- | --- | ${splits.map(() => "---").join(" | ")} | --- |`)
for (const method of methods) {
  const group = runs.filter((r) => r.method === method)
  const cells = splits.map((split) => {
    const evals = group.map((r) => r.at(split))
    return [
      spread(evals.map((e) => e[0].success), pct),
      spread(evals.map((e) => e[e.length - 1].success), pct),
      spread(evals.map((e) => Math.max(...e.map((x) => x.success))), pct)
    ].join(" / ")
  })
  const train = group.map((r) => mean(r.metrics.map((m) => m.values["success/rate"])))
  console.log(`| ${method} | ${group.map((r) => r.seed).join(",")} | ${group.map((r) => r.steps).join(",")} | ${cells.join(" | ")} | ${spread(train, pct)} |`)
}

console.log()
console.log("| method | entropy mean, 1st / 2nd half | token-entropy variance, 1st / 2nd half | variance across turns, 1st / 2nd half |")
console.log("| --- | --- | --- | --- |")
const f3 = (x: number) => x.toFixed(3)
const f4 = (x: number) => x.toFixed(4)
for (const method of methods) {
  const group = runs.filter((r) => r.method === method)
  const both = (key: string, show: (x: number) => string) =>
    `${spread(group.map((r) => r.phase(key, 0)), show)} / ${spread(group.map((r) => r.phase(key, 1)), show)}`
  console.log(`| ${method} | ${both("entropy/mean", f3)} | ${both("entropy/variance", f3)} | ${both("entropy/turnVariance", f4)} |`)
}

console.log()
console.log("| method | KL to the starting policy, 1st / 2nd half | inadmissible commands (% of turns), 1st / 2nd half | turns per episode, 1st / 2nd half | smoothing term L_smooth, 1st / 2nd half |")
console.log("| --- | --- | --- | --- | --- |")
for (const method of methods) {
  const group = runs.filter((r) => r.method === method)
  const both = (key: string, show: (x: number) => string) =>
    group.some((r) => r.metrics.every((m) => m.values[key] === undefined))
      ? "n/a"
      : `${spread(group.map((r) => r.phase(key, 0)), show)} / ${spread(group.map((r) => r.phase(key, 1)), show)}`
  const f1 = (x: number) => x.toFixed(1)
  console.log(`| ${method} | ${both("objective/kl", f3)} | ${both("invalid/command", pct)} | ${both("episode/turns", f1)} | ${both("objective/smoothing", f4)} |`)
}
