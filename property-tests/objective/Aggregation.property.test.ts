/**
 * Every aggregation against its definition (Reference.ts: verl's `agg_loss` modes and
 * EPO Eq. 2), on layouts where the modes differ: rows of different lengths, rows
 * without tokens, trajectories without tokens, missing trajectory ids, trajectories of
 * several turns; values of magnitude 0.1..100 of both signs. Plus what the definitions
 * imply and users rely on: padding columns never matter, row order does not matter to
 * the multi-turn mean, and the gradient w.r.t. the values is the definition's weights.
 * And gradient accumulation: micro-batches that keep trajectories whole, each carrying the
 * whole batch's totals, add up to the whole batch in every mode.
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { Aggregation, Batch } from "@epo/objective"
import { aggregate, type AggregationName, aggregationNames, dot, type Layout, type Matrix, weights } from "./Reference.js"
import { layout, magnitude, magnitudes, params, tally, useCpu } from "./Support.js"

const HORIZON = 7

const library = (name: AggregationName): Aggregation.Aggregation =>
  name === "seq-mean-token-sum-norm" ? Aggregation.seqMeanTokenSumNormWith(HORIZON) : Aggregation.aggregations[name]

const apply = (aggregation: Aggregation.Aggregation, values: Matrix, l: Layout, totals?: Batch.BatchTotals): number =>
  tf.tidy(
    () =>
      aggregation(tf.tensor2d(values.map((r) => [...r])), {
        mask: tf.tensor2d(l.mask.map((r) => [...r])),
        trajectory: Int32Array.from(l.trajectory),
        turn: new Int32Array(l.trajectory.length),
        totals
      }).dataSync()[0]
  )

/** float32 summation error bound for sum w x. */
const tolerance = (name: AggregationName, values: Matrix, l: Layout) =>
  1e-5 * dot(weights(name, l, HORIZON).map((r) => r.map(Math.abs)), values.map((r) => r.map(Math.abs))) + 1e-7

const batch = layout().chain((l) =>
  fc.record({
    layout: fc.constant(l),
    values: magnitudes(l.mask.length, l.mask[0].length, -1, 2),
    padding: magnitudes(l.mask.length, 2, -1, 3),
    scale: magnitude(-1, 1)
  })
)

const rowCount = (row: ReadonlyArray<number>) => row.reduce((a, b) => a + b, 0)

