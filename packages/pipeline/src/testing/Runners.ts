/**
 * `epo worker --cluster URL` runner processes on localhost, for tests and benchmarks: they
 * live for the scope (SIGKILLed at its end) and keep their output so far, so a test can
 * wait for a line or kill one of them on purpose.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { Effect } from "effect"

const epo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../bin/epo.mjs")

export interface RunnerProcess {
  readonly child: ChildProcess
  readonly output: string
}

/** `count` runners of the cluster at `url`, on ports from `firstPort` up. */
export const start = (url: string, count: number, firstPort: number) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      Array.from({ length: count }, (_, i): RunnerProcess => {
        const child = spawn(process.execPath, [epo, "worker", "--cluster", url, "--port", String(firstPort + i)], { stdio: ["ignore", "pipe", "pipe"] })
        const runner = { child, output: "" }
        child.stdout!.on("data", (d) => (runner.output += String(d)))
        child.stderr!.on("data", (d) => (runner.output += String(d)))
        return runner
      })
    ),
    (all) => Effect.sync(() => all.forEach((r) => r.child.exitCode === null && r.child.signalCode === null && r.child.kill("SIGKILL")))
  )
