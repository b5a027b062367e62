import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import * as Aggregation from "./Aggregation.js"

// Rows: traj 0 turn 0 = [1, 2], traj 0 turn 1 = [4], traj 1 turn 0 = [7, 8, 9], traj 1 turn 1 = (empty)
const values = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
const mask = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]]
const trajectory = Int32Array.from([0, 0, 1, 1])
const turn = Int32Array.from([0, 1, 0, 1])

const run = (aggregation: Aggregation.Aggregation): number =>
  tf.tidy(() => aggregation(tf.tensor2d(values), { mask: tf.tensor2d(mask), trajectory, turn }).dataSync()[0])

describe("aggregations (hand-computed)", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu")
  })

  it("token-mean: every real token weighs the same", () => Tensors.expectNoLeaks(() => expect(run(Aggregation.tokenMean)).toBeCloseTo(31 / 6, 5)))

  it("seq-mean-token-sum: row sums 3, 4, 24, 0 averaged over 4 rows", () =>
    Tensors.expectNoLeaks(() => expect(run(Aggregation.seqMeanTokenSum)).toBeCloseTo(31 / 4, 5)))

  it("seq-mean-token-mean: row means 1.5, 4, 8, 0 averaged over 4 rows", () =>
    Tensors.expectNoLeaks(() => expect(run(Aggregation.seqMeanTokenMean)).toBeCloseTo(13.5 / 4, 5)))

  it("seq-mean-token-sum-norm: total over the padded length, or over a fixed horizon", () =>
    Tensors.expectNoLeaks(() => {
      expect(run(Aggregation.seqMeanTokenSumNorm)).toBeCloseTo(31 / 3, 5)
      expect(run(Aggregation.seqMeanTokenSumNormWith(10))).toBeCloseTo(3.1, 5)
    }))

  it("multi-turn mean (EPO Eq. 2): rows 1.5 and 4 -> 2.75; row 8 (empty row not a turn) -> 8; mean 5.375", () =>
    Tensors.expectNoLeaks(() => expect(run(Aggregation.multiTurnMean)).toBeCloseTo(5.375, 5)))

  it("multi-turn mean: B counts only trajectories with tokens (not an id whose rows are empty, nor a missing id)", () =>
    Tensors.expectNoLeaks(() => {
      // ids 0, 1, 3: trajectory 1 has only an empty row, id 2 is absent; means 2 and 5 -> 3.5
      const out = tf.tidy(() =>
        Aggregation.multiTurnMean(tf.tensor2d([[2, 0], [9, 9], [4, 6]]), {
          mask: tf.tensor2d([[1, 0], [0, 0], [1, 1]]),
          trajectory: Int32Array.from([0, 1, 3]),
          turn: Int32Array.from([0, 0, 0])
        }).dataSync()[0]
      )
      expect(out).toBeCloseTo(3.5, 6)
    }))

  it("multi-turn mean weighs a long trajectory like a short one, unlike token-mean", () =>
    Tensors.expectNoLeaks(() => {
      const layout = { trajectory: Int32Array.from([0, 1, 1, 1]), turn: Int32Array.from([0, 0, 1, 2]) }
      const [multi, token] = tf.tidy(() => {
        const v = tf.tensor2d([[4], [1], [1], [1]])
        const m = tf.ones([4, 1]) as tf.Tensor2D
        return [Aggregation.multiTurnMean(v, { mask: m, ...layout }).dataSync()[0], Aggregation.tokenMean(v, { mask: m, ...layout }).dataSync()[0]]
      })
      expect(multi).toBeCloseTo(2.5, 6)
      expect(token).toBeCloseTo(7 / 4, 6)
    }))

  it("is differentiable: the multi-turn gradient is 1 / (B T_j |tau_jt|) on real tokens", () =>
    Tensors.expectNoLeaks(() => {
      const g = tf.tidy(() =>
        Array.from(tf.grad((v: tf.Tensor) => Aggregation.multiTurnMean(v as tf.Tensor2D, { mask: tf.tensor2d(mask), trajectory, turn }))(tf.tensor2d(values)).dataSync())
      )
      const expected = [1 / 8, 1 / 8, 0, 1 / 4, 0, 0, 1 / 6, 1 / 6, 1 / 6, 0, 0, 0]
      expected.forEach((e, i) => expect(g[i]).toBeCloseTo(e, 6))
    }))

  it("the registry is keyed by verl's names", () => {
    expect(Object.keys(Aggregation.aggregations).sort()).toEqual([...Aggregation.aggregationNames].sort())
    expect(Aggregation.resolve("token-mean")).toBe(Aggregation.tokenMean)
    expect(Aggregation.resolve(Aggregation.multiTurnMean)).toBe(Aggregation.multiTurnMean)
  })
})
