/**
 * Properties of the policy's token statistics and sampling: log-probabilities are ≤ 0 and
 * entropies lie in [0, log V]; both are invariant to a constant shift of a row of logits
 * (the lse-from-softmax trick must not break this); the statistics at temperature τ equal
 * those of logits / τ; a draw with top-k lands among the k most likely tokens and one with
 * top-p inside the nucleus; the recorded statistics ignore the truncation.
 */
import { Random } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { Choice, Ops, Params, Sampling } from "@epo/policy"

const { tokenStats } = Ops.TokenStats
const { sample } = Sampling

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const rowsOf = (v: number) => fc.array(fc.float({ min: -20, max: 20, noNaN: true, noDefaultInfinity: true }), { minLength: v, maxLength: v })
const logitsArb = fc.integer({ min: 2, max: 12 }).chain((v) =>
  fc.record({
    v: fc.constant(v),
    rows: fc.array(rowsOf(v), { minLength: 1, maxLength: 4 }),
    target: fc.nat(),
    shift: fc.float({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }),
    temperature: fc.constantFrom(0.5, 0.7, 1, 1.3)
  })
)

const stats = (rows: Array<Array<number>>, targets: Int32Array, temperature: number) =>
  tf.tidy(() => tokenStats(tf.tensor2d(rows), targets, temperature).arraySync() as Array<[number, number]>)

describe("token statistics", () => {
  it("logp ≤ 0, 0 ≤ H ≤ log V, shift-invariant, temperature = dividing the logits", () => {
    fc.assert(
      fc.property(logitsArb, ({ v, rows, target, shift, temperature }) => {
        const targets = Int32Array.from(rows, (_, i) => (target + i) % v)
        const base = stats(rows, targets, temperature)
        const shifted = stats(rows.map((r) => r.map((z) => z + shift)), targets, temperature)
        const divided = stats(rows.map((r) => r.map((z) => z / temperature)), targets, 1)
        base.forEach(([logp, h], i) => {
          expect(logp).toBeLessThanOrEqual(1e-5)
          expect(h).toBeGreaterThanOrEqual(-1e-5)
          expect(h).toBeLessThanOrEqual(Math.log(v) + 1e-4)
          expect(Math.abs(shifted[i][0] - logp)).toBeLessThan(1e-3 * (1 + Math.abs(logp)))
          expect(Math.abs(shifted[i][1] - h)).toBeLessThan(1e-3)
          expect(Math.abs(divided[i][0] - logp)).toBeLessThan(1e-4 * (1 + Math.abs(logp)))
          expect(Math.abs(divided[i][1] - h)).toBeLessThan(1e-4)
        })
      }),
      { numRuns: 60 }
    )
  })
})

describe("sampling", () => {
  it("top-k and top-p restrict the draw, not the recorded statistics", () => {
    fc.assert(
      fc.property(
        rowsOf(10),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.nat({ max: 1_000_000 }),
        (logits, k, p, seed) => {
          const key = Random.key(seed)
          const full = sample(logits, { temperature: 1 }, key)
          const topK = sample(logits, { temperature: 1, topK: k }, key)
          // Ranks by probability (logits closer than float precision tie).
          const m = Math.max(...logits)
          const w = logits.map((z) => Math.exp(z - m))
          const total = w.reduce((a, b) => a + b, 0)
          const rank = (t: number) => w.filter((x) => x > w[t]).length
          expect(rank(topK.token)).toBeLessThan(k)
          // The nucleus: tokens whose strictly-more-likely mass is below p.
          const above = (t: number) => w.reduce((s, x) => (x > w[t] ? s + x : s), 0) / total
          const nucleus = sample(logits, { temperature: 1, topP: p }, key)
          expect(above(nucleus.token)).toBeLessThan(p + 1e-9)
          // Statistics are those of the untruncated softmax.
          expect(topK.entropy).toBeCloseTo(full.entropy, 12)
          const lse = m + Math.log(total)
          expect(nucleus.logp).toBeCloseTo(logits[nucleus.token] - lse, 9)
        }
      ),
      {
        numRuns: 200,
        // Found by fast-check: probabilities 1/total and (1 - 1e-15)/total rounded equal, and
        // ranking by probability let index 3 outrank the likelier index 6 under top-k 1.
        examples: [[[0, 0, -0.003865534672513604, 2.9077162080304886e-17, 0, 0, 1.27675647831893e-15, 0, 0, 0], 1, 0.10003859562158075, 0]]
      }
    )
  })
})

describe("the learned choice scale (docs/objectives.md, Action scoring)", () => {
  // A tiny scoring model with weights scaled up from the 0.02 init, so that candidate
  // scores differ by more than rounding.
  const config = { vocab: 20, dModel: 8, layers: 1, heads: 2, context: 24, positions: "learned", valueHead: false, critic: "head", choiceScale: true, dropout: "none" } as const
  const tokens = fc.integer({ min: 3, max: 19 })
  const rowArb = fc.record({
    prompt: fc.array(tokens, { minLength: 1, maxLength: 6 }),
    candidates: fc.uniqueArray(fc.array(tokens, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 5, selector: (c) => c.join(",") })
  })

  it("raising θ never raises a decision's entropy and never lowers the probability of its best-scored candidate", () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 3 }),
        fc.double({ min: -1.5, max: 1.5, noNaN: true }),
        fc.double({ min: 0.01, max: 1.5, noNaN: true }),
        fc.constantFrom(0.5, 1, 1.7),
        fc.nat({ max: 1000 }),
        (raw, theta, rise, temperature, seed) => {
          const vars = Params.init(config, Random.key(seed))
          tf.tidy(() => vars.forEach((v) => v.shape.length === 2 && v.assign(tf.mul(v, 40))))
          const rows = raw.map((r) => ({ prompt: Int32Array.from(r.prompt), candidates: r.candidates.map((c) => Int32Array.from(c)) }))
          const options = { temperature, normalisation: "token" as const }
          const scores = Choice.scoresSync(vars, config, rows, "token").scores
          const at = (th: number) => {
            Params.get(vars, Params.choiceScale).assign(tf.tensor1d([th]))
            return tf.tidy(() => {
              const best = rows.map((_, b) => scores[b].indexOf(Math.max(...scores[b])))
              const ev = Choice.evaluateChoices(vars, config, rows.map((r, b) => ({ ...r, choice: best[b] })), options)
              return { entropy: ev.entropy.dataSync().slice(), logp: ev.logp.dataSync().slice() }
            })
          }
          const low = at(theta)
          const high = at(theta + rise)
          Params.dispose(vars)
          rows.forEach((_, b) => {
            expect(high.entropy[b]).toBeLessThanOrEqual(low.entropy[b] + 1e-5)
            expect(high.logp[b]).toBeGreaterThanOrEqual(low.logp[b] - 1e-5)
          })
        }
      ),
      { numRuns: 60 }
    )
  })
})
