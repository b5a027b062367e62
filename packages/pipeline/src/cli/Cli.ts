/**
 * The commands of `epo`: their arguments and options, and how one runs. Every failure
 * prints one line ("epo ...") and gives an exit code: 2 for a usage mistake (an unknown
 * option, a missing or conflicting argument, a malformed option value), 1 for any other
 * failure (including a spec that does not decode), 130 when a run was stopped by a
 * signal. Set EPO_DEBUG=1 to see the full cause of an unexpected failure.
 */
import * as tf from "@tensorflow/tfjs"
import { Cause, Effect, Exit } from "effect"
import { type CommandSpec, help, parse, type Parsed } from "./Args.js"
import * as Commands from "./Commands.js"
import { type CommandName, summaries } from "./Summaries.js"

// tfjs prints a banner suggesting tfjs-node on first use of the cpu backend; the command
// already says which backend runs and why.
tf.env().set("PROD", true)

const commands: Readonly<Record<CommandName, CommandSpec & { readonly run: (args: Parsed) => Effect.Effect<number, unknown> }>> = {
  train: {
    name: "train",
    summary: summaries.train,
    usage: "[SPEC.json]",
    minPositionals: 0,
    maxPositionals: 1,
    options: {
      preset: { kind: "string", value: "NAME", description: `a named spec: ${Commands.presetList}` },
      set: { kind: "string", value: "KEY=VALUE", multiple: true, description: "override a spec field by dotted path, e.g. --set rollout.groupSize=4" },
      out: { kind: "string", value: "DIR", description: "the run directory (default: runs/<name>-s<seed>-<time>, with -2, -3... when taken)" },
      resume: { kind: "string", value: "RUN", description: "continue a stopped run from its newest checkpoint that verifies" },
      "time-budget": { kind: "string", value: "SECONDS", description: "end after the first step that finishes past this many seconds, evaluated and checkpointed (resumable)" },
      "allow-spec-change": { kind: "boolean", description: "with --resume: accept a spec.json edited since the run started (recorded in the manifest)" },
      "dry-run": { kind: "boolean", description: "print the resolved spec and stop" }
    },
    details: [
      "Writes the run directory (spec, manifest, metrics, evaluations, checkpoints, report.html).",
      "Ctrl-C (or SIGTERM) stops after the current update step and checkpoints (exit code 130); a second one quits at once.",
      "One process writes a run at a time (the run's lock file); resuming picks the newest checkpoint that verifies."
    ],
    run: Commands.train
  },
  eval: {
    name: "eval",
    summary: summaries.eval,
    usage: "RUN|CHECKPOINT",
    minPositionals: 1,
    maxPositionals: 1,
    options: {
      split: { kind: "string", value: "SPLIT", multiple: true, description: "an evaluation split (default: the run's)" },
      games: { kind: "string", value: "N", description: "games per split at most (0: all; default: the run's)" },
      latest: { kind: "boolean", description: "use the latest checkpoint instead of the best" },
      set: { kind: "string", value: "KEY=VALUE", multiple: true, description: "override a field of the run's spec, e.g. --set environment.success=completed (repeatable)" },
      transcripts: { kind: "string", value: "FILE", description: "also write every episode (observations, commands, rewards) to FILE as JSON lines" }
    },
    run: Commands.evaluate
  },
  report: {
    name: "report",
    summary: summaries.report,
    usage: "RUN...",
    minPositionals: 1,
    maxPositionals: Number.POSITIVE_INFINITY,
    options: { out: { kind: "string", value: "FILE", description: "the HTML file (default: <run>/report.html for one run, report.html for several)" } },
    run: Commands.report
  },
  compare: {
    name: "compare",
    summary: summaries.compare,
    usage: "RUN...",
    minPositionals: 1,
    maxPositionals: Number.POSITIVE_INFINITY,
    options: { json: { kind: "boolean", description: "print the table as JSON" } },
    run: Commands.compare
  },
  worker: {
    name: "worker",
    summary: summaries.worker,
    usage: "",
    minPositionals: 0,
    maxPositionals: 0,
    options: {
      cluster: { kind: "string", value: "URL", description: "the cluster's PostgreSQL database, postgres://user@host:port/db" },
      host: { kind: "string", value: "HOST", description: "the address the trainer and other runners reach this runner at (default: localhost)" },
      port: { kind: "string", value: "PORT", description: "the runner's port (default: 34431)" },
      listen: { kind: "string", value: "HOST", description: "the address to listen on (default: --host; 0.0.0.0 for every interface)" }
    },
    details: ["See docs/scale-out.md: a trainer and N runners on several machines."],
    // The cluster's packages load only for this command.
    run: (args) => Effect.promise(() => import("./Worker.js")).pipe(Effect.flatMap((m) => m.worker(args)), Effect.as(0))
  }
}

const oneLine = (error: unknown): string => {
  const text = typeof error === "object" && error !== null && "toString" in error && error.toString !== Object.prototype.toString ? String(error) : error instanceof Error ? error.message : JSON.stringify(error)
  return text.replace(/\s*\n\s*/g, " ")
}

/** Runs command `name` with the arguments after it; returns the exit code. */
export const run = async (name: CommandName, argv: ReadonlyArray<string>): Promise<number> => {
  const command = commands[name]
  const parsed = parse(command, argv)
  if (!("positionals" in parsed)) {
    process.stderr.write(`epo ${oneLine(parsed)}\n`)
    return 2
  }
  if (parsed.flags.has("help")) {
    process.stdout.write(help(command) + "\n")
    return 0
  }
  const exit = await Effect.runPromiseExit(command.run(parsed))
  if (Exit.isSuccess(exit)) return exit.value
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) {
    process.stderr.write(`epo ${name}: ${oneLine(failure.error)}\n`)
    return failure.error instanceof Commands.UsageError ? 2 : 1
  }
  const defect = exit.cause.reasons.find(Cause.isDieReason)
  process.stderr.write(`epo ${name}: internal error: ${oneLine(defect?.defect ?? "interrupted")}${process.env.EPO_DEBUG ? "" : " (set EPO_DEBUG=1 for details)"}\n`)
  if (process.env.EPO_DEBUG) process.stderr.write(Cause.pretty(exit.cause) + "\n")
  return 1
}
