/**
 * Every term's autodiff gradient against central finite differences on small random
 * inputs (cpu backend, float32; tolerances sized for float32). Inputs within a margin of
 * a kink (clip bounds, corridor bounds, value-clip bounds) are discarded with fc.pre:
 * there the function has no derivative to compare.
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, it } from "vitest"
import { Aggregation, Config, Kl, PolicyLoss, Presets, Smoothing, Term, Tokens, ValueLoss } from "@epo/objective"
import { expectClose, finite, matrix, numericGradient, params, useCpu } from "./Support.js"

/** Compares tf.grad of `f` at `x` with finite differences of `f`. */
const checkGradient = (f: (x: tf.Tensor) => tf.Scalar, x: number[][], h = 1e-2, atol = 2e-3, rtol = 2e-2) => {
  const shape = [x.length, x[0].length]
  const flat = x.flat()
  const analytic = tf.tidy(() => Array.from(tf.grad(f)(tf.tensor(flat, shape)).dataSync()))
  const numeric = numericGradient((v) => tf.tidy(() => f(tf.tensor(v, shape)).dataSync()[0]), flat, h)
  expectClose(analytic, numeric, atol, rtol)
}

const S = 2
const L = 3
const fullMask = () => tf.ones([S, L]) as tf.Tensor2D
const layout = () => ({ mask: tf.tensor2d([[1, 1, 0], [1, 1, 1]]), trajectory: Int32Array.from([0, 1]), turn: Int32Array.from([0, 0]) })

