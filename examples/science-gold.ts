/**
 * Runs the science gold agent (scripted solver per task type) on every variation of every
 * implemented task (versions 1 and 2: matter, measurement, chemistry), or of one task, and prints a JSON summary: how many variations reach
 * score 100, per task and per split, and the mean/max number of actions.
 *
 *   npx tsx examples/science-gold.ts [task] [--simplifications=easy]
 *
 * Takes about a minute for all 6,331 variations on one core.
 */
import { ScienceWorld, solve, Tasks } from "@epo/science"

const args = process.argv.slice(2)
const only = args.find((a) => !a.startsWith("--"))
const simplifications = args.find((a) => a.startsWith("--simplifications="))?.slice("--simplifications=".length) ?? "easy"

const tasks = only === undefined ? Tasks.implementedTasks : [Tasks.normaliseTaskName(only)]
for (const t of tasks) {
  if (!Tasks.implementedTasks.includes(t)) {
    console.error(`not an implemented task: ${t} (one of ${Tasks.implementedTasks.join(", ")})`)
    process.exit(2)
  }
}
const perTask: Record<string, { variations: number; solved: number; bysplit: Record<string, string>; meanActions: number; maxActions: number }> = {}
const failures: Array<string> = []
let total = 0
let solved = 0
const started = performance.now()
for (const task of tasks) {
  const n = Tasks.taskInfo(task).numVariations
  const split = Tasks.splitOf(n)
  const counts: Record<string, [number, number]> = {}
  const lengths: Array<number> = []
  for (const name of ["train", "dev", "test"] as const) {
    for (const v of split[name]) {
      const c = (counts[name] ??= [0, 0])
      c[1]++
      total++
      try {
        const r = solve(new ScienceWorld(task, v, { simplifications }))
        lengths.push(r.actions.length)
        if (r.score === 100 && r.done) {
          c[0]++
          solved++
        } else failures.push(`${task} ${v}: score ${r.score} after ${r.actions.join(" | ")}`)
      } catch (e) {
        failures.push(`${task} ${v}: ${String(e)}`)
      }
    }
  }
  perTask[task] = {
    variations: n,
    solved: Object.values(counts).reduce((a, [s]) => a + s, 0),
    bysplit: Object.fromEntries(Object.entries(counts).map(([k, [s, m]]) => [k, `${s}/${m}`])),
    meanActions: Number((lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length)).toFixed(1)),
    maxActions: Math.max(0, ...lengths)
  }
}
console.log(JSON.stringify({ simplifications, variations: total, solved, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), perTask, failures: failures.slice(0, 20) }, null, 2))
if (solved !== total) process.exit(1)
