/**
 * The step schedules, for any horizon K (odd ones too) and any gamma:
 * - Eq. 5, beta_k = 1 + exp(-gamma k / floor(K/2)): beta_0 = 2, beta at floor(K/2) is
 *   1 + e^-gamma (~1.0498 for gamma = 3), at 2 floor(K/2) it is 1 + e^-2gamma (~1.0025),
 *   log(beta_k - 1) falls linearly in k, so beta is strictly decreasing inside (1, 2];
 * - the released code's two-phase weight (spec "released code"), K = 150 by default;
 * - linear, cosine with warm-up and floor (verl), join (optax), constant.
 * Values are compared with the formulas in float64 at steps drawn over the whole run.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { StepSchedule } from "@epo/objective"
import { beta, releasedWeight } from "./Reference.js"
import { finite, params } from "./Support.js"

const horizon = fc.integer({ min: 1, max: 5000 })
const gamma = fc.oneof(fc.constant(undefined), finite(0.5, 5))
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected))

describe("beta_k (Eq. 5)", () => {
  it("is 1 + exp(-gamma k / floor(K/2)): 2 at 0, 1 + e^-gamma at floor(K/2), 1 + e^-2gamma at 2 floor(K/2)", () => {
    fc.assert(
      fc.property(horizon, gamma, fc.nat(), (K, g, seed) => {
        const b = StepSchedule.epoBeta({ totalSteps: K, gamma: g })
        const k = seed % (K + 1)
        const half = Math.max(1, Math.floor(K / 2))
        close(b(k), beta(k, K, g ?? 3))
        expect(b(0)).toBe(2)
        close(b(half), 1 + Math.exp(-(g ?? 3)))
        close(b(2 * half), 1 + Math.exp(-2 * (g ?? 3)))
        close(Math.log(b(k) - 1), (-(g ?? 3) * k) / half)
      }),
      params(300)
    )
  })

  it("with gamma = 3: ~1.0498 at K/2 and ~1.0025 at K (even K); strictly decreasing inside (1, 2]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2500 }).map((n) => 2 * n), (K) => {
        const b = StepSchedule.epoBeta({ totalSteps: K })
        expect(b(K / 2)).toBeCloseTo(1.0498, 4)
        expect(b(K)).toBeCloseTo(1.0025, 4)
        for (let k = 1; k <= K; k += Math.max(1, Math.floor(K / 97))) {
          expect(b(k)).toBeLessThan(b(k - 1))
          expect(b(k)).toBeGreaterThan(1)
        }
      }),
      params(50)
    )
  })
})

describe("the released code's two-phase weight", () => {
  it("is 1 - 0.2 (1 - e^{-2k/h}) up to h = floor(K/2), then 0.8 e^{-3(k-h)/(K-h)}; K = 150 by default", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 1000 })), fc.nat(), (K, seed) => {
        const total = K ?? 150
        const w = StepSchedule.releasedTwoPhase(K === undefined ? undefined : { totalSteps: K })
        const k = seed % (total + 1)
        close(w(k), releasedWeight(k, total))
        const half = Math.floor(total / 2)
        expect(w(0)).toBe(1)
        if (total >= 2) {
          close(w(half), 1 - 0.2 * (1 - Math.exp(-2)))
          close(w(total), 0.8 * Math.exp(-3))
          expect(w(half + 1)).toBeLessThan(w(half)) // a drop from ~0.827 to ~0.8 after h
        }
      }),
      params(300)
    )
  })
})

describe("linear, cosine, join, constant", () => {
  it("linear: from at 0 (and before), to at `steps` (and after), affine in between", () => {
    fc.assert(
      fc.property(finite(-5, 5), finite(-5, 5), fc.oneof(fc.integer({ min: -3, max: 0 }), fc.integer({ min: 1, max: 300 })), fc.oneof(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 0, max: 400 })), (from, to, steps, k) => {
        const s = StepSchedule.linear({ from, to, steps })
        const fraction = steps <= 0 ? 1 : Math.min(Math.max(k / steps, 0), 1)
        expect(s(k)).toBeCloseTo(from + (to - from) * fraction, 10)
        if (steps > 0) {
          expect(s(0)).toBe(from)
          expect(s(Math.min(k, 0))).toBe(from)
        } else expect(s(k)).toBeCloseTo(to, 12) // no steps: already at the end
        expect(s(Math.max(k, steps))).toBeCloseTo(to, 10)
      }),
      params(300)
    )
  })

  it("cosine: linear warm-up to the peak, then peak (m + (1 - m)(1 + cos(pi p))/2), symmetric about its midpoint", () => {
    fc.assert(
      fc.property(finite(0.1, 3), fc.integer({ min: 2, max: 400 }), finite(0, 0.5), finite(0, 1), fc.nat(), (peak, K, warmupShare, minRatio, seed) => {
        const warmup = Math.floor(warmupShare * K)
        const s = StepSchedule.cosine({ peak, totalSteps: K, warmupSteps: warmup, minRatio })
        const k = seed % (K + 20)
        const progress = Math.min((k - warmup) / Math.max(1, K - warmup), 1)
        const expected = k < warmup ? (peak * k) / Math.max(1, warmup) : peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)))
        expect(s(k)).toBeCloseTo(expected, 10)
        expect(s(warmup)).toBeCloseTo(peak, 10)
        expect(s(K)).toBeCloseTo(minRatio * peak, 10)
        const x = seed % (K - warmup + 1)
        expect(s(warmup + x) + s(K - x)).toBeCloseTo(peak * (1 + minRatio), 10)
      }),
      params(300)
    )
  })

  it("cosine without options: no warm-up, floor 0", () => {
    fc.assert(
      fc.property(finite(0.1, 3), fc.integer({ min: 2, max: 400 }), fc.nat(), (peak, K, seed) => {
        const s = StepSchedule.cosine({ peak, totalSteps: K })
        const k = seed % (K + 1)
        expect(s(k)).toBeCloseTo(peak * 0.5 * (1 + Math.cos((Math.PI * k) / K)), 10)
      }),
      params(100)
    )
  })

  it("join: schedule i runs from boundary i - 1 on, counting its steps from there; constant is constant", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 4 }), finite(-2, 2), fc.nat(), (gaps, value, seed) => {
        const boundaries = gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0))
        const pieces = [...boundaries, 0].map((_, i) => StepSchedule.linear({ from: i, to: i + value, steps: 7 }))
        const s = StepSchedule.join(pieces, boundaries)
        const k = seed % (boundaries[boundaries.length - 1] + 20)
        const index = boundaries.filter((b) => k >= b).length
        const start = index === 0 ? 0 : boundaries[index - 1]
        expect(s(k)).toBe(pieces[index](k - start))
        expect(StepSchedule.constant(value)(k)).toBe(value)
      }),
      params(200)
    )
  })
})
