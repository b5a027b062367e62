/**
 * Properties of the report's statistics and axes: a bootstrap interval of a mean holds
 * the mean and lies within the data, does not depend on the order of the seeds, and moves
 * with a shift of the data; a paired difference of a constant gain is that gain, however
 * much the seeds differ; axis ticks are round (1, 2 or 5 times a power of ten) multiples
 * of their step covering the data, never more than a few, each label distinct.
 */
import { Plot, Stats } from "@epo/pipeline"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const values = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 })

describe("bootstrap intervals", () => {
  it("hold the mean, lie within [min, max], ignore the order of the seeds, shift with the data", () => {
    fc.assert(
      fc.property(values, fc.double({ min: -10, max: 10, noNaN: true }), (xs, shift) => {
        const i = Stats.bootstrapMean(xs, { resamples: 2000 })!
        const eps = 1e-9 * (1 + Math.max(...xs.map(Math.abs)))
        expect(i.low).toBeLessThanOrEqual(i.mean + eps)
        expect(i.high).toBeGreaterThanOrEqual(i.mean - eps)
        expect(i.low).toBeGreaterThanOrEqual(Math.min(...xs) - eps)
        expect(i.high).toBeLessThanOrEqual(Math.max(...xs) + eps)
        const reversed = Stats.bootstrapMean([...xs].reverse(), { resamples: 2000 })!
        const shifted = Stats.bootstrapMean(xs.map((x) => x + shift), { resamples: 2000 })!
        // exact for up to 8 values (order-free); drawn resamples pick other values in another order
        if (xs.length <= 5) expect(reversed.low).toBeCloseTo(i.low, 6)
        if (xs.length <= 5) expect(shifted.high).toBeCloseTo(i.high + shift, 6)
      })
    )
  })

  it("a constant per-seed gain is its own interval", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -8, max: 8 }), (xs, k) => {
        const gain = k / 8
        const base = new Map(xs.map((x, s) => [s, x]))
        const variant = new Map(xs.map((x, s) => [s, x + gain]))
        const d = Stats.pairedDifference(variant, base)!
        for (const v of [d.mean, d.low, d.high]) expect(v).toBeCloseTo(gain, 9)
      })
    )
  })
})

describe("axis ticks", () => {
  it("round steps, multiples covering the data, at most a handful, distinct labels", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (lo, span) => {
        const d = Plot.niceDomain(lo, lo + span, 5)
        const mantissa = d.step / 10 ** Math.floor(Math.log10(d.step) + 1e-9)
        expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true)
        expect(d.lo).toBeLessThanOrEqual(lo)
        expect(d.hi).toBeGreaterThanOrEqual(lo + span - 1e-9 * Math.abs(lo + span))
        const ticks = Plot.ticksOf(d.lo, d.hi, d.step)
        expect(ticks.length).toBeGreaterThanOrEqual(2)
        expect(ticks.length).toBeLessThanOrEqual(12)
        const labels = ticks.map((t) => Plot.tickLabel(t, d.step))
        expect(new Set(labels).size).toBe(labels.length)
      })
    )
  })

  it("integer axes get integer ticks", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 5000 }), (lo, span) => {
        const step = Plot.niceStep(span, 6, true)
        expect(Number.isInteger(step)).toBe(true)
        for (const t of Plot.ticksOf(lo, lo + span, step)) expect(Plot.tickLabel(t, step)).toMatch(/^-?\d+$/)
      })
    )
  })
})
