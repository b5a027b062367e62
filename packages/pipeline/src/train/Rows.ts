/**
 * A rollout as training rows (CONTRACTS.md): one row per turn of each trajectory,
 * trajectories numbered 0..B-1 in (group, member) order, turns in order. Rewards are
 * shaped here: the environment's success reward times `scale` on the turn it was given,
 * minus the format penalty on every turn whose answer broke the prompt's format
 * (verl-agent's invalid-action penalty).
 */
import type { Runner } from "@epo/env"
import { type Action, actionLength, type AgentDecision } from "../rollout/Agent.js"

export interface Rows {
  readonly size: number
  readonly prompt: ReadonlyArray<Int32Array>
  /** What the policy did (a response, or a choice among candidates). */
  readonly action: ReadonlyArray<Action>
  /** Entries of the [S, L] layout each row occupies (response tokens, or 1 for a choice). */
  readonly length: Int32Array
  readonly trajectory: Int32Array
  readonly turn: Int32Array
  readonly group: Int32Array
  /** Shaped reward of each row. */
  readonly rewards: Float64Array
  /** The observation each row acted on (GiGPO's anchor state). */
  readonly anchors: ReadonlyArray<string>
  /** 1 where the answer kept to the prompt's format. */
  readonly valid: Uint8Array
  /** 1 where the environment accepted the command (it was admissible). */
  readonly admissible: Uint8Array
  /** Rollout token entropies of each row's response. */
  readonly entropy: ReadonlyArray<Float32Array>
  /** Rollout log-probabilities of each row's entries. */
  readonly logp: ReadonlyArray<Float32Array>
  /** Rollout critic values of each row's entries, when every decision recorded them. */
  readonly values?: ReadonlyArray<Float32Array> | undefined
}

export interface TrajectorySummary {
  readonly group: number
  readonly taskType: string
  readonly won: boolean
  readonly turns: number
  /** Sum of the shaped rewards. */
  readonly reward: number
}

export interface RewardShaping {
  readonly scale: number
}

export const fromRun = (result: Runner.RunResult<AgentDecision>, shaping: RewardShaping): { readonly rows: Rows; readonly trajectories: ReadonlyArray<TrajectorySummary> } => {
  const prompt: Array<Int32Array> = []
  const action: Array<Action> = []
  const trajectory: Array<number> = []
  const turn: Array<number> = []
  const group: Array<number> = []
  const rewards: Array<number> = []
  const anchors: Array<string> = []
  const valid: Array<number> = []
  const admissible: Array<number> = []
  const entropy: Array<Float32Array> = []
  const logp: Array<Float32Array> = []
  const values: Array<Float32Array | undefined> = []
  const trajectories: Array<TrajectorySummary> = []
  for (const g of result.groups) {
    for (const m of g.members) {
      if (m.turns.length === 0) continue
      const id = trajectories.length
      let total = 0
      for (const t of m.turns) {
        const r = t.reward * shaping.scale - t.decision.penalty
        total += r
        prompt.push(t.decision.prompt)
        action.push(t.decision.action)
        trajectory.push(id)
        turn.push(t.turn)
        group.push(g.group)
        rewards.push(r)
        anchors.push(t.observation)
        valid.push(t.decision.valid ? 1 : 0)
        admissible.push(t.valid ? 1 : 0)
        entropy.push(t.decision.entropy)
        logp.push(t.decision.logp)
        values.push(t.decision.values)
      }
      trajectories.push({ group: g.group, taskType: m.taskType, won: m.won, turns: m.turns.length, reward: total })
    }
  }
  return {
    rows: {
      size: prompt.length,
      prompt,
      action,
      length: Int32Array.from(action, actionLength),
      trajectory: Int32Array.from(trajectory),
      turn: Int32Array.from(turn),
      group: Int32Array.from(group),
      rewards: Float64Array.from(rewards),
      anchors,
      valid: Uint8Array.from(valid),
      admissible: Uint8Array.from(admissible),
      entropy,
      logp,
      values: values.every((v) => v !== undefined) ? (values as Array<Float32Array>) : undefined
    },
    trajectories
  }
}

/** Per-token entropy statistics of a set of rows: overall and by turn index. */
export interface EntropyStats {
  readonly mean: number
  readonly variance: number
  /** Variance of the per-turn means across turn indices (how much entropy drifts along an episode). */
  readonly turnVariance: number
  readonly byTurn: {
    readonly mean: ReadonlyArray<number | null>
    readonly variance: ReadonlyArray<number | null>
    readonly tokens: ReadonlyArray<number>
  }
}

export const entropyStats = (turn: Int32Array, entropy: ReadonlyArray<ArrayLike<number>>): EntropyStats => {
  const turns = turn.length === 0 ? 0 : Math.max(...turn) + 1
  const sum = new Float64Array(turns)
  const squares = new Float64Array(turns)
  const count = new Array<number>(turns).fill(0)
  let total = 0
  let totalSquares = 0
  let n = 0
  entropy.forEach((row, s) => {
    for (let i = 0; i < row.length; i++) {
      const h = row[i]
      sum[turn[s]] += h
      squares[turn[s]] += h * h
      count[turn[s]]++
      total += h
      totalSquares += h * h
      n++
    }
  })
  const mean = n === 0 ? Number.NaN : total / n
  const byTurnMean = Array.from(sum, (s, t) => (count[t] === 0 ? null : s / count[t]))
  const present = byTurnMean.filter((m): m is number => m !== null)
  const turnMean = present.reduce((a, b) => a + b, 0) / Math.max(1, present.length)
  return {
    mean,
    variance: n === 0 ? Number.NaN : Math.max(0, totalSquares / n - mean * mean),
    turnVariance: present.length === 0 ? Number.NaN : present.reduce((a, m) => a + (m - turnMean) ** 2, 0) / present.length,
    byTurn: {
      mean: byTurnMean,
      variance: Array.from(sum, (s, t) => (count[t] === 0 ? null : Math.max(0, squares[t] / count[t] - (s / count[t]) ** 2))),
      tokens: count
    }
  }
}
