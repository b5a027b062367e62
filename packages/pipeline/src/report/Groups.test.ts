import { describe, expect, it } from "vitest"
import * as Groups from "./Groups.js"
import { evaluation, record, run } from "../testing/FakeRuns.js"

/** Successes of 4 games by seed at step 0 and step 5 on "eval". */
const runsOf = (name: string, objective: Record<string, unknown>, start: Record<number, number>, final: Record<number, number>) =>
  Object.keys(start).map((s) =>
    run({ name, seed: Number(s), objective, evaluations: [evaluation(0, "eval", start[Number(s)], 4), evaluation(5, "eval", final[Number(s)], 4)] })
  )
const base = runsOf("ppo", { preset: "ppo" }, { 1: 1, 2: 3 }, { 1: 2, 2: 4 })
const variant = runsOf("ppo+epo", { preset: "epo" }, { 2: 3, 1: 1, 3: 2 }, { 1: 3, 2: 4, 3: 2 })

describe("methods", () => {
  it("groups runs by spec name in order of first appearance; the base is the name before '+' when present", () => {
    const methods = Groups.byMethod([variant[1], ...base, variant[0]])
    expect(methods.map((m) => [m.name, m.runs.map((r) => r.manifest.seed)])).toEqual([
      ["ppo+epo", [2, 1]],
      ["ppo", [1, 2]]
    ])
    expect(Groups.seedsOf(methods[0])).toEqual([1, 2])
    expect(Groups.baseOf("ppo+epo", ["ppo", "ppo+epo"])).toBe("ppo")
    expect(Groups.baseOf("ppo+epo-lambda0.01", ["ppo"])).toBe("ppo")
    expect(Groups.baseOf("ppo", ["ppo", "ppo+epo"])).toBeUndefined()
    expect(Groups.baseOf("grpo+epo", ["ppo"])).toBeUndefined()
  })

  it("success by step: the mean over seeds, and with two seeds the exact 95% bootstrap interval [min, max]", () => {
    const [ppo] = Groups.byMethod(base)
    expect(Groups.successBand(ppo, "eval")).toEqual([
      { x: 0, mean: 0.5, low: 0.25, high: 0.75, n: 2 },
      { x: 5, mean: 0.75, low: 0.5, high: 1, n: 2 }
    ])
    expect(Groups.successBand(ppo, "other")).toEqual([])
  })

  it("final success: gain over each seed's start and the paired difference to the base on shared seeds", () => {
    const [epo, ppo] = Groups.byMethod([...variant, ...base])
    const final = Groups.finalSuccess(epo, ppo, "eval")!
    expect(final.steps).toEqual([5])
    expect(final.success.mean).toBe(0.75)
    expect(final.pooled).toEqual({ successes: 9, episodes: 12, interval: expect.objectContaining({ mean: 0.75, n: 12 }) })
    // gain per seed: (3 - 1)/4, 0/4, (4 - 3)/4 -> resample means of {0.5, 0, 0.25}: P(0) = P(0.5) = 1/27 > 0.025
    expect(final.gain).toEqual({ mean: 0.25, low: 0, high: 0.5, n: 3 })
    // vs base on the shared seeds 1 and 2: (3 - 2)/4, (4 - 4)/4
    expect(final.vsBase).toEqual({ mean: 0.125, low: 0, high: 0.25, n: 2 })
    expect(Groups.successAtStep(epo, ppo, "eval", 0)!.vsBase).toEqual({ mean: 0, low: 0, high: 0, n: 2 })
    expect(Groups.evaluationSteps(epo, "eval")).toEqual([0, 5])
  })

  it("entropy by turn and step: the mean over runs where a run has the turn, null where none has", () => {
    const metrics = (shift: number) => [record(0, {}, [1 + shift, 2 + shift]), record(1, {}, [3 + shift, null])]
    const [m] = Groups.byMethod([run({ name: "a", seed: 1, metrics: metrics(0) }), run({ name: "a", seed: 2, metrics: [...metrics(2), record(2, {}, [5])] })])
    expect(Groups.entropyGrid(m)).toEqual({
      steps: [0, 1, 2],
      values: [
        [2, 4, 5],
        [3, null, null]
      ]
    })
  })

  it("the corridor of an EPO method is kappa times the mean reference over seeds; none for other objectives", () => {
    const metrics = (h: number) => [record(0, { "entropy/reference": null }), record(1, { "entropy/reference": h })]
    const epo = (seed: number, h: number, objective: Record<string, unknown>) => run({ name: "epo", seed, objective, metrics: metrics(h) })
    const [custom] = Groups.byMethod([epo(1, 1, { preset: "epo", kappaLow: 0.5, kappaHigh: 1.5 }), epo(2, 3, { preset: "epo", kappaLow: 0.5, kappaHigh: 1.5 })])
    expect(Groups.corridorOf(custom)).toEqual({ kappaLow: 0.5, kappaHigh: 1.5, bounds: [[1, 1, 3]] })
    const [defaults] = Groups.byMethod([epo(1, 1, { preset: "epo-released" })])
    expect(Groups.corridorOf(defaults)).toEqual({ kappaLow: 0, kappaHigh: 2, bounds: [[1, 0, 2]] })
    expect(Groups.corridorOf(Groups.byMethod([epo(1, 1, { preset: "grpo" })])[0])).toBeNull()
  })
})
