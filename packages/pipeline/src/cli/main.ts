/**
 * The `epo` command: train, eval, report, compare, worker. Every failure prints one line
 * ("epo: ...") and exits non-zero (2 for usage mistakes, 1 otherwise, 130 when
 * interrupted twice); set EPO_DEBUG=1 to see the full cause of an unexpected failure.
 */
import * as tf from "@tensorflow/tfjs"
import { Cause, Effect, Exit } from "effect"
import { type CommandSpec, help, parse, type Parsed } from "./Args.js"
import * as Commands from "./Commands.js"

const commands: ReadonlyArray<CommandSpec & { readonly run: (args: Parsed) => Effect.Effect<void, unknown> }> = [
  {
    name: "train",
    summary: "Train a policy with a pipeline spec: a JSON file, or a named preset (default: the tiny \"default\" preset).",
    usage: "[SPEC.json]",
    minPositionals: 0,
    maxPositionals: 1,
    options: {
      preset: { kind: "string", value: "NAME", description: `a named spec: ${Commands.presetList}` },
      set: { kind: "string", value: "KEY=VALUE", multiple: true, description: "override a spec field by dotted path, e.g. --set rollout.groupSize=4" },
      out: { kind: "string", value: "DIR", description: "the run directory (default: runs/<name>-s<seed>-<time>)" },
      resume: { kind: "string", value: "RUN", description: "continue an interrupted run from its latest checkpoint" },
      "time-budget": { kind: "string", value: "SECONDS", description: "stop (checkpointed, resumable) after the first step that ends past this many seconds" },
      "dry-run": { kind: "boolean", description: "print the resolved spec and stop" }
    },
    details: [
      "Writes the run directory (spec, manifest, metrics, evaluations, checkpoints, report.html).",
      "Ctrl-C stops after the current step and checkpoints; press it again to quit at once."
    ],
    run: Commands.train
  },
  {
    name: "eval",
    summary: "Evaluate a run's best checkpoint (or the given checkpoint directory) on evaluation splits.",
    usage: "RUN|CHECKPOINT",
    minPositionals: 1,
    maxPositionals: 1,
    options: {
      split: { kind: "string", value: "SPLIT", multiple: true, description: "an evaluation split (default: the run's)" },
      games: { kind: "string", value: "N", description: "games per split at most (0: all; default: the run's)" },
      latest: { kind: "boolean", description: "use the latest checkpoint instead of the best" }
    },
    run: Commands.evaluate
  },
  {
    name: "report",
    summary: "Write a self-contained HTML report of one or several runs (plots side by side).",
    usage: "RUN...",
    minPositionals: 1,
    maxPositionals: Number.POSITIVE_INFINITY,
    options: { out: { kind: "string", value: "FILE", description: "the HTML file (default: <run>/report.html for one run, report.html for several)" } },
    run: Commands.report
  },
  {
    name: "compare",
    summary: "Print a table comparing runs: algorithm, progress, final and best success per split, reward, entropy.",
    usage: "RUN...",
    minPositionals: 1,
    maxPositionals: Number.POSITIVE_INFINITY,
    options: { json: { kind: "boolean", description: "print the table as JSON" } },
    run: Commands.compare
  },
  {
    name: "worker",
    summary: "Run a rollout runner of a cluster (spec rollout.workers {\"kind\": \"cluster\"}) until Ctrl-C.",
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
    run: (args) => Effect.promise(() => import("./Worker.js")).pipe(Effect.flatMap((m) => m.worker(args)))
  }
]

const topHelp = [
  "usage: epo <command> [arguments] [options]",
  "",
  "EPO: entropy-regularized policy optimisation for multi-turn LLM agents.",
  "",
  "commands:",
  ...commands.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
  "",
  "Run `epo <command> --help` for a command's arguments and options."
].join("\n")

const oneLine = (error: unknown): string => {
  const text = typeof error === "object" && error !== null && "toString" in error && error.toString !== Object.prototype.toString ? String(error) : error instanceof Error ? error.message : JSON.stringify(error)
  return text.replace(/\s*\n\s*/g, " ")
}

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp + "\n")
    return name === undefined ? 2 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (command === undefined) {
    process.stderr.write(`epo: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(", ")}; see epo --help)\n`)
    return 2
  }
  const parsed = parse(command, rest)
  if (!("positionals" in parsed)) {
    process.stderr.write(`epo ${oneLine(parsed)}\n`)
    return 2
  }
  if (parsed.flags.has("help")) {
    process.stdout.write(help(command) + "\n")
    return 0
  }
  const exit = await Effect.runPromiseExit(command.run(parsed))
  if (Exit.isSuccess(exit)) return 0
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) {
    process.stderr.write(`epo ${name}: ${oneLine(failure.error)}\n`)
    return 1
  }
  const defect = exit.cause.reasons.find(Cause.isDieReason)
  process.stderr.write(`epo ${name}: internal error: ${oneLine(defect?.defect ?? "interrupted")}${process.env.EPO_DEBUG ? "" : " (set EPO_DEBUG=1 for details)"}\n`)
  if (process.env.EPO_DEBUG) process.stderr.write(Cause.pretty(exit.cause) + "\n")
  return 1
}

// tfjs prints a banner suggesting tfjs-node on first use of the cpu backend; the command
// already says which backend runs and why.
tf.env().set("PROD", true)
process.exitCode = await main(process.argv.slice(2))
