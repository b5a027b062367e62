import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Tokens from "./Tokens.js"

const ln2 = Math.log(2)
// softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2]
const logits = () => tf.tensor2d([[0, 0, ln2]])
const token = () => tf.tensor1d([2], "int32")

/** d logp / dz and dH / dz, by autodiff through the plain functions and through the fused op. */
const gradients = () =>
  tf.tidy(() => {
    const dLogp = tf.grad((z: tf.Tensor) => tf.sum(Tokens.logProbs(z, token())))(logits())
    const dEntropy = tf.grad((z: tf.Tensor) => tf.sum(Tokens.entropy(z)))(logits())
    const fusedLogp = tf.grad((z: tf.Tensor) => tf.sum(Tokens.logProbsAndEntropy(z, token()).logp))(logits())
    const fusedEntropy = tf.grad((z: tf.Tensor) => tf.sum(Tokens.logProbsAndEntropy(z, token()).entropy))(logits())
    return [dLogp, dEntropy, fusedLogp, fusedEntropy].map((g) => Array.from(g.dataSync()))
  })

/**
 * A -Infinity logit (a masked word) beside the taken token: log p_0 of
 * softmax([0.5, -inf, 1]) = 0.5 - ln(e^0.5 + e) = -0.974077, and d log p_0 / dz =
 * onehot - p = [1 - p_0, 0, -(1 - p_0)], from the plain function and from the fused op.
 */
const expectMaskedWordFinite = (digits: number) => {
  const expected = 0.5 - Math.log(Math.exp(0.5) + Math.E)
  const p0 = Math.exp(expected)
  const [plain, fused, dPlain, dFused] = tf.tidy(() => {
    const z = tf.tensor2d([[0.5, -Infinity, 1]])
    const ids = tf.tensor1d([0], "int32")
    return [
      Tokens.logProbs(z, ids).dataSync()[0],
      Tokens.logProbsAndEntropy(z, ids).logp.dataSync()[0],
      Array.from(tf.grad((x: tf.Tensor) => tf.sum(Tokens.logProbs(x, ids)))(z).dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => tf.sum(Tokens.logProbsAndEntropy(x, ids).logp))(z).dataSync())
    ]
  })
  expect(plain).toBeCloseTo(expected, digits)
  expect(fused).toBeCloseTo(expected, digits)
  for (const d of [dPlain, dFused]) [1 - p0, 0, -(1 - p0)].forEach((g, i) => expect(d[i]).toBeCloseTo(g, digits))
}

