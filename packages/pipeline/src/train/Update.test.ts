import { it } from "@effect/vitest"
import { Backend, Random } from "@epo/core"
import { Corridor, Runner, seedRef } from "@epo/env"
import { Prompt } from "@epo/household"
import { Policy, PolicyService, Tokenizer } from "@epo/policy"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"
import { agent } from "../rollout/Agent.js"
import * as Rows from "./Rows.js"
import * as Update from "./Update.js"

const tokenizer = Tokenizer.make(
  Tokenizer.build(["Task: open the door in room 1.\nObservation: You are in room 1 of a corridor of 3 rooms. You arrive at room 2. There is a door here. Nothing happens.\nCommands: go east | go west | look | open door\nAction:"], {
    name: "corridor",
    maxNumber: 9
  })
)
const env = Layer.mergeAll(PolicyService.layer({ vocab: tokenizer.size, dModel: 16, layers: 1, heads: 2, context: 96, valueHead: true }, Random.key(3)), Corridor.layer).pipe(
  Layer.provideMerge(Backend.wasm)
)

const rollout = (action: "generate" | "score") =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const sampling = { temperature: 0.9, maxNewTokens: 4 }
    const result = yield* Runner.run(
      [seedRef("train", 1), seedRef("train", 2)],
      { groupSize: 2, maxTurns: 4, maxSteps: 4 },
      agent(policy, tokenizer, Prompt.formats.compact({}), sampling, { action, normalisation: "token" }, Random.key(8))
    )
    return { policy, rows: Rows.fromRun(result, { scale: 10 }).rows }
  })

describe("the old pass", () => {
  it.effect("chosen actions: the statistics recorded while acting are the pass the update would recompute", () =>
    Effect.gen(function* () {
      const { policy, rows } = yield* rollout("score")
      const recorded = Update.recorded(rows, true)
      expect(recorded).toBeDefined()
      const recomputed = yield* Update.pass(policy, rows, { temperature: 0.9, normalisation: "token" }, { rows: 3, tokens: 1e9 })
      for (let i = 0; i < rows.size; i++) {
        expect(rows.length[i]).toBe(1)
        expect(recorded!.logp[i][0]).toBeCloseTo(recomputed.logp[i][0], 5)
        expect(recorded!.entropy[i][0]).toBeCloseTo(recomputed.entropy[i][0], 5)
        expect(recorded!.values![i][0]).toBeCloseTo(recomputed.values![i][0], 5)
      }
      // Without a critic no values are handed on.
      expect(Update.recorded(rows, false)!.values).toBeUndefined()
    }).pipe(Effect.provide(env))
  )

  it.effect("generated responses are always recomputed", () =>
    Effect.gen(function* () {
      const { rows } = yield* rollout("generate")
      expect(rows.size).toBeGreaterThan(0)
      expect(Update.recorded(rows, false)).toBeUndefined()
    }).pipe(Effect.provide(env))
  )
})

describe("micro-batches", () => {
  const trajectory = Int32Array.from([0, 0, 1, 2, 2, 2, 1, 3])
  const sub = [7, 2, 0, 3, 6, 1, 4, 5]
  const rowsOnly = (rows: number) => ({ rows, tokens: Infinity })

  it("whole trajectories, packed in order of first appearance up to the rows; a batch that fits stays as it is", () => {
    const lengths = new Int32Array(8).fill(1)
    expect(Update.microBatches(sub, trajectory, lengths, rowsOnly(8))).toEqual([sub])
    expect(Update.microBatches(sub, trajectory, lengths, rowsOnly(3))).toEqual([[7, 2, 6], [0, 1], [3, 4, 5]])
    // a trajectory longer than the limit gets a micro-batch of its own
    expect(Update.microBatches(sub, trajectory, lengths, rowsOnly(2))).toEqual([[7], [2, 6], [0, 1], [3, 4, 5]])
    expect(Update.microBatches([], trajectory, lengths, rowsOnly(2))).toEqual([])
  })

  it("tokens count padding: rows times the longest row of the pass", () => {
    // row:              0   1   2   3   4   5   6   7
    const lengths = Int32Array.from([10, 12, 50, 5, 5, 5, 40, 30])
    // all 8 rows: 8 x 50 = 400 tokens
    expect(Update.microBatches(sub, trajectory, lengths, { rows: 8, tokens: 400 })).toEqual([sub])
    // [7] 1 x 30; + [2, 6] would be 3 x 50 = 150 > 120; [2, 6] + [0, 1] = 4 x 50 = 200 > 120;
    // [0, 1] + [3, 4, 5] = 5 x 12 = 60
    expect(Update.microBatches(sub, trajectory, lengths, { rows: 8, tokens: 120 })).toEqual([[7], [2, 6], [0, 1, 3, 4, 5]])
    // a trajectory over the limit alone: [2, 6] is 2 x 50 = 100 > 90
    expect(Update.microBatches(sub, trajectory, lengths, { rows: 8, tokens: 90 })).toEqual([[7], [2, 6], [0, 1, 3, 4, 5]])
    expect(Update.microBatches(sub, trajectory, lengths, { rows: 8, tokens: 59 })).toEqual([[7], [2, 6], [0, 1], [3, 4, 5]])
  })
})
