/**
 * EPO's smoothing penalty and its released-code variant (paper v2 Eqs. 3-4, Appendix A):
 * - A.10: P >= 0; P = 0 exactly inside [kappa_l Hbar, kappa_r Hbar] and the distance to
 *   the corridor outside; 1-Lipschitz in H. Entropies are drawn below, inside and above
 *   the corridor, at distances from 1e-3 to 1 times the reference (shares asserted).
 * - A.11: d(alpha P(H(z)))/dz = -alpha dH/dz below, 0 inside, +alpha dH/dz above, with
 *   dH/dz from the float64 closed form at temperatures 0.5..2, tokens in all three
 *   regions.
 * - The terms: `Terms.smoothing` is alpha P aggregated (nothing at step 0); the released
 *   `Terms.releasedSmoothing` is alpha 1[outside] around the per-turn reference, only for
 *   batches holding a turn >= maxTurns // 2, with zero gradient everywhere.
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { Batch, Smoothing, Term, Terms, Tokens } from "@epo/objective"
import { aggregationNames, dot, hinge, outside, tokenQuantities, weights } from "./Reference.js"
import { expectClose, finite, layout, magnitude, matrix, params, tally, useCpu } from "./Support.js"

const corridor = fc.record({ kappaLow: finite(0, 0.95), kappaHigh: finite(1.05, 3), reference: magnitude(-2, 1).map(Math.abs) })
type Corridor = typeof corridor extends fc.Arbitrary<infer T> ? T : never
const regions = ["below", "inside", "above"] as const

/** An entropy in the named region of the corridor, at a relative distance 1e-3..1 from its edges. */
const entropyIn = (c: Corridor) => {
  const [low, high] = [c.kappaLow * c.reference, c.kappaHigh * c.reference]
  const distance = magnitude(-3, 0).map((d) => Math.abs(d) * c.reference)
  return fc.oneof(
    distance.map((d) => ({ region: "below" as const, h: Math.max(0, low - d) })),
    fc.tuple(finite(0.001, 0.999)).map(([u]) => ({ region: "inside" as const, h: low + u * (high - low) })),
    distance.map((d) => ({ region: "above" as const, h: high + d }))
  )
}

const penalty = (h: ReadonlyArray<number>, c: Corridor) => tf.tidy(() => Array.from(Smoothing.smoothingPenalty(tf.tensor1d([...h]), c.reference, c).dataSync()))

describe("smoothing penalty, Lemma A.10", () => {
  beforeAll(useCpu)

  it("P is the distance to the corridor: >= 0, 0 exactly inside, positive outside; 1-Lipschitz", () => {
    const seen = tally()
    const pairs = corridor.chain((c) => fc.record({ c: fc.constant(c), first: entropyIn(c), second: entropyIn(c) }))
    fc.assert(
      fc.property(pairs, ({ c, first, second }) => {
        // Below a lower edge of 0 there is nothing: H >= 0.
        const real = first.region !== "below" || first.h < c.kappaLow * c.reference
        const [p1, p2] = penalty([first.h, second.h], c)
        const expected = hinge(first.h, c.reference, c).value
        expect(Math.abs(p1 - expected)).toBeLessThanOrEqual(1e-6 * (first.h + c.kappaHigh * c.reference))
        expect(p1).toBeGreaterThanOrEqual(0)
        if (first.region === "inside") expect(p1).toBe(0)
        else if (real) expect(p1).toBeGreaterThan(0)
        expect(Math.abs(p1 - p2)).toBeLessThanOrEqual(Math.abs(first.h - second.h) * (1 + 1e-5) + 1e-6 * (first.h + second.h))
        seen.run()
        if (real) seen.hit(first.region)
      }),
      params(300)
    )
    for (const region of regions) expect(seen.share(region), region).toBeGreaterThan(0.2)
  })

  it("the released indicator is alpha exactly outside the corridor, 0 inside", () => {
    const cases = fc.record({ c: corridor, alpha: finite(0.01, 0.5) }).chain(({ c, alpha }) => fc.record({ c: fc.constant(c), alpha: fc.constant(alpha), hs: fc.array(entropyIn(c), { minLength: 6, maxLength: 6 }) }))
    fc.assert(
      fc.property(cases, ({ c, alpha, hs }) => {
        const values = tf.tidy(() => Array.from(Smoothing.indicatorPenalty(tf.tensor1d(hs.map((x) => x.h)), c.reference, c, alpha).dataSync()))
        hs.forEach((x, i) => expect(values[i]).toBeCloseTo(alpha * outside(x.h, c.reference, c), 6))
      }),
      params(100)
    )
  })
})

