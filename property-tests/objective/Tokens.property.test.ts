/**
 * The per-token quantities from logits against their float64 definitions (spec
 * §Setting; Reference.ts `tokenQuantities`), at temperatures 0.3..3, with masked
 * (-Infinity) vocabulary entries in a share of rows, the taken token's included:
 * log p(token) = z'_token - logsumexp(z'), H = -sum p log p with z' = z / T, and their
 * gradients (onehot - p) / T and -p (log p + H) / T, from the plain functions (autodiff)
 * and from the fused op (closed-form backward). Plus the layout helpers: response mask,
 * row layout, trajectory count, row broadcast, masked means overall and by turn.
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { Tokens } from "@epo/objective"
import { tokenQuantities } from "./Reference.js"
import { expectClose, finite, layout, magnitude, params, tally, useCpu } from "./Support.js"

const ROWS = 6

/** Logits [ROWS, V] at a scale 0.3..30, some entries -Infinity (never a whole row), taken tokens, temperature. */
const logitCase = fc.integer({ min: 2, max: 8 }).chain((V) =>
  fc.record({
    logits: fc.array(
      fc.record({ z: fc.array(finite(-1, 1), { minLength: V, maxLength: V }), masked: fc.array(fc.boolean(), { minLength: V, maxLength: V }), masking: fc.boolean() }).map(({ z, masked, masking }) => {
        const keep = masked.indexOf(false)
        return z.map((x, v) => (masking && keep >= 0 && masked[v] && v !== keep ? -Infinity : x))
      }),
      { minLength: ROWS, maxLength: ROWS }
    ),
    scale: magnitude(-0.5, 1.5).map(Math.abs),
    tokens: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: ROWS, maxLength: ROWS }),
    temperature: fc.oneof(fc.constant(1), finite(0.3, 3)),
    weights: fc.array(fc.tuple(finite(-1, 1), finite(-1, 1)), { minLength: ROWS, maxLength: ROWS })
  })
)
type LogitCase = typeof logitCase extends fc.Arbitrary<infer T> ? T : never

const scaledLogits = (c: LogitCase) => c.logits.map((z) => z.map((x) => x * c.scale))

/** logp, H and d(sum wLogp logp + wH H)/dz by both routes. */
const library = (c: LogitCase, fused: boolean) =>
  tf.tidy(() => {
    const ids = tf.tensor1d(c.tokens, "int32")
    const [wLogp, wH] = [tf.tensor1d(c.weights.map((w) => w[0])), tf.tensor1d(c.weights.map((w) => w[1]))]
    const both = (z: tf.Tensor) =>
      fused ? Tokens.logProbsAndEntropy(z, ids, c.temperature) : { logp: Tokens.logProbs(z, ids, c.temperature), entropy: Tokens.entropy(z, c.temperature) }
    const z = tf.tensor2d(scaledLogits(c))
    const q = both(z)
    const gradient = tf.grad((x: tf.Tensor) => {
      const r = both(x)
      return tf.add(tf.sum(tf.mul(r.logp, wLogp)), tf.sum(tf.mul(r.entropy, wH))) as tf.Scalar
    })(z)
    return { logp: Array.from(q.logp.dataSync()), entropy: Array.from(q.entropy.dataSync()), gradient: gradient.arraySync() as number[][] }
  })

