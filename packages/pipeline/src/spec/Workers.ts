/**
 * Where a step's rollout shards run (the spec's `rollout.workers`): in the trainer's
 * process (the default), on a pool of worker threads of this host, or on the runner
 * processes of an Effect cluster (rollout/Cluster.ts). The provider never
 * changes a run's results: those depend on the shards (`rollout.shards`), not on where
 * they are played (rollout/Shards.ts).
 */
import { Schema } from "effect"

export const workerKinds = ["in-process", "threads", "cluster"] as const

export const WorkersSpec = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("in-process") }),
  Schema.Struct({
    kind: Schema.Literal("threads"),
    /** Worker threads; each holds its own environment and a copy of the policy. */
    count: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))
  }),
  Schema.Struct({
    kind: Schema.Literal("cluster"),
    /** The cluster's PostgreSQL database, `postgres://user@host:port/db`; runners: `epo worker --cluster URL`. */
    url: Schema.String.pipe(Schema.check(Schema.isStartingWith("postgres")))
  })
])
export type WorkersSpec = typeof WorkersSpec.Type