describe("gradients vs finite differences", () => {
  beforeAll(useCpu)

  it("log-probs and entropy w.r.t. logits (with temperature)", () => {
    fc.assert(
      fc.property(matrix(3, 4, -3, 3), finite(0.5, 2), fc.array(finite(-1, 1), { minLength: 3, maxLength: 3 }), (z, temperature, w) => {
        const weights = () => tf.tensor1d(w)
        const ids = () => tf.tensor1d([0, 3, 1], "int32")
        checkGradient((x) => tf.sum(tf.mul(Tokens.logProbs(x, ids(), temperature), weights())) as tf.Scalar, z)
        checkGradient((x) => tf.sum(tf.mul(Tokens.entropy(x, temperature), weights())) as tf.Scalar, z)
      }),
      params(25)
    )
  })

  it("every aggregation w.r.t. the values", () => {
    fc.assert(
      fc.property(matrix(S, L, -3, 3), (v) => {
        for (const aggregation of Object.values(Aggregation.aggregations)) checkGradient((x) => aggregation(x as tf.Tensor2D, layout()), v)
      }),
      params(10)
    )
  })

  const clipCase = fc.record({
    logRatio: matrix(S, L, -1, 1),
    advantages: matrix(S, L, -2, 2),
    clipLow: finite(0.1, 0.3),
    clipHigh: finite(0.1, 0.4)
  })

  for (const name of PolicyLoss.policyLossNames) {
    // GSPO's per-token gradient -A s (verl) is the derivative of its value only for
    // row-constant advantages under seq-mean-token-mean, the setting verl uses it in.
    const aggregation = name === "gspo" ? Aggregation.seqMeanTokenMean : Aggregation.tokenMean
    it(`policy loss "${name}" w.r.t. logp`, () => {
      fc.assert(
        fc.property(fc.noBias(clipCase), (c) => {
          const advantages = name === "gspo" ? c.advantages.map((row) => row.map(() => row[0])) : c.advantages
          const rowMeans = c.logRatio.map((row) => row.reduce((a, b) => a + b, 0) / L)
          const ratios = name === "gspo" ? rowMeans.map(Math.exp) : c.logRatio.flat().map(Math.exp)
          const nearKink = ratios.some((r) => Math.abs(r - (1 + c.clipHigh)) < 0.03 || Math.abs(r - (1 - c.clipLow)) < 0.03 || Math.abs(r - 3) < 0.05)
          fc.pre(!nearKink)
          const loss = (x: tf.Tensor) =>
            aggregation(
              PolicyLoss.policyLosses[name](
                { logp: x as tf.Tensor2D, oldLogp: tf.zeros([S, L]) as tf.Tensor2D, advantages: tf.tensor2d(advantages), mask: fullMask() },
                { clipLow: c.clipLow, clipHigh: c.clipHigh, dualClip: 3 }
              ).loss,
              { mask: fullMask(), trajectory: Int32Array.from([0, 1]), turn: new Int32Array(S) }
            )
          checkGradient(loss, c.logRatio, 1e-3)
        }),
        params(30)
      )
    })
  }

  for (const name of ["k1", "abs", "k2", "k3"] as const) {
    it(`KL estimator ${name} w.r.t. logp`, () => {
      fc.assert(
        // ref = logp + d with |d| >= 0.05: away from the kink of |.| at 0
        fc.property(matrix(S, L, -3, 0), matrix(S, L, 0.05, 1), matrix(S, L, -1, 1), (logp, size, sign) => {
          const ref = logp.map((row, s) => row.map((v, i) => v + Math.sign(sign[s][i] || 1) * size[s][i]))
          checkGradient((x) => tf.sum(Kl.klEstimators[name](x, tf.tensor2d(ref))) as tf.Scalar, logp)
        }),
        params(20)
      )
    })
  }

  it("smoothing penalty w.r.t. entropy", () => {
    fc.assert(
      fc.property(fc.noBias(fc.tuple(matrix(S, L, 0, 3), finite(0.3, 1.5))), ([h, reference]) => {
        fc.pre(h.flat().every((v) => Math.abs(v - 0.5 * reference) > 0.03 && Math.abs(v - 1.5 * reference) > 0.03))
        checkGradient((x) => tf.sum(Smoothing.smoothingPenalty(x, reference, { kappaLow: 0.5, kappaHigh: 1.5 })) as tf.Scalar, h)
      }),
      params(30)
    )
  })

  it("clipped value loss w.r.t. values", () => {
    fc.assert(
      fc.property(fc.noBias(fc.tuple(matrix(S, L, -2, 2), matrix(S, L, -2, 2), matrix(S, L, -2, 2))), ([v, old, ret]) => {
        const clip = 0.3
        const flat = v.flat()
        const o = old.flat()
        const r = ret.flat()
        fc.pre(
          flat.every((x, i) => {
            const clipped = o[i] + Math.max(-clip, Math.min(clip, x - o[i]))
            const inside = Math.abs(x - o[i]) < clip
            return Math.abs(Math.abs(x - o[i]) - clip) > 0.03 && (inside || Math.abs((x - r[i]) ** 2 - (clipped - r[i]) ** 2) > 0.03)
          })
        )
        checkGradient((x) => tf.sum(ValueLoss.clippedValueLoss(x, tf.tensor2d(old), tf.tensor2d(ret), clip)) as tf.Scalar, v)
      }),
      params(30)
    )
  })

  it("the whole EPO objective w.r.t. the logits (through the fused log-probs and entropy, temperatures 0.5..2)", () => {
    const V = 3
    const config = { ...Config.defaults("epo"), lambda: 0.5, alpha: 0.4, kappaLow: 0.5, kappaHigh: 1.5 }
    const objective = Presets.epo(config)
    const context = (reference: number) => ({ step: 2, totalSteps: 10, entropyReference: reference })
    fc.assert(
      fc.property(matrix(S * L, V, -2, 2), matrix(S, L, -0.1, 0.1), matrix(S, L, -2, 2), finite(0.3, 1), finite(0.5, 2), (z, offset, advantages, reference, temperature) => {
        const tokens = [0, 1, 2, 2, 1, 0]
        const entropies = tf.tidy(() => Array.from(Tokens.entropy(tf.tensor2d(z), temperature).dataSync()))
        fc.pre(entropies.every((e) => Math.abs(e - 0.5 * reference) > 0.05 && Math.abs(e - 1.5 * reference) > 0.05))
        const oldLogp = tf.tidy(() => Array.from(Tokens.logProbs(tf.tensor2d(z), tf.tensor1d(tokens, "int32"), temperature).dataSync()))
        const loss = (x: tf.Tensor) => {
          const { logp, entropy } = Tokens.logProbsAndEntropy(x, tf.tensor1d(tokens, "int32"), temperature)
          const batch = {
            logp: logp.reshape([S, L]) as tf.Tensor2D,
            entropy: entropy.reshape([S, L]) as tf.Tensor2D,
            oldLogp: tf.add(tf.tensor2d(oldLogp, [S, L]), tf.tensor2d(offset)) as tf.Tensor2D,
            advantages: tf.tensor2d(advantages),
            mask: tf.tensor2d([[1, 1, 0], [1, 1, 1]]),
            trajectory: Int32Array.from([0, 0]),
            turn: Int32Array.from([0, 1])
          }
          return Term.evaluate(objective, batch, context(reference)).value
        }
        checkGradient(loss, z, 1e-2, 2e-3, 3e-2)
      }),
      params(20)
    )
  })
})
