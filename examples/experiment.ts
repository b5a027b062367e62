/**
 * The EPO experiment on the household environment: PPO, PPO+EPO, GRPO, GRPO+EPO and the
 * ablation PPO + the multi-turn entropy bonus without smoothing (`ppo+entropy`, the same
 * lambda), several seeds each, all from the shipped starting policy, plus a lambda sweep
 * of PPO+EPO. With `--env science` the same design runs the `science-*` presets (a
 * generating policy warm-started from the gold agent's demonstrations) on ScienceWorld. A paired design: every run evaluates the same games of
 * `eval_in_distribution` and `eval_out_of_distribution` with the same sampling keys
 * (`evaluation.seed` is pinned, whatever the run's seed), and runs of one seed see the
 * same training games and rollout keys whatever the method. It only drives the `epo`
 * command:
 *
 *   1. train every (method, seed) for the same number of update steps with the shared
 *      scale below, skipping runs already there (completed, or stopped by an optional
 *      budget); a run a crash left "running" is resumed from its last checkpoint;
 *   2. print `epo compare` over all runs and write `epo report` to <out>/report.html;
 *      `examples/experiment-summary.ts <out>` prints the tables with confidence intervals.
 *
 *   npx tsx examples/experiment.ts [--env household|science] [--out runs/experiment]
 *     [--seeds 1,2,3,4,5] [--methods ppo,ppo+epo,grpo,grpo+epo,ppo+entropy] [--sweep 0.01,0.1]
 *     [--sweep-seeds 1,2,3] [--steps 60] [--lr 0.0001] [--groups 4] [--group-size 4]
 *     [--turns 20 | 30 on science] [--temperature 1] [--eval-games 128]
 *     [--eval-every 20] [--budget SECONDS] [--parallel 2] [--set key=value ...] [--dry-run]
 *
 * `--temperature` samples both training rollouts and evaluations at that temperature (the
 * objective's log-probabilities use it too); docs/results.md's science runs use 0.7.
 *
 * Runs end after `--steps` updates, not after a wall time, so that a loaded machine
 * changes how long a run takes but never what it computes. `--budget` is an optional
 * cap (the first step past it is evaluated and the run stops there).
 *
 * `--parallel N` trains N runs at once (one core each: give it the cores you have).
 * EPO_BIN names the epo entry point to run with node (default: the workspace's
 * packages/pipeline/bin/epo.mjs), for example a bundled copy on another machine.
 */
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

const argument = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}
const list = (name: string, fallback: string): Array<string> => argument(name, fallback).split(",").filter((x) => x !== "")
const science = argument("env", "household") === "science"
/** The preset of a method on the chosen environment (`ppo` -> `science-ppo` on science). */
const presetOf = (method: string) => (science ? `science-${method}` : method)
const dryRun = process.argv.includes("--dry-run")
const out = argument("out", path.join("runs", "experiment"))
const seeds = list("seeds", "1,2,3,4,5").map(Number)
const methods = list("methods", "ppo,ppo+epo,grpo,grpo+epo,ppo+entropy")
const sweep = list("sweep", "0.01,0.1")
const sweepSeeds = list("sweep-seeds", "1,2,3").map(Number)
const budget = argument("budget", "")
const parallel = Math.max(1, Number(argument("parallel", "2")))
const epoBin = process.env.EPO_BIN ?? "packages/pipeline/bin/epo.mjs"
const extra = process.argv.flatMap((a, i) => (a === "--set" && i + 1 < process.argv.length ? [process.argv[i + 1]] : []))

