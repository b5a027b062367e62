import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import * as Postgres from "../testing/Postgres.js"
import * as Runners from "../testing/Runners.js"
import { metricsOf, sharded } from "../testing/ShardedRuns.js"

// Where Debian's postgresql is installed (.ci/run installs it); about a minute on 2 idle
// cores, most of it the fault test waiting for the dead runner's shards to move.
// EPO_CLUSTER_TESTS=0 skips them.
const enabled = Postgres.binaries() !== undefined && process.env.EPO_CLUSTER_TESTS !== "0"

// Real processes on localhost: a private PostgreSQL server and `epo worker` runners. `it.live`:
// the cluster polls and retries on the real clock, which `it.effect`'s test clock would stop.
describe.skipIf(!enabled)("cluster rollouts (PostgreSQL, runner processes)", () => {
  it.live(
    "a run's metrics are bitwise identical in-process and on 2 cluster runners (cpu backend)",
    () =>
      Effect.gen(function* () {
        const local = yield* metricsOf(sharded({ kind: "in-process" }))
        const { url } = yield* Postgres.server
        yield* Runners.start(url, 2, 34600)
        const cluster = yield* metricsOf(sharded({ kind: "cluster", url }))
        expect(local).toHaveLength(2)
        expect(cluster).toEqual(local)
      }).pipe(Effect.scoped),
    { timeout: 600_000 }
  )

  it.live(
    "a runner killed while it plays a shard loses no episode: the run's metrics are unchanged",
    () =>
      Effect.gen(function* () {
        const local = yield* metricsOf(sharded({ kind: "in-process" }))
        const { url } = yield* Postgres.server
        const all = yield* Runners.start(url, 2, 34600)
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
