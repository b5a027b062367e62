/**
 * Summarises the experiment's runs (a folder of run directories written by
 * examples/experiment.ts, one per (preset, seed)) as markdown tables. Runs sharing a
 * spec name are one method, their seeds its replicates; every interval is a 95%
 * percentile bootstrap over seeds (@epo/pipeline Stats: exact for up to 8 seeds).
 *
 * 1. Success per split at every evaluation point and at each run's last evaluation
 *    ("final"): mean over seeds [CI], in %; beside the final, the successes pooled over
 *    seeds and games with their Wilson interval (the games' share of the noise).
 * 2. The gain over the start: per seed, success at the point minus the same run's step-0
 *    success, mean [CI] in percentage points.
 * 3. Paired differences: each variant against its base (the name before '+': ppo+epo ->
 *    ppo), per seed on the same evaluation games and sampling keys, mean [CI] in points;
 *    `--pair A:B` adds A against B (e.g. --pair ppo+epo:ppo+entropy for the ablation).
 * 4. Entropy dynamics and drift by training phase (before and after K/2): token-entropy
 *    mean, its variance over tokens and across turn indices, the learned choice scale e^θ
 *    (`policy/scale`, n/a without one); KL to the starting policy,
 *    inadmissible commands, turns per episode, the EPO smoothing term.
 *
 *   npx tsx examples/experiment-summary.ts runs/experiment [--pair A:B ...]
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Compare, Groups, Runs, Stats } from "@epo/pipeline"
import { Effect } from "effect"

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--pair")
const root = positional[0] ?? path.join("runs", "experiment")
const extraPairs = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--pair" ? [a.split(":") as [string, string]] : []))

const dirs = fs
  .readdirSync(root)
  .map((d) => path.join(root, d))
  .filter((d) => fs.existsSync(path.join(d, "spec.json")) && path.basename(d) !== "warmstart")
  .sort()
const runs = await Effect.runPromise(Runs.loadAll(dirs))
// each base method first, then its variants: ppo, ppo+epo, ..., grpo, grpo+epo, ...
const family = (name: string) => name.split("+")[0]
const families = [...new Set(Groups.byMethod(runs).map((m) => family(m.name)))]
const methods = Groups.byMethod(runs).sort(
  (a, b) => families.indexOf(family(a.name)) - families.indexOf(family(b.name)) || Number(a.name !== family(a.name)) - Number(b.name !== family(b.name))
)
const byName = (name: string) => methods.find((m) => m.name === name)
const splits = Runs.splitsOf(runs)

const row = (cells: ReadonlyArray<string>) => console.log(`| ${cells.join(" | ")} |`)
const header = (cells: ReadonlyArray<string>) => {
  row(cells)
  row(cells.map(() => "---"))
}
/** A cell with the number of seeds behind it when fewer than the method has. */
const withN = (text: string, i: Stats.Interval | null | undefined, seeds: number) => (i !== null && i !== undefined && i.n < seeds ? `${text} (n=${i.n})` : text)

const pairs: Array<readonly [Groups.Method, Groups.Method]> = [
  ...methods.flatMap((m) => {
    const base = byName(Groups.baseOf(m.name, methods.map((x) => x.name)) ?? "")
    return base === undefined ? [] : [[m, base] as const]
  }),
  ...extraPairs.flatMap(([a, b]) => {
    const [ma, mb] = [byName(a), byName(b)]
    if (ma === undefined || mb === undefined) {
      console.error(`experiment-summary: --pair ${a}:${b}: no method named ${ma === undefined ? a : b} (methods: ${methods.map((m) => m.name).join(", ")})`)
      process.exit(2)
    }
    return [[ma, mb] as const]
  })
]

console.log(`Runs in ${root}: ${methods.map((m) => `${m.name} (seeds ${Groups.seedsOf(m).join(",")})`).join("; ")}.`)
console.log("Intervals: 95% percentile bootstrap over seeds; (n=k): only k seeds had that point; final: each run's last evaluation.\n")

for (const split of splits) {
  const steps = [...new Set(methods.flatMap((m) => Groups.evaluationSteps(m, split)))].sort((a, b) => a - b)
  const points = (method: Groups.Method, base: Groups.Method | undefined) => [
    ...steps.map((k) => Groups.successAtStep(method, base, split, k)),
    Groups.finalSuccess(method, base, split)
  ]
  const columns = [...steps.map((k) => `step ${k}`), "final"]

  console.log(`### ${split}: success (%)\n`)
  header(["method", "seeds", ...columns, "final, pooled over seeds and games (Wilson)"])
  for (const m of methods) {
    const ps = points(m, undefined)
    const final = ps[ps.length - 1]
    const pooled = final === null ? "–" : `${Compare.percentInterval(final.pooled.interval)} of ${final.pooled.episodes}`
    row([m.name, String(m.runs.length), ...ps.map((p) => withN(Compare.percentInterval(p?.success), p?.success, m.runs.length)), pooled])
  }

  console.log(`\n### ${split}: gain over the start (points)\n`)
  header(["method", ...columns.slice(1)])
  for (const m of methods) row([m.name, ...points(m, undefined).slice(1).map((p) => withN(Compare.pointsInterval(p?.gain), p?.gain, m.runs.length))])

  if (pairs.length > 0) {
    console.log(`\n### ${split}: paired difference, variant minus base (points)\n`)
    header(["variant", "base", "shared seeds", ...columns])
    for (const [variant, base] of pairs) {
      const shared = Groups.seedsOf(variant).filter((s) => Groups.seedsOf(base).includes(s))
      row([variant.name, base.name, shared.join(","), ...points(variant, base).map((p) => withN(Compare.pointsInterval(p?.vsBase), p?.vsBase, shared.length))])
    }
  }
  console.log()
}

/** Per method, a metric's mean over each phase's steps: mean over seeds [CI] for phase 1 / phase 2. */
const byPhase = (m: Groups.Method, key: string, show: (x: number) => string): string => {
  const perPhase = [0, 1].map((i) =>
    Stats.bootstrapMean(
      m.runs.flatMap((r) => {
        const v = Runs.meanOf(Runs.phases(r)[i].records, key)
        return v === null ? [] : [v]
      })
    )
  )
  return perPhase.every((p) => p === null) ? "n/a" : perPhase.map((p) => Compare.intervalText(p, show)).join(" / ")
}
const fixed = (d: number) => (x: number) => x.toFixed(d)
const pct = (x: number) => (100 * x).toFixed(1)

console.log("### Entropy dynamics by phase (1st half / 2nd half of the update steps)\n")
header(["method", "entropy mean", "token-entropy variance", "variance across turns", "choice scale e^θ"])
for (const m of methods)
  row([m.name, byPhase(m, "entropy/mean", fixed(3)), byPhase(m, "entropy/variance", fixed(3)), byPhase(m, "entropy/turnVariance", fixed(4)), byPhase(m, "policy/scale", fixed(2))])

console.log("\n### Drift by phase (1st half / 2nd half)\n")
header(["method", "KL to the starting policy", "inadmissible commands (% of turns)", "turns per episode", "smoothing term L_smooth"])
for (const m of methods)
  row([m.name, byPhase(m, "objective/kl", fixed(3)), byPhase(m, "invalid/command", pct), byPhase(m, "episode/turns", fixed(1)), byPhase(m, "objective/smoothing", fixed(4))])