describe("log-probs and entropy from logits", () => {
  beforeAll(useCpu)

  for (const fused of [false, true]) {
    it(`${fused ? "logProbsAndEntropy (fused, closed-form backward)" : "logProbs and entropy (autodiff)"}: values and gradients equal the definitions at any temperature, with masked words`, () => {
      const seen = tally()
      fc.assert(
        fc.property(logitCase, (c) => {
          // the taken token masked: log p = -Infinity, and no finite gradient to compare
          const takenMasked = c.tokens.map((t, s) => !Number.isFinite(c.logits[s][t]))
          const out = library({ ...c, tokens: c.tokens.map((t, s) => (takenMasked[s] ? c.logits[s].findIndex(Number.isFinite) : t)) }, fused)
          const rows = scaledLogits(c)
          rows.forEach((z, s) => {
            const token = takenMasked[s] ? z.findIndex(Number.isFinite) : c.tokens[s]
            const exact = tokenQuantities(z, token, c.temperature)
            expect(Math.abs(out.logp[s] - exact.logp)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(exact.logp)))
            expect(Math.abs(out.entropy[s] - exact.entropy)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(exact.entropy)))
            const [wLogp, wH] = c.weights[s]
            const expected = exact.dLogp.map((g, v) => wLogp * g + wH * exact.dEntropy[v])
            expectClose(out.gradient[s], expected, 1e-5 * (1 + Math.max(...expected.map(Math.abs))), 1e-3)
            seen.run()
            seen.hit("masked words", z.some((x) => !Number.isFinite(x)))
            seen.hit("temperature other than 1", c.temperature !== 1)
          })
        }),
        params(80)
      )
      expect(seen.share("masked words")).toBeGreaterThan(0.25)
      expect(seen.share("temperature other than 1")).toBeGreaterThan(0.3)
    })
  }

  it("a taken token whose logit is -Infinity has log p = -Infinity; the row's entropy stays finite", () => {
    fc.assert(
      fc.property(logitCase, (c) => {
        const z = scaledLogits(c)[0]
        const masked = [...z.slice(0, -1), -Infinity]
        fc.pre(masked.some(Number.isFinite))
        const [plain, fused, h] = tf.tidy(() => {
          const logits = tf.tensor2d([masked])
          const ids = tf.tensor1d([masked.length - 1], "int32")
          return [Tokens.logProbs(logits, ids, c.temperature).dataSync()[0], Tokens.logProbsAndEntropy(logits, ids, c.temperature).logp.dataSync()[0], Tokens.entropy(logits, c.temperature).dataSync()[0]]
        })
        expect(plain).toBe(-Infinity)
        expect(fused).toBe(-Infinity)
        expect(h).toBeCloseTo(tokenQuantities(masked, 0, c.temperature).entropy, 4)
      }),
      params(20)
    )
  })

  it("[S, L, V] logits give [S, L] quantities and gradients, the same as [S L, V] row by row", () => {
    fc.assert(
      fc.property(logitCase, fc.boolean(), (c, fused) => {
        const V = c.logits[0].length
        const [flat, nested] = [[ROWS, V], [2, ROWS / 2, V]].map((shape) =>
          tf.tidy(() => {
            const z = tf.tensor(scaledLogits(c).flat(), shape)
            const ids = tf.tensor(c.tokens, shape.slice(0, -1), "int32")
            const [wLogp, wH] = [0, 1].map((k) => tf.tensor(c.weights.map((w) => w[k]), shape.slice(0, -1)))
            const both = (x: tf.Tensor) => (fused ? Tokens.logProbsAndEntropy(x, ids, c.temperature) : { logp: Tokens.logProbs(x, ids, c.temperature), entropy: Tokens.entropy(x, c.temperature) })
            const q = both(z)
            expect(q.logp.shape).toEqual(shape.slice(0, -1))
            expect(q.entropy.shape).toEqual(shape.slice(0, -1))
            const gradient = tf.grad((x: tf.Tensor) => {
              const r = both(x)
              return tf.add(tf.sum(tf.mul(r.logp, wLogp)), tf.sum(tf.mul(r.entropy, wH))) as tf.Scalar
            })(z)
            return [...q.logp.dataSync(), ...q.entropy.dataSync(), ...gradient.dataSync()]
          })
        )
        expectClose(nested, flat, 1e-6, 1e-5)
      }),
      params(30)
    )
  })
})

describe("layout helpers", () => {
  beforeAll(useCpu)

  it("responseMask, rowLayout, trajectoryCount and broadcastRows follow their definitions", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), (sizes, length) => {
        const mask = tf.tidy(() => Tokens.responseMask(sizes, length).arraySync())
        expect(mask).toEqual(sizes.map((n) => Array.from({ length }, (_, i) => (i < n ? 1 : 0))))
        const rows = Tokens.rowLayout(sizes)
        expect(Array.from(rows.trajectory)).toEqual(sizes.flatMap((n, j) => Array(n).fill(j)))
        expect(Array.from(rows.turn)).toEqual(sizes.flatMap((n) => [...Array(n).keys()]))
        expect(Tokens.trajectoryCount(Int32Array.from(sizes))).toBe(Math.max(...sizes) + 1)
        expect(Tokens.trajectoryCount(new Int32Array(0))).toBe(0)
        expect(tf.tidy(() => Tokens.broadcastRows(sizes, length).arraySync())).toEqual(sizes.map((n) => Array(length).fill(n)))
      }),
      params(100)
    )
  })

  it("maskedMean is the token mean (0 without tokens); maskedMeanByTurn the token mean of each turn index, undefined without tokens", () => {
    const cases = layout(1, 6, 4, 1).chain((l) =>
      fc.record({
        layout: fc.constant(l),
        values: fc.array(fc.array(magnitude(-1, 1), { minLength: l.mask[0].length, maxLength: l.mask[0].length }), { minLength: l.mask.length, maxLength: l.mask.length }),
        turn: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: l.mask.length, maxLength: l.mask.length })
      })
    )
    fc.assert(
      fc.property(cases, ({ layout: l, values, turn }) => {
        const v = tf.tensor2d(values)
        const m = tf.tensor2d(l.mask)
        const before = tf.memory().numTensors
        const [mean, byTurn] = [Tokens.maskedMean(v, m), Tokens.maskedMeanByTurn(v, m, Int32Array.from(turn))]
        expect(tf.memory().numTensors).toBe(before) // read back, nothing left behind
        tf.dispose([v, m])
        const tokens = l.mask.flatMap((row, s) => row.flatMap((m, i) => (m === 1 ? [{ value: values[s][i], turn: turn[s] }] : [])))
        const average = (xs: ReadonlyArray<number>) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length)
        const size = 1e-5 * Math.max(1, ...values.flat().map(Math.abs))
        expect(Math.abs(mean - (average(tokens.map((t) => t.value)) ?? 0))).toBeLessThanOrEqual(size)
        expect(byTurn.length).toBe(Math.max(...turn) + 1)
        byTurn.forEach((x, t) => {
          const expected = average(tokens.filter((k) => k.turn === t).map((k) => k.value))
          if (expected === undefined) expect(x).toBeUndefined()
          else expect(Math.abs(x! - expected)).toBeLessThanOrEqual(size)
        })
      }),
      params(100)
    )
  })
})
