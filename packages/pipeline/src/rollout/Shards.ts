/**
 * A step's rollout as shards: the N groups of step k cut into `rollout.shards` contiguous
 * batches, each played as one batched run of the grouped runner with its own key. A
 * shard's episodes, their keys and the batches the policy sees are functions of the spec,
 * k and the shard's index only, so a shard gives the same trajectories bit for bit
 * (cpu backend) whichever process or thread plays it; the batch matters, since tfjs's
 * matmul sums in blocks whose bounds move with the batch's padding. One shard keeps the
 * unsharded run's key, so `shards: 1` is exactly the rollout of an unsharded run.
 */
import { Random } from "@epo/core"
import { type GameRef, Runner } from "@epo/env"
import type { Prompt } from "@epo/household"
import type { PolicyShape } from "@epo/policy"
import { Effect } from "effect"
import { agent, type AgentDecision, type TextCodec } from "./Agent.js"
import { gamesOf, stepKey } from "../spec/RunKeys.js"
import type { PipelineSpec } from "../spec/Spec.js"

export interface Shard {
  readonly index: number
  /** The step's index of the shard's first group. */
  readonly first: number
  readonly games: ReadonlyArray<GameRef>
}

export type ShardResult = Runner.RunResult<AgentDecision>

/** The shards of step k: shard s of S holds groups floor(sN/S) .. floor((s+1)N/S) - 1. */
export const shardsOf = (spec: PipelineSpec, step: number): Array<Shard> => {
  const games = gamesOf(spec, step)
  const S = spec.rollout.shards
  return Array.from({ length: S }, (_, s) => {
    const first = Math.floor((s * games.length) / S)
    return { index: s, first, games: games.slice(first, Math.floor(((s + 1) * games.length) / S)) }
  })
}

/** The sampling key of shard s at step k. */
export const shardKey = (spec: PipelineSpec, step: number, index: number): Random.Key => {
  const key = stepKey(spec, "rollout", step)
  return spec.rollout.shards === 1 ? key : Random.fold(key, index)
}

/** Plays one shard with `policy`; its groups keep their step-wide indices. */
export const play = (spec: PipelineSpec, step: number, shard: Shard, policy: PolicyShape, codec: TextCodec, format: Prompt.PromptFormat) =>
  Runner.run(
    shard.games,
    // The environment's step limit is the turn limit, so every episode ends with `done`.
    { groupSize: spec.rollout.groupSize, maxTurns: spec.environment.maxTurns, maxSteps: spec.environment.maxTurns },
    agent(policy, codec, format, spec.rollout, spec.policy, shardKey(spec, step, shard.index))
  ).pipe(
    Effect.map((result): ShardResult => ({
      turns: result.turns,
      groups: result.groups.map((g) => ({ ...g, group: g.group + shard.first, members: g.members.map((m) => ({ ...m, group: m.group + shard.first })) }))
    }))
  )

/** The step's rollout from its shards' results, in shard order (`turns`: policy calls of all shards). */
export const merge = (parts: ReadonlyArray<ShardResult>): ShardResult => ({
  groups: parts.flatMap((p) => p.groups),
  turns: parts.reduce((n, p) => n + p.turns, 0)
})
