/**
 * The commands of `epo`, each an Effect over parsed arguments giving the exit code (see
 * main.ts for the definitions).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Backend } from "@epo/core"
import { Policy } from "@epo/policy"
import { Data, Effect, Layer, Option } from "effect"
import * as Compare from "../report/Compare.js"
import * as Environments from "../spec/Environments.js"
import * as Evaluation from "../rollout/Evaluation.js"
import { Codec, effectiveConfig, layer as modelLayer } from "../train/Model.js"
import { formatNumber } from "../report/Plot.js"
import * as Overrides from "../spec/Overrides.js"
import * as Presets from "../spec/Presets.js"
import * as Report from "../report/Report.js"
import * as Resolve from "../spec/Resolve.js"
import { evaluationKey } from "../spec/RunKeys.js"
import * as Runs from "../runs/Runs.js"
import * as RunStore from "../runs/RunStore.js"
import * as Spec from "../spec/Spec.js"
import * as Train from "../train/Train.js"
import { attempt, writeAtomic } from "../runs/Files.js"
import type { Parsed } from "./Args.js"
import { Progress } from "./Progress.js"

export const presetList = Presets.presetNames.join(", ")

export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {
  override toString(): string {
    return this.message
  }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._+-]+/g, "-")

/** The figures shown beside the progress bar. */
const figures = (record: Train.TrainEvent & { _tag: "Step" }): Record<string, string> => {
  const v = record.record.values
  return {
    reward: formatNumber(v["reward/mean"]),
    success: formatNumber(v["success/rate"]),
    entropy: formatNumber(v["entropy/mean"]),
    loss: formatNumber(v["objective/loss"]),
    "s/step": formatNumber(record.record.timings.total)
  }
}

const evaluationLine = (records: ReadonlyArray<{ split: string; success: number | null; episodes: number; step: number }>) =>
  records.map((r) => `${r.split} ${r.success === null ? "–" : (100 * r.success).toFixed(1) + "%"} of ${r.episodes}`).join(", ")

/** Exit code of a run stopped by a signal (128 + SIGINT, as shells report Ctrl-C). */
export const interruptedExitCode = 130

const stopSignals = ["SIGINT", "SIGTERM"] as const

/**
 * Ctrl-C (SIGINT) or SIGTERM: the first stops the run after the current update step, with
 * a checkpoint; a second one exits at once, the run marked interrupted. Files already
 * written stay valid (every write is atomic, runs/Files.ts) and the lock is released on exit.
 * The training loop yields to the event loop every generation turn and mini-batch, so the
 * handler runs within one of them. (npm 11's npx passes one terminal Ctrl-C on as one signal.)
 */
const interruptHandler = (progress: Progress, dir: string) => {
  let requested = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      progress.finish()
      Effect.runSync(RunStore.make(dir).updateManifest((m) => (m.status === "running" ? { ...m, status: "interrupted" } : m)).pipe(Effect.ignore))
      process.stderr.write(`epo train: ${signal}, a second stop signal: exiting now; the last checkpoint stays valid (resume with: npx epo train --resume ${dir})\n`)
      process.exit(interruptedExitCode)
    }
    requested = true
    progress.message(`${signal}: stopping after this update step and checkpointing (send it again to quit at once)`)
  }
  return {
    shouldStop: () => requested,
    install: Effect.acquireRelease(
      Effect.sync(() => stopSignals.forEach((s) => process.on(s, onSignal))),
      () => Effect.sync(() => stopSignals.forEach((s) => process.off(s, onSignal)))
    )
  }
}

/** A new run directory under `parent`: <name>-s<seed>-<time>, then -2, -3... for runs started in the same second. */
export const freshRunDir = (spec: Pick<Spec.PipelineSpec, "name" | "seed">, parent = "runs", now = new Date()) => {
  const base = path.join(parent, `${safeName(spec.name)}-s${spec.seed}-${stamp(now)}`)
  return attempt(base, () => {
    fs.mkdirSync(path.dirname(base), { recursive: true })
    for (let n = 1; ; n++) {
      const dir = n === 1 ? base : `${base}-${n}`
      try {
        fs.mkdirSync(dir)
        return dir
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      }
    }
  })
}

