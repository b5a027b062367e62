import { it } from "@effect/vitest"
import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { beforeAll, describe, expect } from "vitest"
import * as Config from "./Config.js"
import * as Presets from "./Presets.js"
import * as Term from "./Term.js"
import * as Batch from "./TokenBatch.js"

const arrays: Batch.BatchArrays = {
  logp: [[-1, -2], [-0.5, 0]],
  entropy: [[1, 3], [0.2, 0]],
  advantages: [[1, 1], [-1, -1]],
  mask: [[1, 1], [1, 0]],
  refLogp: [[-1, -2], [-0.5, 0]],
  trajectory: [0, 1],
  turn: [0, 0]
}

const numbers = (term: Term.Term, context: Term.EvalContext, a: Batch.BatchArrays = arrays) =>
  tf.tidy(() => Term.read(Term.evaluate(term, Batch.fromArrays(a), context)))

const entropyGradient = (term: Term.Term, context: Term.EvalContext, a: Batch.BatchArrays) =>
  tf.tidy(() => {
    const batch = Batch.fromArrays(a)
    return Array.from(tf.grad((h: tf.Tensor) => Term.evaluate(term, { ...batch, entropy: h as tf.Tensor2D }, context).value)(batch.entropy).dataSync())
  })

describe("presets", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu")
  })

  it("epo: L_clip - lambda (L_H - beta_k L_smooth), hand-computed", () =>
    Tensors.expectNoLeaks(() => {
      const out = numbers(Presets.epo(Config.defaults("epo")), { step: 3, totalSteps: 10, entropyReference: 1 })
      const beta = 1 + Math.exp(-3 * 3 / 5)
      // L_clip: ratio 1, token mean of -A = (-1 - 1 + 1) / 3
      expect(out.policy_loss).toBeCloseTo(-1 / 3, 6)
      // L_H (Eq. 2): trajectory 0 row mean 2, trajectory 1 row mean 0.2
      expect(out.entropy).toBeCloseTo(1.1, 6)
      // corridor [0, 2]: only H = 3 is outside (P = 1): alpha * (1/2) / 2 trajectories
      expect(out.smoothing).toBeCloseTo(0.025, 6)
      expect(out.beta).toBeCloseTo(beta, 6)
      expect(out.loss).toBeCloseTo(-1 / 3 - 0.001 * (1.1 - beta * 0.025), 6)
    }))

  it("epo: no smoothing at step 0 (no reference)", () =>
    Tensors.expectNoLeaks(() => {
      const out = numbers(Presets.epo(Config.defaults("epo")), { step: 0, totalSteps: 10 })
      expect(out.smoothing).toBe(0)
      expect(out.loss).toBeCloseTo(-1 / 3 - 0.001 * 1.1, 6)
    }))

  it("epo: the coefficient on dH is lambda (1 + beta alpha) below, lambda inside, lambda (1 - beta alpha) above", () =>
    Tensors.expectNoLeaks(() => {
      const one = { logp: [[0, 0, 0]], entropy: [[0.2, 1, 3]], advantages: [[0, 0, 0]], mask: [[1, 1, 1]], trajectory: [0], turn: [0] }
      const config = { ...Config.defaults("epo"), kappaLow: 0.5, kappaHigh: 1.5 }
      // step 0 of K = 10: beta_0 = 2, alpha = 0.1 -> factors 1.2, 1, 0.8; token weight 1/3
      const g = entropyGradient(Presets.epo(config), { step: 0, totalSteps: 10, entropyReference: 1 }, one)
      ;[1.2, 1, 0.8].forEach((f, i) => expect(g[i]).toBeCloseTo((-0.001 * f) / 3, 8))
    }))

  it("epo-released: the indicator shifts the loss but not the gradient; only for late-turn batches", () =>
    Tensors.expectNoLeaks(() => {
      const c = { ...Config.defaults("epo-released"), maxTurns: 4 }
      const late = { ...arrays, turn: [2, 0] } // a row with turn >= 4 // 2
      const context = { step: 0, totalSteps: 10, turnEntropyReference: [1, 1, 1] }
      const out = numbers(Presets.epoReleased(c), context, late)
      // token-mean entropy 4.2 / 3; indicator: H = 3 outside [0, 2] (one of 3 tokens), w_0 = 1
      expect(out.entropy).toBeCloseTo(1.4, 6)
      expect(out.smoothing).toBeCloseTo(0.1 / 3, 6)
      expect(out.smoothing_weight).toBe(1)
      expect(out.loss).toBeCloseTo(-1 / 3 - 0.001 * (1.4 - 0.1 / 3), 6)
      expect(numbers(Presets.epoReleased(c), context).smoothing).toBe(0) // turns 0 only: not applied
      const g = entropyGradient(Presets.epoReleased(c), context, late)
      ;[1, 1, 1, 0].forEach((m, i) => expect(g[i]).toBeCloseTo((-0.001 * m) / 3, 8)) // exactly the plain bonus
    }))

  it("ppo and grpo: entropy coefficient, KL term", () =>
    Tensors.expectNoLeaks(() => {
      const ppo = numbers(Presets.ppo({ ...Config.defaults("ppo"), entropyCoefficient: 0.01 }), { step: 0, totalSteps: 1 })
      expect(ppo.loss).toBeCloseTo(-1 / 3 - 0.01 * 1.4, 6)
      const shifted = { ...arrays, refLogp: [[-1 + Math.log(2), -2], [-0.5, 0]] }
      const grpo = numbers(Presets.grpo(Config.defaults("grpo")), { step: 0, totalSteps: 1 }, shifted)
      // k3 on the first token only (d = ln 2): exp(d) - d - 1 = 1 - ln 2; token mean over 3
      expect(grpo.kl).toBeCloseTo((1 - Math.log(2)) / 3, 6)
      expect(grpo.loss).toBeCloseTo(-1 / 3 + 0.01 * grpo.kl, 6)
    }))

  it("the KL term is aggregated like the policy loss (verl's loss_agg_mode)", () =>
    Tensors.expectNoLeaks(() => {
      const shifted = { ...arrays, refLogp: [[-1 + Math.log(2), -2], [-0.5, 0]] }
      const context = { step: 0, totalSteps: 1 }
      // k3 = 1 - ln 2 on the first token only; row means (1 - ln 2) / 2 and 0
      const perRow = numbers(Presets.grpo({ ...Config.defaults("grpo"), lossAggregation: "seq-mean-token-mean" }), context, shifted)
      expect(perRow.kl).toBeCloseTo((1 - Math.log(2)) / 4, 6)
      const epo = numbers(Presets.epo({ ...Config.defaults("epo"), lossAggregation: "seq-mean-token-sum", kl: { estimator: "low_var_kl", coefficient: 0.1 } }), context, shifted)
      expect(epo.kl).toBeCloseTo((1 - Math.log(2)) / 2, 6)
    }))

  it.effect("fromConfig builds a preset by name and rejects bad configurations", () =>
    Effect.gen(function* () {
      const term = yield* Presets.fromConfig({ preset: "epo", alpha: 0.05 })
      const batch = Batch.fromArrays(arrays)
      const out = Term.read(yield* Term.evaluateChecked(term, batch, { step: 1, totalSteps: 10, entropyReference: 1 }))
      expect(out.smoothing).toBeCloseTo(0.0125, 6)
      const missingRef = { ...batch, refLogp: undefined }
      const grpo = yield* Presets.fromConfig({ preset: "grpo" })
      expect((yield* Effect.flip(Term.evaluateChecked(grpo, missingRef, { step: 0, totalSteps: 1 }))).what).toBe("TokenBatch.refLogp")
      Batch.dispose(batch)
      const error = yield* Effect.flip(Presets.fromConfig({ preset: "epo", kappaLow: 0.9, kappaHigh: 0.95 }))
      expect(error.field).toBe("objective.kappaHigh")
      expect(Object.keys(Presets.presets)).toEqual([...Config.presetNames])
    })
  )
})