describe("smoothing gradient w.r.t. logits, Lemma A.11", () => {
  beforeAll(useCpu)

  const TOKENS = 6
  const VOCABULARY = 4
  // The corridor is centred on the tokens' mean entropy, so that tokens fall on all sides.
  const setting = fc.record({
    logits: matrix(TOKENS, VOCABULARY, -4, 4),
    temperature: finite(0.5, 2),
    kappaLow: finite(0.5, 0.95),
    kappaHigh: finite(1.05, 1.5),
    alpha: finite(0.01, 0.45)
  })

  it("per token: -alpha dH/dz below, 0 inside, +alpha dH/dz above (temperatures 0.5..2); the indicator's gradient is 0", () => {
    const seen = tally()
    fc.assert(
      fc.property(setting, (s) => {
        const exact = s.logits.map((z) => tokenQuantities(z, 0, s.temperature))
        const reference = exact.reduce((a, q) => a + q.entropy, 0) / TOKENS
        const c = { ...s, reference }
        fc.pre(exact.every((q) => [s.kappaLow, s.kappaHigh].every((k) => Math.abs(q.entropy - k * reference) > 1e-3 * reference)))
        const [dP, dIndicator] = tf.tidy(() => {
          const z = tf.tensor2d(s.logits)
          const entropy = (x: tf.Tensor) => Tokens.entropy(x, s.temperature)
          const paper = (x: tf.Tensor) => tf.sum(tf.mul(Smoothing.smoothingPenalty(entropy(x), reference, c), s.alpha)) as tf.Scalar
          const released = (x: tf.Tensor) => tf.sum(Smoothing.indicatorPenalty(entropy(x), reference, c, s.alpha)) as tf.Scalar
          return [tf.grad(paper)(z).arraySync() as number[][], Array.from(tf.grad(released)(z).dataSync())]
        })
        exact.forEach((q, i) => {
          const { slope } = hinge(q.entropy, reference, c)
          expectClose(dP[i], q.dEntropy.map((g) => slope * s.alpha * g), 1e-6, 2e-3)
          seen.run()
          seen.hit(regions[slope + 1])
        })
        expect(dIndicator.every((g) => g === 0)).toBe(true)
      }),
      params(60)
    )
    for (const region of regions) expect(seen.share(region), region).toBeGreaterThan(0.15)
  })
})

