import { it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"
import * as Spec from "../spec/Spec.js"
import { metricsOf, sharded } from "../testing/ShardedRuns.js"
import { grpoEpo } from "../testing/TinySpecs.js"
import { shardsOf } from "./Shards.js"
import * as Threads from "./Threads.js"

describe("rollouts", () => {
  it("shards cut the groups into contiguous batches covering each group once", () => {
    const spec = Effect.runSync(Spec.decode({ rollout: { groups: 5, shards: 3 } }))
    const shards = shardsOf(spec, 0)
    expect(shards.map((s) => [s.first, s.games.length])).toEqual([[0, 1], [1, 2], [3, 2]])
    expect(shards.flatMap((s) => s.games)).toEqual(shardsOf({ ...spec, rollout: { ...spec.rollout, shards: 1 } }, 0)[0].games)
  })

  it.effect("the spec rejects more shards than groups and an unknown provider", () =>
    Effect.gen(function* () {
      const error = yield* Spec.decode({ rollout: { groups: 2, shards: 3 } }).pipe(Effect.flip)
      expect(error.issues.map((i) => i.path)).toEqual(["rollout.shards"])
      const unknown = yield* Spec.decode({ rollout: { workers: { kind: "gpus" } } }).pipe(Effect.flip)
      expect(unknown.issues).toEqual([{ path: "rollout.workers.kind", message: 'unknown kind "gpus" (known: in-process, threads, cluster)' }])
    })
  )

  it.effect("a run's metrics are bitwise identical in-process and on 2 worker threads (cpu backend)", () =>
    Effect.gen(function* () {
      const local = yield* metricsOf(sharded({ kind: "in-process" }))
      const threads = yield* metricsOf(sharded({ kind: "threads", count: 2 }))
      expect(local).toHaveLength(2)
      expect(threads).toEqual(local)
    }),
    // Two runs and two threads that each load the sources: about a minute on 2 idle cores.
    { timeout: 300_000 }
  )

  it.effect("a worker thread that cannot start fails the provider with the reason", () =>
    Effect.gen(function* () {
      const spec = yield* Spec.decode({ ...grpoEpo, policy: { checkpoint: "/nonexistent/checkpoint" } })
      const error = yield* Layer.build(Threads.layer(spec, 1)).pipe(Effect.scoped, Effect.flip)
      expect(String(error)).toMatch(/^rollout: rollout thread 0: cannot start: .*nonexistent/)
    })
  )
})
