/**
 * What plays shards away from the trainer (a worker thread, a cluster runner): the spec's
 * backend, environment, policy and tokenizer, built once, with the trainer's weights
 * assigned before each step's shards.
 */
import { Backend } from "@epo/core"
import type { TensorBackend } from "@epo/core"
import type { Environment } from "@epo/env"
import { Policy, type Safetensors } from "@epo/policy"
import { Cause, Effect, Layer, ManagedRuntime } from "effect"
import * as Environments from "../spec/Environments.js"
import { Codec, layer as modelLayer, restoreWeights } from "../train/Model.js"
import type { PipelineSpec } from "../spec/Spec.js"
import * as Shards from "./Shards.js"

/** A failure's one-line description (the team's errors have a one-line `toString`). */
export const describe = (cause: Cause.Cause<unknown>): string => String(Cause.squash(cause)).split("\n")[0]

export interface Player {
  /** Builds the services: fails with the reason when they cannot be built. */
  readonly ready: Effect.Effect<void, string>
  readonly setWeights: (arrays: Safetensors.NamedArrays) => Effect.Effect<void, string>
  readonly play: (step: number, shard: number) => Effect.Effect<Shards.ShardResult, string>
  readonly dispose: Effect.Effect<void>
}

export const make = (spec: PipelineSpec): Player => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(Environments.layer(spec), modelLayer(spec)).pipe(Layer.provideMerge(Backend.layer(spec.backend)))
  )
  const run = <A, E>(effect: Effect.Effect<A, E, TensorBackend | Environment | Policy | Codec>) =>
    Effect.promise(() => runtime.runPromiseExit(effect)).pipe(Effect.flatMap((exit) => (exit._tag === "Success" ? Effect.succeed(exit.value) : Effect.fail(describe(exit.cause)))))
  return {
    ready: run(Effect.void),
    setWeights: (arrays) =>
      run(
        Effect.gen(function* () {
          const policy = yield* Policy
          yield* restoreWeights(policy.variables, arrays, "the trainer's weights")
        })
      ),
    play: (step, index) =>
      run(
        Effect.gen(function* () {
          const format = yield* Environments.promptFormat(spec)
          return yield* Shards.play(spec, step, Shards.shardsOf(spec, step)[index], yield* Policy, yield* Codec, format)
        })
      ),
    dispose: Effect.promise(() => runtime.dispose())
  }
}
