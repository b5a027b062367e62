/**
 * The cluster provider of Rollouts (Effect's cluster, unstable in effect 4.1: versions
 * pinned): every shard of a step is one message to a `RolloutShard` entity, whose id is
 * the run, step and shard. The cluster hashes the id to one of its shards, owned by one of
 * the runner processes (`epo worker --cluster URL`, any number, on any machines);
 * PostgreSQL holds the runners, the shard locks and the message bookkeeping. A message
 * carries the spec, k, the shard's index and the policy's weights (safetensors bytes); the
 * reply is the shard's trajectories. A runner that dies loses its shard locks; the shards
 * move to the live runners, and the trainer sends the lost shard's message again: its
 * episodes are replayed from their keys, so the step's trajectories are unchanged.
 */
import { NodeClusterSocket } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { Safetensors } from "@epo/policy"
import { randomUUID } from "node:crypto"
import * as v8 from "node:v8"
import { type Cause, type Duration, Effect, Layer, Option, Redacted, Schedule, Schema, Semaphore } from "effect"
import { Entity, RunnerAddress } from "effect/cluster"
import { Rpc } from "effect/rpc"
import * as Spec from "../spec/Spec.js"
import * as Player from "./Player.js"
import { RolloutError, Rollouts } from "./Rollouts.js"
import * as Shards from "./Shards.js"

/** Play one shard: `spec` is the JSON form, `weights` a safetensors file; the reply is the shard's result (Node's serialisation). */
export const Play = Rpc.make("Play", {
  payload: { spec: Schema.String, step: Schema.Int, shard: Schema.Int, weights: Schema.Uint8Array },
  success: Schema.Uint8Array,
  error: Schema.String
})

export const RolloutShard = Entity.make("RolloutShard", [Play])

const database = (url: string) => PgClient.layer({ url: Redacted.make(url) })

// The runner's player: rebuilt when a message brings another spec.
let current: { readonly spec: string; readonly player: Player.Player } | undefined

const playerFor = (json: string) =>
  Effect.gen(function* () {
    if (current?.spec === json) return current.player
    if (current !== undefined) yield* current.player.dispose
    const spec = yield* Spec.decode(JSON.parse(json), "the trainer's spec").pipe(Effect.mapError(String))
    const player = Player.make(spec)
    current = { spec: json, player }
    yield* player.ready
    return player
  })

/** The entity's handler: one shard at a time on a runner (one core's worth of work). */
const handlers = Effect.gen(function* () {
  const one = yield* Semaphore.make(1)
  return RolloutShard.of({
    Play: ({ payload }) =>
      Effect.gen(function* () {
        yield* Effect.logInfo(`playing shard ${payload.shard} of step ${payload.step}`)
        const player = yield* playerFor(payload.spec)
        const weights = yield* Safetensors.parse(payload.weights, "the trainer's weights").pipe(Effect.mapError(String))
        yield* player.setWeights(weights.arrays)
        const result = yield* player.play(payload.step, payload.shard)
        return new Uint8Array(v8.serialize(result))
      }).pipe(one.withPermits(1))
  })
})

export interface RunnerOptions {
  /** The PostgreSQL database of the cluster, `postgres://user@host:port/db`. */
  readonly url: string
  /** The address other processes reach this runner at. */
  readonly host: string
  readonly port: number
  /** The address to listen on (default: host:port). */
  readonly listenHost?: string | undefined
}

/** A runner process: hosts RolloutShard entities until interrupted. */
export const runner = (options: RunnerOptions) =>
  RolloutShard.toLayer(handlers).pipe(
    Layer.provide(
      NodeClusterSocket.layer({
        storage: "sql",
        shardingConfig: {
          runnerAddress: Option.some(RunnerAddress.make(options.host, options.port)),
          runnerListenAddress: Option.some(RunnerAddress.make(options.listenHost ?? options.host, options.port))
        }
      })
    ),
    Layer.provide(database(options.url))
  )

const toRolloutError = (cause: Cause.Cause<unknown>) => Layer.effect(Rollouts, Effect.fail(new RolloutError({ reason: `cluster: ${Player.describe(cause)}` })))

/**
 * The trainer's side: a client of the cluster at `url` (no entities of its own). A shard
 * whose message fails for a reason of the cluster (its runner died, its shard is moving)
 * is sent again every `retry` until it is played; a failure of the shard itself (an
 * environment error, bad weights) fails the step.
 */
export const layer = (spec: Spec.PipelineSpec, url: string, retry: Duration.Input = "1 second"): Layer.Layer<Rollouts, RolloutError> =>
  Layer.effect(
    Rollouts,
    Effect.gen(function* () {
      const clientFor = yield* RolloutShard.client
      const run = randomUUID()
      const json = JSON.stringify(Spec.encode(spec))
      return {
        collect: ({ step, policy }) =>
          Effect.gen(function* () {
            const tensors = yield* Safetensors.fromTensors(policy.variables, "the policy").pipe(Effect.mapError((e) => new RolloutError({ reason: String(e) })))
            const weights = Safetensors.serialize(tensors)
            const results = yield* Effect.forEach(
              Shards.shardsOf(spec, step),
              (shard) =>
                clientFor(`${run}/${step}/${shard.index}`)
                  .Play({ spec: json, step, shard: shard.index, weights })
                  .pipe(
                    Effect.mapError((e) => (typeof e === "string" ? new RolloutError({ reason: `shard ${shard.index}: ${e}` }) : e)),
                    Effect.retry({ while: (e) => !(e instanceof RolloutError), schedule: Schedule.spaced(retry) }),
                    Effect.mapError((e) => (e instanceof RolloutError ? e : new RolloutError({ reason: `shard ${shard.index}: ${String(e)}` }))),
                    Effect.map((bytes) => v8.deserialize(bytes) as Shards.ShardResult)
                  ),
              { concurrency: "unbounded" }
            )
            return Shards.merge(results)
          })
      }
    })
  ).pipe(
    Layer.provide(NodeClusterSocket.layer({ clientOnly: true, storage: "sql" })),
    Layer.provide(database(url)),
    Layer.catchCause(toRolloutError)
  )
