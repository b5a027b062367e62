/**
 * The run's randomness: independent Random keys derived from the spec's seed, one per
 * consumer, each folded with the step where it is used per step. Nothing else in a run is
 * random, which is what makes a run reproducible and a resumed run identical.
 */
import { Random } from "@epo/core"
import type { GameRef } from "@epo/env"
import type { PipelineSpec } from "./Spec.js"

const streams = { init: 0, rollout: 1, update: 2, evaluation: 3, warmStart: 4, games: 5 } as const
export type StreamName = keyof typeof streams

export const keyOf = (spec: PipelineSpec, stream: StreamName): Random.Key => Random.fold(Random.key(spec.seed), streams[stream])

/** The evaluation's key: from `evaluation.seed` when the spec pins one, else from the run seed. */
export const evaluationKey = (spec: PipelineSpec): Random.Key =>
  spec.evaluation.seed === undefined ? keyOf(spec, "evaluation") : Random.fold(Random.key(spec.evaluation.seed), streams.evaluation)

/** The key of `stream` at update step `step`. */
export const stepKey = (spec: PipelineSpec, stream: StreamName, step: number): Random.Key => Random.fold(keyOf(spec, stream), step)

/** The training games of step k: one seed of the training split per group. */
export const gamesOf = (spec: PipelineSpec, step: number): Array<GameRef> => {
  const key = stepKey(spec, "games", step)
  return Array.from({ length: spec.rollout.groups }, (_, g) => ({ _tag: "Seed" as const, split: spec.environment.split, seed: Random.bits(key, g) % 1_000_000_000 }))
}
