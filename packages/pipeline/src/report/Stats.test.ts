import { describe, expect, it } from "vitest"
import * as Stats from "./Stats.js"

describe("quantile (type 7)", () => {
  it("interpolates between order statistics", () => {
    expect([0, 0.25, 0.5, 1].map((p) => Stats.quantile([1, 2, 3, 4], p))).toEqual([1, 1.75, 2.5, 4])
    expect(Stats.quantile([10, 20], 0.25)).toBe(12.5)
    expect(() => Stats.quantile([], 0.5)).toThrow(RangeError)
  })
})

describe("bootstrapMean", () => {
  it("no values: null; one value: the value itself; equal values: a point", () => {
    expect(Stats.bootstrapMean([])).toBeNull()
    expect(Stats.bootstrapMean([0.3])).toEqual({ mean: 0.3, low: 0.3, high: 0.3, n: 1 })
    expect(Stats.bootstrapMean([2, 2, 2])).toEqual({ mean: 2, low: 2, high: 2, n: 3 })
  })

  it("two values {0, 10}: resample means 0, 5, 10 with probabilities 1/4, 1/2, 1/4, so the 95% interval is [0, 10]", () => {
    expect(Stats.bootstrapMean([0, 10])).toEqual({ mean: 5, low: 0, high: 10, n: 2 })
  })

  it("{0, 0, 0, 1}: the resample mean is Binomial(4, 1/4)/4; P(<= 1/2) = 0.949, P(<= 3/4) = 0.996, so [0, 0.75]", () => {
    expect(Stats.bootstrapMean([0, 0, 0, 1])).toEqual({ mean: 0.25, low: 0, high: 0.75, n: 4 })
  })

  it("a lower level narrows the interval: at 40%, {0, 0, 0, 1} gives [0, 0.25] (P(0) = 0.316 > 0.3, P(<= 1/4) = 0.738 > 0.7)", () => {
    expect(Stats.bootstrapMean([0, 0, 0, 1], { level: 0.4 })).toEqual({ mean: 0.25, low: 0, high: 0.25, n: 4 })
  })

  it("few values: the exact distribution, whatever the seed; many: drawn resamples, deterministic for a seed", () => {
    const five = [0.12, 0.5, 0.33, 0.9, 0.41]
    expect(Stats.bootstrapMean(five, { seed: 4 })).toEqual(Stats.bootstrapMean(five, { seed: 3 }))
    const nine = [0.12, 0.5, 0.33, 0.9, 0.41, 0.05, 0.62, 0.27, 0.71]
    const a = Stats.bootstrapMean(nine, { seed: 3, resamples: 500 })
    expect(Stats.bootstrapMean(nine, { seed: 3, resamples: 500 })).toEqual(a)
    expect(Stats.bootstrapMean(nine, { seed: 4, resamples: 500 })).not.toEqual(a)
  })

  it("drawn resamples agree with the exact distribution (nine values: 24310 distinct resamples)", () => {
    const nine = [0.12, 0.5, 0.33, 0.9, 0.41, 0.05, 0.62, 0.27, 0.71]
    const exact = Stats.bootstrapMean(nine, { resamples: 30_000 })!
    const drawn = Stats.bootstrapMean(nine, { resamples: 10_000 })!
    expect(exact.low).not.toBe(drawn.low)
    expect(drawn.low).toBeCloseTo(exact.low, 2)
    expect(drawn.high).toBeCloseTo(exact.high, 2)
    expect(exact.low).toBeLessThan(exact.mean)
    expect(exact.high).toBeGreaterThan(exact.mean)
  })
})

describe("paired differences", () => {
  it("pairs by seed: only seeds present in both count, in ascending order", () => {
    const variant = new Map([[3, 0.75], [1, 0.5], [2, 0.25]])
    const base = new Map([[1, 0.25], [3, 0.5], [4, 0]])
    expect(Stats.pairedDifferences(variant, base)).toEqual({ seeds: [1, 3], differences: [0.25, 0.25] })
  })

  it("a constant per-seed gain has a zero-width interval however much the seeds differ", () => {
    const base = new Map([[1, 0], [2, 0.5], [3, 0.75]])
    const variant = new Map([[1, 0.25], [2, 0.75], [3, 1]])
    expect(Stats.pairedDifference(variant, base)).toEqual({ mean: 0.25, low: 0.25, high: 0.25, n: 3 })
    // unpaired, the same numbers give intervals that overlap
    expect(Stats.bootstrapMean([...base.values()])!.high).toBeGreaterThan(Stats.bootstrapMean([...variant.values()])!.low)
  })

  it("no shared seed: null", () => {
    expect(Stats.pairedDifference(new Map([[1, 1]]), new Map([[2, 1]]))).toBeNull()
  })
})

describe("wilson", () => {
  it("5 of 10: [0.2366, 0.7634]; 0 of 10: [0, 0.2775]; 10 of 10: [0.7225, 1]", () => {
    const half = Stats.wilson(5, 10)!
    expect([half.mean, half.low, half.high, half.n]).toEqual([0.5, expect.closeTo(0.2366, 4), expect.closeTo(0.7634, 4), 10])
    const none = Stats.wilson(0, 10)!
    expect([none.low, none.high]).toEqual([0, expect.closeTo(0.2775, 4)])
    const all = Stats.wilson(10, 10)!
    expect([all.low, all.high]).toEqual([expect.closeTo(0.7225, 4), 1])
  })

  it("no games: null; impossible counts: RangeError", () => {
    expect(Stats.wilson(0, 0)).toBeNull()
    expect(() => Stats.wilson(3, 2)).toThrow(RangeError)
  })
})
