/**
 * The Rollouts service: plays the training episodes of update step k with the current
 * policy and returns their trajectories. The providers differ only in where the step's
 * shards (Shards.ts) are played: in this process, one after the other (the default), or
 * on worker threads (Threads.ts) that receive the policy's weights each step. The
 * trajectories, hence a run's metrics, are the same whichever provider plays them.
 */
import { type ConfigError } from "@epo/core"
import { Environment, type EnvironmentError, type Runner } from "@epo/env"
import type { Prompt } from "@epo/household"
import type { PolicyShape } from "@epo/policy"
import { Context, Data, Effect, Layer } from "effect"
import type { AgentError, TextCodec } from "./Agent.js"
import type { PipelineSpec } from "../spec/Spec.js"
import * as Shards from "./Shards.js"

export class RolloutError extends Data.TaggedError("RolloutError")<{ readonly reason: string }> {
  override toString(): string {
    return `rollout: ${this.reason}`
  }
}

export interface RolloutRequest {
  readonly spec: PipelineSpec
  readonly step: number
  readonly policy: PolicyShape
  readonly codec: TextCodec
  readonly format: Prompt.PromptFormat
}

export type RolloutFailure = RolloutError | AgentError | EnvironmentError | Runner.RunnerError | ConfigError

export interface RolloutsShape {
  /** The trajectories of step k's N x G episodes, groups in order. */
  readonly collect: (request: RolloutRequest) => Effect.Effect<Shards.ShardResult, RolloutFailure>
}

export class Rollouts extends Context.Service<Rollouts, RolloutsShape>()("@epo/pipeline/Rollouts") {}

/** Every shard in this process, with the trainer's policy and the Environment service. */
export const inProcess: Layer.Layer<Rollouts, never, Environment> = Layer.effect(
  Rollouts,
  Effect.gen(function* () {
    const environment = yield* Environment
    return {
      collect: ({ spec, step, policy, codec, format }) =>
        Effect.forEach(Shards.shardsOf(spec, step), (shard) => Shards.play(spec, step, shard, policy, codec, format)).pipe(
          Effect.map(Shards.merge),
          Effect.provideService(Environment, environment)
        )
    }
  })
)
