/**
 * Evaluation on the fixed evaluation sets of the spec's splits: one episode per game
 * (groups of one), sampled at the evaluation temperature with a key that is the same at
 * every evaluation of a run, so two evaluations differ only by the policy. Reports the
 * success rate overall and per task type, and on request every episode's transcript.
 */
import { Random } from "@epo/core"
import { Environment, Runner } from "@epo/env"
import type { Prompt } from "@epo/household"
import type { PolicyShape } from "@epo/policy"
import { Effect } from "effect"
import { type AgentDecision, agent, type TextCodec } from "./Agent.js"
import type { EvaluationRecord, Transcript } from "../runs/Records.js"
import type { PipelineSpec } from "../spec/Spec.js"

export interface EvaluationInput {
  readonly spec: PipelineSpec
  readonly policy: PolicyShape
  readonly codec: TextCodec
  readonly format: Prompt.PromptFormat
  /** Update steps completed, recorded with the result. */
  readonly step: number
  readonly key: Random.Key
  /** Splits to evaluate (default: the spec's). */
  readonly splits?: ReadonlyArray<string>
}

const summarise = (split: string, step: number, result: Runner.RunResult<AgentDecision>, seconds: number): EvaluationRecord => {
  const members = result.groups.flatMap((g) => g.members)
  const byTaskType: Record<string, { episodes: number; successes: number }> = {}
  for (const m of members) {
    const entry = (byTaskType[m.taskType] ??= { episodes: 0, successes: 0 })
    entry.episodes++
    if (m.won) entry.successes++
  }
  const successes = members.filter((m) => m.won).length
  return {
    step,
    split,
    episodes: members.length,
    successes,
    success: members.length === 0 ? null : successes / members.length,
    meanTurns: members.length === 0 ? null : members.reduce((s, m) => s + m.turns.length, 0) / members.length,
    byTaskType: Object.fromEntries(Object.entries(byTaskType).sort(([a], [b]) => a.localeCompare(b))),
    seconds
  }
}

const transcriptsOf = (split: string, result: Runner.RunResult<AgentDecision>): Array<Transcript> =>
  result.groups.flatMap((g) =>
    g.members.map((m) => ({
      split,
      gameId: m.gameId,
      taskType: m.taskType,
      task: m.task,
      won: m.won,
      turns: m.turns.map((t) => ({ observation: t.observation, command: t.command, valid: t.valid, reward: t.reward, done: t.done })),
      finalObservation: m.memory.observation
    }))
  )

/** Evaluates the policy on each split: per split its record and its episodes' transcripts. */
export const evaluateWithTranscripts = (input: EvaluationInput) =>
  Effect.gen(function* () {
    const env = yield* Environment
    const { spec } = input
    const sampling = { temperature: spec.evaluation.temperature, topK: spec.rollout.topK, topP: spec.rollout.topP, maxNewTokens: spec.rollout.maxNewTokens }
    const records: Array<{ readonly record: EvaluationRecord; readonly transcripts: ReadonlyArray<Transcript> }> = []
    for (const [s, split] of (input.splits ?? spec.evaluation.splits).entries()) {
      const started = performance.now()
      const all = yield* env.evaluationSet(split)
      const games = spec.evaluation.games > 0 ? all.slice(0, spec.evaluation.games) : all
      const result = yield* Runner.run(
        games,
        { groupSize: 1, maxTurns: spec.environment.maxTurns, maxSteps: spec.environment.maxTurns },
        agent(input.policy, input.codec, input.format, sampling, spec.policy, Random.fold(input.key, s))
      )
      records.push({ record: summarise(split, input.step, result, (performance.now() - started) / 1000), transcripts: transcriptsOf(split, result) })
    }
    return records
  })

/** Evaluates the policy on each split; one record per split. */
export const evaluate = (input: EvaluationInput) => Effect.map(evaluateWithTranscripts(input), (splits) => splits.map((s) => s.record))
