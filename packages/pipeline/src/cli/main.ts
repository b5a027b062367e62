/**
 * The `epo` command: train, eval, report, compare (Cli.ts). `epo --help` and an unknown
 * command are answered here, before the commands and the tensor library load.
 */
import { isCommandName, summaries } from "./Summaries.js"

const topHelp = [
  "usage: epo <command> [arguments] [options]",
  "",
  "EPO: entropy-regularized policy optimisation for multi-turn LLM agents.",
  "",
  "commands:",
  ...Object.entries(summaries).map(([name, summary]) => `  ${name.padEnd(8)} ${summary}`),
  "",
  "Run `epo <command> --help` for a command's arguments and options."
].join("\n")

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp + "\n")
    return name === undefined ? 2 : 0
  }
  if (!isCommandName(name)) {
    process.stderr.write(`epo: unknown command "${name}" (commands: ${Object.keys(summaries).join(", ")}; see epo --help)\n`)
    return 2
  }
  const { run } = await import("./Cli.js")
  return run(name, rest)
}

process.exitCode = await main(process.argv.slice(2))
