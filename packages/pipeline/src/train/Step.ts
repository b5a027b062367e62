/**
 * One update step k of a run:
 *   1. collect N groups x G episodes from the Rollouts service (games and sampling keys
 *      folded from the seed, k and the shard),
 *   2. shape rewards, run the behaviour and reference passes, estimate advantages,
 *   3. run the PPO epochs with the objective at context {k, K, Hbar^{W_k}} (and the
 *      released variant's per-turn reference, current step included),
 *   4. record Hbar_k in the entropy histories and update the KL controller,
 * and return the step's metrics record with the new trainer and optimiser states.
 */
import { Tensors } from "@epo/core"
import { EntropyHistory, type KlController } from "@epo/objective"
import type { Prompt } from "@epo/household"
import { type AdamW, Params, type PolicyShape } from "@epo/policy"
import { Effect } from "effect"
import type { TextCodec } from "../rollout/Agent.js"
import type { OptimiserShape } from "./Optimiser.js"
import type { MetricsRecord } from "../runs/Records.js"
import * as Rows from "./Rows.js"
import { Rollouts } from "../rollout/Rollouts.js"
import { stepKey } from "../spec/RunKeys.js"
import type { PipelineSpec } from "../spec/Spec.js"
import type { TrainerState } from "./TrainerState.js"
import type { TrainingObjectiveShape } from "./TrainingObjective.js"
import * as Update from "./Update.js"

export interface StepInput {
  readonly spec: PipelineSpec
  /** The 0-based update step. */
  readonly step: number
  readonly policy: PolicyShape
  /** The frozen KL reference, when the objective has a KL term. */
  readonly reference: PolicyShape | undefined
  readonly codec: TextCodec
  readonly format: Prompt.PromptFormat
  readonly objective: TrainingObjectiveShape
  readonly optimiser: OptimiserShape
  readonly controller: { readonly update: (state: KlController.State, kl: number, n: number) => KlController.State }
  readonly trainer: TrainerState
  readonly optimiserState: AdamW.AdamWState
}

export interface StepOutput {
  readonly record: MetricsRecord
  readonly trainer: TrainerState
  readonly optimiserState: AdamW.AdamWState
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null)
const seconds = (since: number) => (performance.now() - since) / 1000
const mean = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]
  return s / xs.length
}

/** e^θ of a learned choice scale after the update (`policy/scale`), when the policy has one. */
const choiceScale = (policy: PolicyShape): Effect.Effect<Record<string, number>> => {
  const theta = policy.variables.get(Params.choiceScale)
  return theta === undefined ? Effect.succeed({}) : Effect.map(Tensors.read([theta]), ([value]) => ({ "policy/scale": Math.exp(value![0]!) }))
}

export const run = (input: StepInput) =>
  Effect.gen(function* () {
    const { spec, step: k, policy, trainer } = input
    const hasKl = spec.objective.kl !== undefined
    const started = performance.now()
    const result = yield* (yield* Rollouts).collect({ spec, step: k, policy, codec: input.codec, format: input.format })
    const { rows, trajectories } = Rows.fromRun(result, spec.rewards)
    const rollout = seconds(started)

    const preparing = performance.now()
    const scoring = Update.scoringOf(spec)
    const old = Update.recorded(rows, spec.objective.value !== undefined) ?? (yield* Update.pass(policy, rows, scoring, Update.passLimits(spec)))
    const reference = input.reference === undefined ? undefined : yield* Update.pass(input.reference, rows, scoring, Update.passLimits(spec))
    const { advantages, returns } = yield* Update.advantages(spec, rows, old)
    const prepare = seconds(preparing)

    const stats = Rows.entropyStats(rows.turn, old.entropy)
    const entropyReference = EntropyHistory.paper.reference(trainer.entropyHistory)
    const turnHistory = EntropyHistory.released.update(trainer.turnEntropyHistory, stats.byTurn.mean.map((m) => m ?? undefined))
    const learningRate = input.optimiser.learningRate(k)
    const updating = performance.now()
    const updated = yield* Update.update({
      spec,
      policy,
      rows,
      old,
      reference,
      advantages,
      returns,
      objective: input.objective.term(hasKl ? trainer.kl.coefficient : undefined),
      context: { step: k, totalSteps: spec.totalSteps, entropyReference, turnEntropyReference: EntropyHistory.released.reference(turnHistory) },
      optimiser: input.optimiser,
      state: input.optimiserState,
      learningRate,
      key: stepKey(spec, "update", k)
    })
    const update = seconds(updating)

    const klMeasured = updated.metrics.kl
    const next: TrainerState = {
      completedSteps: k + 1,
      entropyHistory: EntropyHistory.paper.update(trainer.entropyHistory, stats.mean),
      turnEntropyHistory: turnHistory,
      kl: hasKl && klMeasured !== undefined ? input.controller.update(trainer.kl, klMeasured, rows.size) : trainer.kl
    }
    const values: Record<string, number | null> = {
      "reward/mean": mean(trajectories.map((t) => t.reward)),
      "success/rate": mean(trajectories.map((t) => (t.won ? 1 : 0))),
      "episode/turns": mean(trajectories.map((t) => t.turns)),
      "invalid/format": 1 - mean(rows.valid),
      "invalid/command": 1 - mean(rows.admissible),
      "batch/rows": rows.size,
      "batch/tokens": rows.length.reduce((s, n) => s + n, 0),
      "advantage/mean": mean(advantages),
      "entropy/mean": finite(stats.mean),
      "entropy/variance": finite(stats.variance),
      "entropy/turnVariance": finite(stats.turnVariance),
      "entropy/reference": entropyReference ?? null,
      "optim/lr": learningRate,
      "optim/gradNorm": finite(updated.gradNorm),
      ...(hasKl ? { "kl/coefficient": trainer.kl.coefficient } : {}),
      ...(yield* choiceScale(policy)),
      ...Object.fromEntries(Object.entries(updated.metrics).map(([name, v]) => [`objective/${name}`, finite(v)]))
    }
    const output: StepOutput = {
      record: {
        step: k,
        values,
        turns: { entropyMean: stats.byTurn.mean.map((m) => (m === null ? null : finite(m))), entropyVariance: stats.byTurn.variance, tokens: stats.byTurn.tokens },
        timings: { rollout, prepare, update, total: seconds(started) }
      },
      trainer: next,
      optimiserState: updated.state
    }
    return output
  })
