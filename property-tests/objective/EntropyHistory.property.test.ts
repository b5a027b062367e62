/**
 * The entropy histories EPO's corridor is centred on, over random runs:
 * - paper (v2 Eq. 4): after recording Hbar_0..Hbar_{k-1}, the reference is their mean
 *   (the current step is recorded after its update, so never included); none before
 *   the first step;
 * - released code: per turn index, the recorded per-turn means summed with absent turns
 *   as 0 (the zero left-padding) over the number of steps;
 * - both states are plain data that survive a Schema encode/decode round trip, and the
 *   Schemas reject what a state cannot hold.
 */
import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { EntropyHistory } from "@epo/objective"
import { finite, magnitude, params } from "./Support.js"

const entropies = fc.array(magnitude(-2, 1).map(Math.abs), { minLength: 0, maxLength: 40 })
const perTurn = fc.array(fc.array(fc.option(finite(0.01, 5), { nil: undefined, freq: 4 }), { minLength: 0, maxLength: 6 }), { minLength: 0, maxLength: 20 })

describe("the paper's history", () => {
  it("the reference after k steps is the mean of the k recorded entropies; none at k = 0", () => {
    fc.assert(
      fc.property(entropies, (hs) => {
        let state = EntropyHistory.paper.init()
        hs.forEach((h, k) => {
          const reference = EntropyHistory.paper.reference(state)
          if (k === 0) expect(reference).toBeUndefined()
          else expect(Math.abs(reference! - hs.slice(0, k).reduce((a, b) => a + b, 0) / k)).toBeLessThanOrEqual(1e-12 * reference!)
          state = EntropyHistory.paper.update(state, h)
          expect(state.steps).toBe(k + 1)
        })
        expect(Schema.decodeUnknownSync(EntropyHistory.PaperState)(JSON.parse(JSON.stringify(Schema.encodeSync(EntropyHistory.PaperState)(state))))).toEqual(state)
      }),
      params(200)
    )
  })

  it("the Schemas reject what a state cannot hold: negative or fractional step counts, non-finite sums, missing fields", () => {
    const badSteps = fc.oneof(fc.integer({ min: -100, max: -1 }), finite(0.01, 0.99).map((x) => 3 + x))
    const badSum = fc.constantFrom(Infinity, -Infinity, Number.NaN)
    fc.assert(
      fc.property(badSteps, badSum, finite(0, 5), (steps, sum, ok) => {
        const paper = Schema.decodeUnknownSync(EntropyHistory.PaperState)
        const released = Schema.decodeUnknownSync(EntropyHistory.ReleasedState)
        expect(paper({ total: ok, steps: 2 })).toEqual({ total: ok, steps: 2 })
        expect(released({ steps: 2, totals: [ok] })).toEqual({ steps: 2, totals: [ok] })
        // a well-formed state with no step recorded has no reference to divide by
        expect(EntropyHistory.released.reference(released({ steps: 0, totals: [ok] }))).toEqual([0])
        for (const bad of [{ total: ok, steps }, { total: sum, steps: 1 }, { total: ok }, { steps: 1 }]) expect(() => paper(bad)).toThrow()
        for (const bad of [{ steps, totals: [ok] }, { steps: 1, totals: [ok, sum] }, { totals: [ok] }, { steps: 1 }]) expect(() => released(bad)).toThrow()
      }),
      params(30)
    )
  })
})

describe("the released code's history", () => {
  it("turn t's reference is the sum of its recorded means (absent turns 0) over the number of steps", () => {
    fc.assert(
      fc.property(perTurn, (steps) => {
        let state = EntropyHistory.released.init()
        expect(EntropyHistory.released.reference(state)).toEqual([])
        steps.forEach((means, k) => {
          state = EntropyHistory.released.update(state, means)
          const recorded = steps.slice(0, k + 1)
          const turns = Math.max(0, ...recorded.map((m) => m.length))
          const expected = Array.from({ length: turns }, (_, t) => recorded.reduce((a, m) => a + (m[t] ?? 0), 0) / (k + 1))
          const reference = EntropyHistory.released.reference(state)
          expect(reference.length).toBe(turns)
          reference.forEach((r, t) => expect(Math.abs(r - expected[t])).toBeLessThanOrEqual(1e-12 * Math.max(1, expected[t])))
        })
        expect(Schema.decodeUnknownSync(EntropyHistory.ReleasedState)(JSON.parse(JSON.stringify(Schema.encodeSync(EntropyHistory.ReleasedState)(state))))).toEqual(state)
      }),
      params(200)
    )
  })
})