export const train = (args: Parsed) =>
  Effect.gen(function* () {
    const resume = args.strings.resume
    const sets = args.lists.set ?? []
    if (resume !== undefined && (args.positionals.length > 0 || args.strings.preset !== undefined || sets.length > 0 || args.strings.out !== undefined))
      return yield* new UsageError({ message: "--resume continues a run with its own spec: it takes no spec file, --preset, --set or --out" })
    if (resume === undefined && args.flags.has("allow-spec-change"))
      return yield* new UsageError({ message: "--allow-spec-change goes with --resume (it accepts an edited spec.json of the run)" })
    const spec = resume === undefined ? yield* Resolve.resolve({ file: args.positionals[0], preset: args.strings.preset, sets }) : yield* Resolve.ofRun(resume)
    if (args.flags.has("dry-run")) {
      process.stdout.write(JSON.stringify(Spec.encode(spec), null, 2) + "\n")
      const { config, source } = yield* effectiveConfig(spec)
      process.stderr.write(
        source === "policy.model"
          ? `epo train: the policy is a fresh model: ${JSON.stringify(config)}\n`
          : `epo train: the policy starts from the checkpoint ${source} with its own configuration (policy.model is not used): ${JSON.stringify(config)}\n`
      )
      return 0
    }
    const budget = args.strings["time-budget"]
    if (budget !== undefined && !(Number(budget) > 0)) return yield* new UsageError({ message: `--time-budget must be a positive number of seconds, got "${budget}"` })
    const dir = resume ?? args.strings.out ?? (yield* freshRunDir(spec))
    const progress = new Progress(process.stderr)
    const interrupt = interruptHandler(progress, dir)
    yield* interrupt.install
    const started = performance.now()
    const result = yield* Train.run({
      spec,
      dir,
      resume: resume !== undefined,
      allowSpecChange: args.flags.has("allow-spec-change"),
      shouldStop: interrupt.shouldStop,
      budgetSpent: () => {
        const over = budget !== undefined && (performance.now() - started) / 1000 > Number(budget)
        if (over) progress.message(`time budget of ${budget}s spent: evaluating this step and stopping`)
        return over
      },
      onEvent: (e) => {
        switch (e._tag) {
          case "Started":
            progress.message(`epo train: ${e.resumed ? "resuming" : "run"} ${e.dir} (${spec.name}, seed ${spec.seed}, ${e.backend} backend) from step ${e.completed}/${e.total}`)
            progress.message(`backend: ${e.backendReason}`)
            progress.start(e.total, e.completed)
            progress.update(e.completed)
            break
          case "Note":
            progress.message(e.message)
            break
          case "Step":
            progress.update(e.record.step + 1, figures(e))
            break
          case "Evaluated":
            progress.message(`evaluation after ${e.records[0]?.step ?? 0} steps: ${evaluationLine(e.records)}`)
            break
          case "Checkpointed":
            break
        }
      }
    })
    progress.finish()
    const run = yield* Runs.load(result.dir)
    const reportPath = yield* RunStore.make(result.dir).writeReport(Report.render([run]))
    const final = Runs.finalEvaluations(run)
    process.stderr.write(
      [
        `epo train: ${result.status} ${result.completedSteps}/${spec.totalSteps} steps in ${((performance.now() - started) / 1000).toFixed(1)}s`,
        ...(final.length > 0 ? [`last evaluation (after ${final[0].step} steps): ${evaluationLine(final)}`] : []),
        `run directory: ${result.dir}`,
        `report: ${reportPath}`,
        ...(result.status === "interrupted" ? [`resume with: npx epo train --resume ${result.dir}`] : [])
      ].join("\n") + "\n"
    )
    return result.status === "interrupted" && interrupt.shouldStop() ? interruptedExitCode : 0
  }).pipe(Effect.scoped)

/** A run directory and the checkpoint to evaluate: a run (its best or latest checkpoint) or a checkpoint directory inside one. */
const locate = (target: string, latest: boolean) =>
  Effect.gen(function* () {
    const asRun = RunStore.make(target)
    if (yield* asRun.isRun) {
      // The best checkpoint exists only once an evaluation has scored one; else the latest.
      const best = latest ? Option.none() : yield* asRun.bestCheckpoint
      const chosen = Option.isSome(best) ? best : yield* asRun.latestCheckpoint
      if (Option.isNone(chosen)) return yield* new UsageError({ message: `${target}: the run has no checkpoint yet` })
      return { run: asRun, checkpoint: chosen.value.path }
    }
    const run = RunStore.make(path.dirname(path.dirname(path.resolve(target))))
    if (fs.existsSync(path.join(target, "config.json")) && (yield* run.isRun)) return { run, checkpoint: path.resolve(target) }
    return yield* new UsageError({ message: `${target} is neither a run directory nor a checkpoint inside one` })
  })

