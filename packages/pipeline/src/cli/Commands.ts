/** The commands of `epo`, each an Effect over parsed arguments (see main.ts for the definitions). */
import * as fs from "node:fs"
import * as path from "node:path"
import { Backend } from "@epo/core"
import { Policy } from "@epo/policy"
import { Data, Effect, Layer, Option } from "effect"
import * as Compare from "../Compare.js"
import * as Environments from "../Environments.js"
import * as Evaluation from "../Evaluation.js"
import { Codec, effectiveConfig, layer as modelLayer } from "../Model.js"
import { formatNumber } from "../Plot.js"
import * as Presets from "../Presets.js"
import * as Report from "../Report.js"
import * as Resolve from "../Resolve.js"
import { evaluationKey } from "../RunKeys.js"
import * as Runs from "../Runs.js"
import * as RunStore from "../RunStore.js"
import * as Spec from "../Spec.js"
import * as Train from "../Train.js"
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

/**
 * Stops a run after the current step on the first Ctrl-C; exits at once on a second one.
 * A terminal's Ctrl-C reaches both npx and this process, and npx forwards it again, so
 * signals within a second of the first count as the same press.
 */
const interruptHandler = (progress: Progress) => {
  let requested = false
  let firstAt = 0
  const onSignal = () => {
    if (requested && performance.now() - firstAt < 1000) return
    if (requested) {
      progress.finish()
      process.stderr.write("epo train: interrupted again; exiting without a final checkpoint (the last saved one stays valid)\n")
      process.exit(130)
    }
    requested = true
    firstAt = performance.now()
    progress.message("stopping after this step and checkpointing (Ctrl-C again to quit now)")
  }
  return {
    shouldStop: () => requested,
    install: Effect.acquireRelease(
      Effect.sync(() => process.on("SIGINT", onSignal)),
      () => Effect.sync(() => process.off("SIGINT", onSignal))
    )
  }
}

export const train = (args: Parsed) =>
  Effect.gen(function* () {
    const resume = args.strings.resume
    const sets = args.lists.set ?? []
    if (resume !== undefined && (args.positionals.length > 0 || args.strings.preset !== undefined || sets.length > 0 || args.strings.out !== undefined))
      return yield* new UsageError({ message: "--resume continues a run with its own spec: it takes no spec file, --preset, --set or --out" })
    const spec =
      resume === undefined
        ? yield* Resolve.resolve({ file: args.positionals[0], preset: args.strings.preset, sets })
        : yield* Effect.flatMap(RunStore.make(resume).readSpecJson, (json) => Spec.decode(json, `spec of run ${resume}`))
    if (args.flags.has("dry-run")) {
      process.stdout.write(JSON.stringify(Spec.encode(spec), null, 2) + "\n")
      const { config, source } = yield* effectiveConfig(spec)
      process.stderr.write(
        source === "policy.model"
          ? `epo train: the policy is a fresh model: ${JSON.stringify(config)}\n`
          : `epo train: the policy starts from the checkpoint ${source} with its own configuration (policy.model is not used): ${JSON.stringify(config)}\n`
      )
      return
    }
    const budget = args.strings["time-budget"]
    if (budget !== undefined && !(Number(budget) > 0)) return yield* new UsageError({ message: `--time-budget must be a positive number of seconds, got "${budget}"` })
    const dir = resume ?? args.strings.out ?? path.join("runs", `${safeName(spec.name)}-s${spec.seed}-${stamp(new Date())}`)
    const progress = new Progress(process.stderr)
    const interrupt = interruptHandler(progress)
    yield* interrupt.install
    const started = performance.now()
    const result = yield* Train.run({
      spec,
      dir,
      resume: resume !== undefined,
      shouldStop: () => {
        if (interrupt.shouldStop()) return true
        const over = budget !== undefined && (performance.now() - started) / 1000 > Number(budget)
        if (over) progress.message(`time budget of ${budget}s spent: stopping`)
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
    const runSpec = yield* Effect.flatMap(run.readSpecJson, (json) => Spec.decode(json, `spec of run ${run.dir}`))
    const games = args.strings.games
    if (games !== undefined && !/^\d+$/.test(games)) return yield* new UsageError({ message: `--games must be a non-negative integer, got "${games}"` })
    const json = Spec.encode(runSpec)
    const spec = yield* Spec.decode(
      {
        ...json,
        policy: { ...json.policy, checkpoint },
        evaluation: {
          ...json.evaluation,
          ...(args.lists.split === undefined ? {} : { splits: args.lists.split }),
          ...(games === undefined ? {} : { games: Number(games) })
        }
      },
      "evaluation settings"
    )
    const services = Layer.mergeAll(Environments.info(spec.environment.name).layer(spec.warmStart.expert), modelLayer(spec)).pipe(Layer.provideMerge(Backend.layer(spec.backend)))
    const records = yield* Effect.gen(function* () {
      const policy = yield* Policy
      const codec = yield* Codec
      const format = yield* Environments.promptFormat(spec)
      process.stderr.write(`epo eval: ${checkpoint} on ${spec.evaluation.splits.join(", ")}\n`)
      return yield* Evaluation.evaluate({ spec, policy, codec, format, step: 0, key: evaluationKey(spec) })
    }).pipe(Effect.provide(services), Effect.scoped)
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
  })

export const compare = (args: Parsed) =>
  Effect.gen(function* () {
    const runs = yield* Runs.loadAll(args.positionals)
    const table = Compare.table(runs)
    process.stdout.write(
      (args.flags.has("json") ? JSON.stringify(table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]]))), null, 2) : Compare.text(table)) + "\n"
    )
    if (!args.flags.has("json") && Compare.hasReplicates(runs))
      for (const split of Runs.splitsOf(runs))
        process.stdout.write(`\n${split} by method: mean over seeds [95% bootstrap interval]\n${Compare.text(Compare.methodTable(runs, split))}\n`)
  })