describe("per-token quantities from logits", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu")
  })

  it("log-prob and entropy of a hand-computed distribution", () =>
    Tensors.expectNoLeaks(() => {
      const [lp, h] = tf.tidy(() => [Tokens.logProbs(logits(), token()).dataSync()[0], Tokens.entropy(logits()).dataSync()[0]])
      expect(lp).toBeCloseTo(Math.log(0.5), 6)
      expect(h).toBeCloseTo(1.5 * ln2, 6) // -(2 * 1/4 ln 1/4 + 1/2 ln 1/2)
    }))

  it("divides logits by the temperature", () =>
    Tensors.expectNoLeaks(() => {
      const [lp, h] = tf.tidy(() => [Tokens.logProbs(logits(), token(), 2).dataSync()[0], Tokens.entropy(logits(), 2).dataSync()[0]])
      const p = [1, 1, Math.SQRT2].map((x) => x / (2 + Math.SQRT2)) // softmax([0, 0, ln2 / 2])
      expect(lp).toBeCloseTo(Math.log(p[2]), 6)
      expect(h).toBeCloseTo(-p.reduce((a, q) => a + q * Math.log(q), 0), 6)
    }))

  it("entropy of a uniform distribution is log V, and -Infinity logits contribute 0", () =>
    Tensors.expectNoLeaks(() => {
      const [uniform, masked, large] = tf.tidy(() => [
        Tokens.entropy(tf.zeros([1, 8])).dataSync()[0],
        Tokens.entropy(tf.tensor2d([[0, 0, -Infinity, -Infinity]])).dataSync()[0],
        Tokens.entropy(tf.tensor2d([[1000, 1000, -1000]])).dataSync()[0]
      ])
      expect(uniform).toBeCloseTo(Math.log(8), 6)
      expect(masked).toBeCloseTo(ln2, 6)
      expect(large).toBeCloseTo(ln2, 5) // max-shifted: no overflow
    }))

  it("a -Infinity logit elsewhere in the row leaves the taken token's log-prob and its gradient finite", () =>
    Tensors.expectNoLeaks(() => expectMaskedWordFinite(6)))

  it("logProbsAndEntropy agrees with the separate functions on [S, L, V] logits", () =>
    Tensors.expectNoLeaks(() => {
      tf.tidy(() => {
        const z = tf.tensor3d([[[0.1, -0.3, 2], [1, 1, 1]], [[-2, 0.5, 0], [3, -1, 0.2]]])
        const ids = tf.tensor2d([[2, 0], [1, 1]], undefined, "int32")
        const both = Tokens.logProbsAndEntropy(z, ids, 0.7)
        expect(both.logp.shape).toEqual([2, 2])
        expect(Array.from(both.logp.dataSync())).toEqual(Array.from(Tokens.logProbs(z, ids, 0.7).dataSync()))
        expect(Array.from(both.entropy.dataSync())).toEqual(Array.from(Tokens.entropy(z, 0.7).dataSync()))
      })
    }))

  it("the fused op's closed-form backward equals autodiff through logProbs and entropy", () =>
    Tensors.expectNoLeaks(() => {
      for (const temperature of [1, 0.6]) {
        const [fused, reference] = tf.tidy(() => {
          const z = tf.tensor3d([[[0.3, -1.2, 2, -Infinity], [1, 1, 1, 1]], [[-2, 0.5, 0, 3], [3, -1, 0.2, -0.7]]])
          const ids = tf.tensor2d([[2, 0], [1, 3]], undefined, "int32")
          const wLogp = tf.tensor2d([[0.5, -1], [2, 0.3]])
          const wH = tf.tensor2d([[-0.7, 1.5], [0.2, -2]])
          const viaFused = (x: tf.Tensor) => {
            const q = Tokens.logProbsAndEntropy(x, ids, temperature)
            return tf.add(tf.sum(tf.mul(q.logp, wLogp)), tf.sum(tf.mul(q.entropy, wH))) as tf.Scalar
          }
          const viaAutodiff = (x: tf.Tensor) =>
            tf.add(tf.sum(tf.mul(Tokens.logProbs(x, ids, temperature), wLogp)), tf.sum(tf.mul(Tokens.entropy(x, temperature), wH))) as tf.Scalar
          return [Array.from(tf.grad(viaFused)(z).dataSync()), Array.from(tf.grad(viaAutodiff)(z).dataSync())]
        })
        reference.forEach((g, i) => expect(fused[i]).toBeCloseTo(g, 5))
      }
    }))

  it("hand-computed gradients: d logp/dz = onehot - p, dH/dz = -p (log p + H)", () =>
    Tensors.expectNoLeaks(() => {
      const [dLogp, dEntropy, fusedLogp, fusedEntropy] = gradients()
      for (const d of [dLogp, fusedLogp]) [-0.25, -0.25, 0.5].forEach((g, i) => expect(d[i]).toBeCloseTo(g, 6))
      for (const d of [dEntropy, fusedEntropy]) [0.125 * ln2, 0.125 * ln2, -0.25 * ln2].forEach((g, i) => expect(d[i]).toBeCloseTo(g, 6))
    }))

  describe("on the wasm backend", () => {
    beforeAll(async () => {
      await tf.setBackend("wasm")
    })
    afterAll(async () => {
      await tf.setBackend("cpu")
    })

    it("log-prob and entropy are differentiable (no tf.gather) with the same gradients", () => {
      expect(tf.getBackend()).toBe("wasm")
      const [dLogp, dEntropy, fusedLogp, fusedEntropy] = gradients()
      for (const d of [dLogp, fusedLogp]) [-0.25, -0.25, 0.5].forEach((g, i) => expect(d[i]).toBeCloseTo(g, 5))
      for (const d of [dEntropy, fusedEntropy]) [0.125 * ln2, 0.125 * ln2, -0.25 * ln2].forEach((g, i) => expect(d[i]).toBeCloseTo(g, 5))
    })

    it("a -Infinity logit beside the taken token gives a finite log-prob and gradient", () => expectMaskedWordFinite(5))
  })

  it("layout helpers", () =>
    Tensors.expectNoLeaks(() => {
      const mask = Tokens.responseMask([2, 0, 5], 3)
      expect(mask.arraySync()).toEqual([[1, 1, 0], [0, 0, 0], [1, 1, 1]])
      mask.dispose()
      const layout = Tokens.rowLayout([2, 3])
      expect(Array.from(layout.trajectory)).toEqual([0, 0, 1, 1, 1])
      expect(Array.from(layout.turn)).toEqual([0, 1, 0, 1, 2])
      expect(Tokens.trajectoryCount(layout.trajectory)).toBe(2)
      const rows = Tokens.broadcastRows([1, -2], 2)
      expect(rows.arraySync()).toEqual([[1, 1], [-2, -2]])
      rows.dispose()
    }))

  it("masked means, overall and by turn", () =>
    Tensors.expectNoLeaks(() => {
      const values = tf.tensor2d([[1, 3, 100], [2, 100, 100], [5, 7, 9]])
      const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0], [1, 1, 1]])
      expect(Tokens.maskedMean(values, mask)).toBeCloseTo((1 + 3 + 2 + 5 + 7 + 9) / 6, 6)
      // turns [0, 2, 0]: turn 0 has tokens 1, 3, 5, 7, 9; turn 1 none; turn 2 has 2
      expect(Tokens.maskedMeanByTurn(values, mask, Int32Array.from([0, 2, 0]))).toEqual([5, undefined, 2])
      tf.dispose([values, mask])
    }))
})