describe("the smoothing terms", () => {
  beforeAll(useCpu)

  const batch = layout().chain((l) =>
    fc.record({
      layout: fc.constant(l),
      entropy: fc.array(fc.array(finite(0, 3), { minLength: l.mask[0].length, maxLength: l.mask[0].length }), { minLength: l.mask.length, maxLength: l.mask.length }),
      turn: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: l.mask.length, maxLength: l.mask.length }),
      aggregation: fc.constantFrom(...aggregationNames),
      corridor: fc.record({ kappaLow: finite(0, 0.9), kappaHigh: finite(1.1, 2), alpha: finite(0.01, 0.45) })
    })
  )
  type Case = typeof batch extends fc.Arbitrary<infer T> ? T : never

  /** The term's value and its gradient w.r.t. the entropy. */
  const evaluate = (term: ReturnType<typeof Terms.smoothing>, c: Case, context: Parameters<typeof term.evaluate>[1]) =>
    tf.tidy(() => {
      const h = tf.tensor2d(c.entropy)
      const zeros = tf.zerosLike(h) as tf.Tensor2D
      const of = (entropy: tf.Tensor) =>
        term.evaluate(
          { logp: zeros, oldLogp: zeros, advantages: zeros, entropy: entropy as tf.Tensor2D, mask: tf.tensor2d(c.layout.mask), trajectory: Int32Array.from(c.layout.trajectory), turn: Int32Array.from(c.turn) },
          context
        ).value
      return { value: of(h).dataSync()[0], gradient: tf.grad(of)(h).arraySync() as number[][] }
    })

  it("Terms.smoothing is alpha P aggregated, with the gradient alpha dP/dH times the weights; nothing at step 0", () => {
    fc.assert(
      fc.property(batch, finite(0.3, 2), (c, reference) => {
        fc.pre(c.entropy.flat().every((h) => [c.corridor.kappaLow, c.corridor.kappaHigh].every((k) => Math.abs(h - k * reference) > 1e-4)))
        const term = Terms.smoothing(c.corridor, c.aggregation)
        const w = weights(c.aggregation, c.layout)
        const hinges = c.entropy.map((row) => row.map((h) => hinge(h, reference, c.corridor)))
        const out = evaluate(term, c, { step: 3, totalSteps: 10, entropyReference: reference })
        expect(out.value).toBeCloseTo(dot(w, hinges.map((row) => row.map((x) => c.corridor.alpha * x.value))), 5)
        expectClose(out.gradient.flat(), w.flatMap((row, s) => row.map((v, i) => v * c.corridor.alpha * hinges[s][i].slope)), 1e-7, 1e-4)
        const first = tf.tidy(() => Term.read(Term.evaluate(term, Batch.fromArrays({ logp: c.entropy, entropy: c.entropy, advantages: c.entropy, mask: c.layout.mask, trajectory: c.layout.trajectory, turn: c.turn }), { step: 0, totalSteps: 10 })))
        expect(first.loss).toBe(0)
      }),
      params(80)
    )
  })

  it("Terms.releasedSmoothing: alpha 1[outside] around each row's turn reference, only with a turn >= maxTurns // 2; zero gradient", () => {
    const seen = tally()
    const references = fc.option(fc.array(finite(0.3, 2), { minLength: 0, maxLength: 8 }), { freq: 8 })
    fc.assert(
      fc.property(batch, references, fc.integer({ min: 2, max: 14 }), fc.constantFrom("any", "even edge", "odd edge", "past the edge"), (c, turnReference, anyMaxTurns, edge) => {
        // Often the latest turn sits exactly at maxTurns // 2, the first turn that applies,
        // or just below it.
        const latest = Math.max(...c.turn)
        const maxTurns = edge === "any" || latest === 0 ? anyMaxTurns : 2 * latest + { "even edge": 0, "odd edge": 1, "past the edge": 2 }[edge]
        const reference = (t: number) => turnReference?.[t] ?? 0
        fc.pre(c.entropy.flat().every((h, k) => [c.corridor.kappaLow, c.corridor.kappaHigh].every((kappa) => Math.abs(h - kappa * reference(c.turn[Math.floor(k / c.entropy[0].length)])) > 1e-4)))
        const term = Terms.releasedSmoothing({ ...c.corridor, maxTurns }, c.aggregation)
        const out = evaluate(term, c, { step: 3, totalSteps: 10, turnEntropyReference: turnReference ?? undefined })
        const applies = turnReference !== null && c.turn.some((t) => t >= Math.floor(maxTurns / 2))
        const indicators = c.entropy.map((row, s) => row.map((h) => (applies ? c.corridor.alpha * outside(h, reference(c.turn[s]), c.corridor) : 0)))
        expect(out.value).toBeCloseTo(dot(weights(c.aggregation, c.layout), indicators), 5)
        expect(out.gradient.flat().every((g) => g === 0)).toBe(true)
        seen.run()
        seen.hit("applies", applies)
        seen.hit("late turn but no reference", turnReference === null && c.turn.some((t) => t >= Math.floor(maxTurns / 2)))
        seen.hit("only early turns", turnReference !== null && !applies)
        seen.hit("applies with tokens outside", applies && out.value > 0)
        seen.hit("latest turn exactly maxTurns // 2, tokens outside", latest === Math.floor(maxTurns / 2) && applies && out.value > 0)
      }),
      params(120)
    )
    for (const [label, share] of [["applies", 0.3], ["late turn but no reference", 0.03], ["only early turns", 0.1], ["applies with tokens outside", 0.2], ["latest turn exactly maxTurns // 2, tokens outside", 0.2]] as const) {
      expect(seen.share(label), label).toBeGreaterThan(share)
    }
  })

  it("the released indicator has zero gradient even where the paper's penalty does not", () => {
    // H of softmax(0, 0.5, 1, 1.5) is ~1.2, above the corridor [0, 2 * 0.5]
    const [paper, released] = tf.tidy(() => {
      const z = tf.tensor2d([[0, 0.5, 1, 1.5]])
      const c = { kappaLow: 0, kappaHigh: 2 }
      const g = (f: (h: tf.Tensor) => tf.Tensor) => tf.grad((x: tf.Tensor) => tf.sum(f(Tokens.entropy(x))))(z)
      return [Array.from(g((h) => Smoothing.smoothingPenalty(h, 0.5, c)).dataSync()), Array.from(g((h) => Smoothing.indicatorPenalty(h, 0.5, c, 0.1)).dataSync())]
    })
    expect(paper.some((x) => Math.abs(x) > 1e-3)).toBe(true)
    expect(released.every((x) => x === 0)).toBe(true)
  })
})