export const evaluate = (args: Parsed) =>
  Effect.gen(function* () {
    const { run, checkpoint } = yield* locate(args.positionals[0], args.flags.has("latest"))
    const runSpec = yield* Resolve.ofRun(run.dir)
    const games = args.strings.games
    if (games !== undefined && !/^\d+$/.test(games)) return yield* new UsageError({ message: `--games must be a non-negative integer, got "${games}"` })
    const overrides = yield* Overrides.parse(args.lists.set ?? [])
    const json = Spec.encode(runSpec)
    // --set applies last, so it can change anything of the run's spec (e.g. environment.success).
    const spec = yield* Spec.decode(
      Overrides.apply(
        {
          ...json,
          policy: { ...json.policy, checkpoint },
          evaluation: {
            ...json.evaluation,
            ...(args.lists.split === undefined ? {} : { splits: args.lists.split }),
            ...(games === undefined ? {} : { games: Number(games) })
          }
        },
        overrides
      ),
      overrides.length === 0 ? "evaluation settings" : "evaluation settings with --set"
    )
    const services = Layer.mergeAll(Environments.layer(spec), modelLayer(spec)).pipe(Layer.provideMerge(Backend.layer(spec.backend)))
    const splits = yield* Effect.gen(function* () {
      const policy = yield* Policy
      const codec = yield* Codec
      const format = yield* Environments.promptFormat(spec)
      process.stderr.write(`epo eval: ${checkpoint} on ${spec.evaluation.splits.join(", ")}\n`)
      return yield* Evaluation.evaluateWithTranscripts({ spec, policy, codec, format, step: 0, key: evaluationKey(spec) })
    }).pipe(Effect.provide(services), Effect.scoped)
    const records = splits.map((s) => s.record)
    const transcripts = args.strings.transcripts
    if (transcripts !== undefined) {
      const episodes = splits.flatMap((s) => s.transcripts)
      yield* writeAtomic(transcripts, episodes.map((e) => JSON.stringify(e) + "\n").join(""))
      process.stderr.write(`epo eval: ${episodes.length} transcripts written to ${transcripts}\n`)
    }
    const table: Compare.Table = {
      columns: ["split", "episodes", "success", "mean turns", "by task type"],
      rows: records.map((r) => [
        r.split,
        String(r.episodes),
        r.success === null ? "–" : `${(100 * r.success).toFixed(1)}%`,
        formatNumber(r.meanTurns),
        Object.entries(r.byTaskType)
          .map(([t, v]) => `${t} ${v.successes}/${v.episodes}`)
          .join(", ")
      ])
    }
    process.stdout.write(Compare.text(table) + "\n")
    return 0
  })

export const report = (args: Parsed) =>
  Effect.gen(function* () {
    const runs = yield* Runs.loadAll(args.positionals)
    const html = Report.render(runs)
    const out = args.strings.out
    const written =
      out === undefined && runs.length === 1
        ? yield* RunStore.make(runs[0].dir).writeReport(html)
        : yield* Effect.as(
            Effect.try({ try: () => fs.writeFileSync(out ?? "report.html", html), catch: (e) => new UsageError({ message: `cannot write ${out ?? "report.html"}: ${String(e)}` }) }),
            path.resolve(out ?? "report.html")
          )
    process.stdout.write(`${written}\n`)
    return 0
  })

export const compare = (args: Parsed) =>
  Effect.gen(function* () {
    const runs = yield* Runs.loadAll(args.positionals)
    if (args.flags.has("json")) {
      process.stdout.write(JSON.stringify(Compare.rows(runs), null, 2) + "\n")
      return 0
    }
    process.stdout.write(Compare.text(Compare.table(runs)) + "\n")
    if (Compare.hasReplicates(runs))
      for (const split of Runs.splitsOf(runs))
        process.stdout.write(`\n${split} by method: mean over seeds [95% bootstrap interval]\n${Compare.text(Compare.methodTable(runs, split))}\n`)
    return 0
  })