/** The scale shared by every run (on top of each preset); `--set` adds to it. */
const scale = [
  `totalSteps=${argument("steps", "60")}`,
  // Tuned at this scale (docs/results.md): each trajectory weighted equally (token-mean
  // lets the long failed episodes dominate); higher rates drift without learning.
  `optimizer.learningRate=${argument("lr", "0.0001")}`,
  "optimizer.warmupRatio=0",
  "objective.lossAggregation=multi-turn-mean",
  `environment.maxTurns=${argument("turns", science ? "30" : "20")}`,
  `rollout.temperature=${argument("temperature", "1")}`,
  `rollout.groups=${argument("groups", "4")}`,
  `rollout.groupSize=${argument("group-size", "4")}`,
  `evaluation.every=${argument("eval-every", "20")}`,
  `evaluation.games=${argument("eval-games", "128")}`,
  'evaluation.splits=["eval_in_distribution","eval_out_of_distribution"]',
  `evaluation.temperature=${argument("temperature", "1")}`,
  "evaluation.seed=0",
  `checkpoints.every=${argument("eval-every", "20")}`,
  "backend=wasm",
  ...extra
]

interface Job {
  readonly dir: string
  readonly preset: string
  readonly seed: number
  readonly sets: ReadonlyArray<string>
}

// Seed-major order: a stopped experiment holds every method at the seeds it reached.
const jobs: Array<Job> = [
  ...seeds.flatMap((seed) => methods.map(presetOf).map((preset) => ({ dir: path.join(out, `${preset}-s${seed}`), preset, seed, sets: [] }))),
  ...sweepSeeds.flatMap((seed) =>
    sweep.map((lambda) => {
      const preset = presetOf("ppo+epo")
      return { dir: path.join(out, `${preset}-l${lambda}-s${seed}`), preset, seed, sets: [`name=${preset}-l${lambda}`, `objective.lambda=${lambda}`] }
    })
  )
]

const show = (args: ReadonlyArray<string>) => process.stderr.write(`$ epo ${args.map((a) => (/[\s"[\]]/.test(a) ? `'${a}'` : a)).join(" ")}\n`)

const failed = (args: ReadonlyArray<string>, status: number | null): never => {
  process.stderr.write(`experiment: epo ${args[0]} failed with exit code ${status}\n`)
  process.exit(status ?? 1)
}

const epo = (args: ReadonlyArray<string>): void => {
  show(args)
  if (dryRun) return
  const result = spawnSync(process.execPath, [epoBin, ...args], { stdio: "inherit" })
  if (result.status !== 0) failed(args, result.status)
}

/** Runs the commands, `parallel` at a time; a run's output goes to its own log file. */
const epoAll = async (commands: ReadonlyArray<{ readonly args: ReadonlyArray<string>; readonly log: string }>): Promise<void> => {
  const queue = [...commands]
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      show(job.args)
      if (dryRun) continue
      fs.mkdirSync(path.dirname(job.log), { recursive: true })
      const log = fs.openSync(job.log, "a")
      const args = job.args
      const status = await new Promise<number | null>((resolve) => spawn(process.execPath, [epoBin, ...args], { stdio: ["ignore", log, log] }).on("close", resolve))
      fs.closeSync(log)
      if (status !== 0) failed(args, status)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, commands.length) }, worker))
}

const budgetArgs = budget === "" ? [] : ["--time-budget", budget]
const sets = (assignments: ReadonlyArray<string>) => assignments.flatMap((a) => ["--set", a])
const isRun = (dir: string) => fs.existsSync(path.join(dir, "spec.json"))
const status = (dir: string): string => (JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { status: string }).status

const commands = jobs.flatMap((job) => {
  const log = path.join(out, "logs", `${path.basename(job.dir)}.log`)
  if (!isRun(job.dir))
    return [{ args: ["train", "--preset", job.preset, ...sets([...scale, ...job.sets, `seed=${job.seed}`]), "--out", job.dir, ...budgetArgs], log }]
  if (!dryRun && status(job.dir) === "running") return [{ args: ["train", "--resume", job.dir, ...budgetArgs], log }]
  return []
})
await epoAll(commands)

const dirs = jobs.map((j) => j.dir)
epo(["compare", ...dirs])
epo(["report", ...dirs, "--out", path.join(out, "report.html")])
