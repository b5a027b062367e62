import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import type { MetricsRecord } from "../Records.js"
import * as Runs from "../Runs.js"
import * as Spec from "../Spec.js"
import * as Postgres from "../testing/Postgres.js"
import { grpoEpo } from "../testing/TinySpecs.js"
import * as Train from "../Train.js"

const epo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../bin/epo.mjs")
const deterministicPart = (r: MetricsRecord) => JSON.stringify({ step: r.step, values: r.values, turns: r.turns })

/** The tiny GRPO+EPO run with 4 groups in 2 shards, 2 steps. */
const sharded = (workers: unknown) => ({
  ...grpoEpo,
  totalSteps: 2,
  rollout: { ...grpoEpo.rollout, groups: 4, shards: 2, workers },
  evaluation: { ...grpoEpo.evaluation, every: 0, atStart: false }
})

const metricsOf = (input: unknown) =>
  Effect.gen(function* () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epo-cluster-"))
    yield* Train.run({ spec: yield* Spec.decode(input), dir })
    return (yield* Runs.load(dir)).metrics.map(deterministicPart)
  })

/** `epo worker` processes for the scope (killed at its end), with their output so far. */
const runners = (url: string, count: number) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      Array.from({ length: count }, (_, i) => {
        const child = spawn(process.execPath, [epo, "worker", "--cluster", url, "--port", String(34600 + i + 10 * (process.pid % 100))], { stdio: ["ignore", "pipe", "pipe"] })
        const runner = { child, output: "" }
        child.stdout!.on("data", (d) => (runner.output += String(d)))
        child.stderr!.on("data", (d) => (runner.output += String(d)))
        return runner
      })
    ),
    (all) => Effect.sync(() => all.forEach((r: { child: ChildProcess }) => r.child.exitCode === null && r.child.kill("SIGKILL")))
  )

const hasPostgres = Postgres.binaries() !== undefined

// Real processes on localhost: a private PostgreSQL server and `epo worker` runners.
describe.skipIf(!hasPostgres)("cluster rollouts (PostgreSQL, runner processes)", () => {
  it.effect(
    "a run's metrics are bitwise identical in-process and on 2 cluster runners (cpu backend)",
    () =>
      Effect.gen(function* () {
        const local = yield* metricsOf(sharded({ kind: "in-process" }))
        const { url } = yield* Postgres.server
        yield* runners(url, 2)
        const cluster = yield* metricsOf(sharded({ kind: "cluster", url }))
        expect(local).toHaveLength(2)
        expect(cluster).toEqual(local)
      }).pipe(Effect.scoped),
    { timeout: 600_000 }
  )

  it.effect(
    "a runner killed while it plays a shard loses no episode: the run's metrics are unchanged",
    () =>
      Effect.gen(function* () {
        const local = yield* metricsOf(sharded({ kind: "in-process" }))
        const { url } = yield* Postgres.server
        const all = yield* runners(url, 2)
        // Kill the first runner that starts playing a shard of step 1.
        let killed = -1
        const watch = setInterval(() => {
          const i = all.findIndex((r) => r.output.includes("of step 1"))
          if (i >= 0 && killed < 0) {
            killed = i
            all[i].child.kill("SIGKILL")
          }
        }, 20)
        const cluster = yield* metricsOf(sharded({ kind: "cluster", url })).pipe(Effect.ensuring(Effect.sync(() => clearInterval(watch))))
        expect(killed).toBeGreaterThanOrEqual(0)
        expect(all[killed].child.signalCode).toBe("SIGKILL")
        expect(cluster).toEqual(local)
      }).pipe(Effect.scoped),
    { timeout: 600_000 }
  )
})