describe("aggregations against their definitions", () => {
  beforeAll(useCpu)

  it("each mode equals its definition, on layouts with empty rows, empty trajectories and several turns", () => {
    const seen = tally()
    fc.assert(
      fc.property(batch, ({ layout: l, values }) => {
        seen.run()
        const counts = l.mask.map(rowCount)
        const ids = new Set(l.trajectory)
        const withTokens = new Set(l.trajectory.filter((_, s) => counts[s] > 0))
        seen.hit("empty row", counts.some((n) => n === 0))
        seen.hit("trajectory id without tokens", ids.size > withTokens.size)
        seen.hit("missing id below the largest", Math.max(...l.trajectory) + 1 > ids.size)
        seen.hit("trajectory with two turns of different lengths", [...withTokens].some((j) => new Set(counts.filter((n, s) => n > 0 && l.trajectory[s] === j)).size > 1))
        for (const name of aggregationNames) {
          const expected = aggregate(name, values, l, HORIZON)
          const actual = apply(library(name), values, l)
          if (!(Math.abs(actual - expected) <= tolerance(name, values, l))) throw new Error(`${name}: ${actual} vs ${expected}`)
        }
        // verl's own sum-norm divides by the padded length L
        const length = l.mask[0].length
        expect(Math.abs(apply(Aggregation.aggregations["seq-mean-token-sum-norm"], values, l) - aggregate("seq-mean-token-sum-norm", values, l, length))).toBeLessThanOrEqual(
          (HORIZON / length) * tolerance("seq-mean-token-sum-norm", values, l)
        )
      }),
      params(150)
    )
    for (const label of ["empty row", "trajectory id without tokens", "missing id below the largest", "trajectory with two turns of different lengths"]) {
      expect(seen.share(label), label).toBeGreaterThan(0.2)
    }
  })

  it("the layouts tell the modes apart: each pair differs by far more than the tolerance in most runs", () => {
    const pairs: Array<[AggregationName, AggregationName]> = [
      ["token-mean", "seq-mean-token-mean"],
      ["seq-mean-token-mean", "multi-turn-mean"],
      ["token-mean", "multi-turn-mean"],
      ["seq-mean-token-sum", "seq-mean-token-mean"],
      ["seq-mean-token-sum", "seq-mean-token-sum-norm"]
    ]
    const differ = tally()
    fc.assert(
      fc.property(batch, ({ layout: l, values }) => {
        differ.run()
        const value = Object.fromEntries(aggregationNames.map((name) => [name, apply(library(name), values, l)]))
        for (const [a, b] of pairs) differ.hit(`${a} / ${b}`, Math.abs(value[a] - value[b]) > 100 * (tolerance(a, values, l) + tolerance(b, values, l)))
      }),
      params(100)
    )
    for (const [a, b] of pairs) expect(differ.share(`${a} / ${b}`), `${a} / ${b}`).toBeGreaterThan(0.5)
  })

  it("padding columns (mask 0, any value) never change a result", () => {
    fc.assert(
      fc.property(batch, ({ layout: l, values, padding }) => {
        const paddedLayout = { ...l, mask: l.mask.map((row) => [...row, 0, 0]) }
        const paddedValues = values.map((row, s) => [...row, ...padding[s]])
        for (const name of aggregationNames) {
          expect(Math.abs(apply(library(name), paddedValues, paddedLayout) - apply(library(name), values, l))).toBeLessThanOrEqual(2 * tolerance(name, values, l))
        }
      }),
      params(60)
    )
  })

  it("multi-turn mean: row order and relabelling the trajectories do not matter", () => {
    fc.assert(
      fc.property(batch, fc.nat(), ({ layout: l, values }, k) => {
        const rows = l.mask.length
        const order = [...Array(rows).keys()].map((i) => (i + k) % rows)
        const relabelled = { mask: order.map((i) => l.mask[i]), trajectory: order.map((i) => 3 - l.trajectory[i]) }
        const expected = apply(Aggregation.multiTurnMean, values, l)
        expect(Math.abs(apply(Aggregation.multiTurnMean, order.map((i) => values[i]), relabelled) - expected)).toBeLessThanOrEqual(2 * tolerance("multi-turn-mean", values, l))
      }),
      params(60)
    )
  })

  it("the gradient w.r.t. the values is the definition's weights (each mode is linear), scaled with the upstream gradient", () => {
    fc.assert(
      fc.property(batch, ({ layout: l, values, scale }) => {
        for (const name of aggregationNames) {
          const gradient = tf.tidy(() => {
            const layoutTensors = { mask: tf.tensor2d(l.mask.map((r) => [...r])), trajectory: Int32Array.from(l.trajectory), turn: new Int32Array(l.trajectory.length) }
            const f = (x: tf.Tensor) => tf.mul(library(name)(x as tf.Tensor2D, layoutTensors), scale) as tf.Scalar
            return tf.grad(f)(tf.tensor2d(values.map((r) => [...r]))).arraySync() as number[][]
          })
          weights(name, l, HORIZON).forEach((row, s) =>
            row.forEach((w, i) => {
              if (!(Math.abs(gradient[s][i] - scale * w) <= 1e-6 * Math.abs(scale * w) + 1e-9)) throw new Error(`${name} [${s}, ${i}]: ${gradient[s][i]} vs ${scale * w}`)
            })
          )
        }
      }),
      params(40)
    )
  })

  it("micro-batches of whole trajectories with the batch's totals add up to the batch, in every mode", () => {
    const seen = tally()
    fc.assert(
      fc.property(batch, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }), ({ layout: l, values }, part) => {
        seen.run()
        const totals = Batch.totalsOf(l.mask.map(rowCount), l.trajectory)
        const micro = [0, 1, 2]
          .map((m) => l.trajectory.flatMap((j, s) => (part[j] === m ? [s] : [])))
          .filter((rows) => rows.length > 0)
        seen.hit("split in two or more", micro.length > 1)
        for (const name of aggregationNames) {
          const whole = apply(library(name), values, l)
          const summed = micro.reduce(
            (sum, rows) => sum + apply(library(name), rows.map((s) => values[s]), { mask: rows.map((s) => l.mask[s]), trajectory: rows.map((s) => l.trajectory[s]) }, totals),
            0
          )
          if (!(Math.abs(summed - whole) <= 2 * tolerance(name, values, l))) throw new Error(`${name}: micro-batches sum to ${summed}, the batch gives ${whole}`)
        }
      }),
      params(100)
    )
    expect(seen.share("split in two or more")).toBeGreaterThan(0.5)
  })
})
