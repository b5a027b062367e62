/**
 * Action scoring: the packed prefix-tree pass gives each candidate exactly the
 * log-likelihood the plain evaluation pass gives prompt ++ candidate, normalised as asked;
 * the choice distribution, its log-probability, entropy and gradient are those of the
 * softmax over the scores; draws are reproducible per key; bad rows are typed errors.
 */
import { it } from "@effect/vitest"
import { Backend, Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"
import { type ChoiceRow, pack, rowsPerPass, scoresSync, trie } from "./Choice.js"
import { PolicyInputError } from "./Evaluate.js"
import { Policy, layer } from "./Policy.js"

const config = { vocab: 23, dModel: 16, layers: 2, heads: 2, context: 40, valueHead: true }
const env = layer(config, Random.key(5)).pipe(Layer.provideMerge(Backend.wasm))
const cpuEnv = layer(config, Random.key(5)).pipe(Layer.provideMerge(Backend.cpu))

const ids = (...xs: Array<number>) => Int32Array.from(xs)

// Candidates share prefixes ([4, 5, 2] and [4, 6, 2]; [7] is a prefix of [7, 8, 2]).
const rows: Array<ChoiceRow> = [
  { prompt: ids(1, 9, 10, 11), candidates: [ids(4, 5, 2), ids(4, 6, 2), ids(7), ids(7, 8, 2)], words: [2, 2, 1, 2] },
  { prompt: ids(1, 12), candidates: [ids(13, 2), ids(14, 15, 16, 2)], words: [1, 3] },
  { prompt: ids(1, 3, 3, 3, 3, 3, 3, 17), candidates: [ids(18, 2)], words: [1] }
]

/** Scales the weights up from the 0.02 init so the token distributions are far from uniform. */
const sharpen = Effect.gen(function* () {
  const policy = yield* Policy
  tf.tidy(() => policy.variables.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 30 : 1))))
  return policy
})

/** ℓ_j by the plain evaluation pass: one row prompt ++ candidate per candidate. */
const bruteForce = (policy: Effect.Success<typeof sharpen>, r: ChoiceRow): Array<number> =>
  tf.tidy(() => {
    const ev = policy.evaluate(r.candidates.map((response) => ({ prompt: r.prompt, response })), { temperature: 1 })
    const logp = ev.logp.arraySync()
    return r.candidates.map((x, j) => logp[j].slice(0, x.length).reduce((a, b) => a + b, 0))
  })

const softmax = (z: ReadonlyArray<number>) => {
  const m = Math.max(...z)
  const e = z.map((x) => Math.exp(x - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s)
}

describe("Choice", () => {
  it("the prefix tree shares common prefixes and keeps each candidate's path", () => {
    const t = trie(rows[0].candidates)
    expect(t.tokens).toEqual([4, 5, 2, 6, 2, 7, 8, 2])
    expect(t.parents).toEqual([-1, 0, 1, 0, 3, -1, 5, 6])
    expect(t.depths).toEqual([0, 1, 2, 1, 2, 0, 1, 2])
    expect(t.paths).toEqual([[0, 1, 2], [0, 3, 4], [5], [5, 6, 7]])
  })

  it("packs nodes at position |prompt| + depth, attending to the prompt and their ancestors only", () => {
    const p = pack([rows[1]], "token")
    expect(p.time).toBe(2 + 6)
    expect(Array.from(p.positions)).toEqual([0, 1, 2, 3, 2, 3, 4, 5])
    const visible = (q: number) => Array.from({ length: p.time }, (_, k) => k).filter((k) => p.mask[q * p.time + k] === 0)
    expect(visible(1)).toEqual([0, 1])
    expect(visible(3)).toEqual([0, 1, 2, 3]) // <eot> after 13
    expect(visible(4)).toEqual([0, 1, 4]) // 14: a root
    expect(visible(7)).toEqual([0, 1, 4, 5, 6, 7])
    // Roots are scored by the last prompt token, others by their parent.
    expect(Array.from(p.scorer)).toEqual([1, 2, 1, 4, 5, 6])
    expect(Array.from(p.targets)).toEqual([13, 2, 14, 15, 16, 2])
    expect(Array.from(p.inverseLength)).toEqual([1 / 2, 1 / 4])
  })

  it.effect("scores equal the plain pass's log-likelihoods, normalised by tokens, words or not at all", () =>
    Effect.gen(function* () {
      const policy = yield* sharpen
      const key = Random.key(1)
      for (const normalisation of ["sum", "token", "word"] as const) {
        const chosen = yield* policy.choose(rows, { temperature: 1, normalisation, key })
        rows.forEach((r, b) => {
          const ell = bruteForce(policy, r)
          const expected = ell.map((l, j) => l / (normalisation === "sum" ? 1 : normalisation === "token" ? r.candidates[j].length : r.words![j]))
          expected.forEach((e, j) => expect(chosen[b].scores[j], `${normalisation} row ${b} candidate ${j}`).toBeCloseTo(e, 4))
        })
      }
      // Informative scores: the candidates are far from equally likely.
      const spread = bruteForce(policy, rows[0])
      expect(Math.max(...spread) - Math.min(...spread)).toBeGreaterThan(1)
    }).pipe(Effect.provide(env))
  )

  it.effect("evaluateChoices gives log π(a|s) and H(s) of softmax(ŝ/τ), equal to what choose records", () =>
    Effect.gen(function* () {
      const policy = yield* sharpen
      const options = { temperature: 0.7, normalisation: "token" as const }
      const chosen = yield* policy.choose(rows, { ...options, key: Random.key(9) })
      yield* Effect.promise(() =>
        Tensors.expectNoLeaks(() =>
          tf.tidy(() => {
            const ev = policy.evaluateChoices(rows.map((r, b) => ({ ...r, choice: chosen[b].choice })), options)
            expect(ev.logp.shape).toEqual([3, 1])
            expect(ev.values!.shape).toEqual([3, 1])
            expect(ev.mask.arraySync()).toEqual([[1], [1], [1]])
            const logp = ev.logp.arraySync()
            const entropy = ev.entropy.arraySync()
            chosen.forEach((ch, b) => {
              const p = softmax(Array.from(ch.scores, (s) => s / options.temperature))
              expect(logp[b][0]).toBeCloseTo(Math.log(p[ch.choice]), 4)
              expect(entropy[b][0]).toBeCloseTo(-p.reduce((a, x) => a + x * Math.log(x), 0), 4)
              expect(ch.logp).toBeCloseTo(logp[b][0], 4)
              expect(ch.entropy).toBeCloseTo(entropy[b][0], 4)
              expect(ch.value).toBeCloseTo(ev.values!.arraySync()[b][0], 4)
            })
            // A single candidate is certain.
            expect(logp[2][0]).toBeCloseTo(0, 6)
            expect(entropy[2][0]).toBeCloseTo(0, 6)
          })
        )
      )
    }).pipe(Effect.provide(env))
  )

  it.effect("a batch over several forward passes scores each row as it scores alone, values included", () =>
    Effect.gen(function* () {
      const policy = yield* sharpen
      const many = Array.from({ length: 2 * rowsPerPass + 3 }, (_, i) => rows[i % rows.length])
      const options = { temperature: 1, normalisation: "word" as const, key: Random.key(3) }
      const together = yield* policy.choose(many, options)
      expect(together).toHaveLength(many.length)
      for (const i of [0, rowsPerPass - 1, rowsPerPass, 2 * rowsPerPass + 2]) {
        const [alone] = yield* policy.choose([many[i]], options)
        Array.from(alone.scores).forEach((x, j) => expect(together[i].scores[j]).toBeCloseTo(x, 4))
        expect(together[i].value).toBeCloseTo(alone.value!, 4)
      }
    }).pipe(Effect.provide(env))
  )

  it.effect("the same key draws the same choices; draws follow the softmax", () =>
    Effect.gen(function* () {
      const policy = yield* sharpen
      const options = { temperature: 1, normalisation: "token" as const }
      const a = yield* policy.choose(rows, { ...options, key: Random.key(4) })
      const b = yield* policy.choose(rows, { ...options, key: Random.key(4) })
      expect(a.map((x) => x.choice)).toEqual(b.map((x) => x.choice))
      const many = rows[0]
      const batch = Array.from({ length: 400 }, () => many)
      const draws = yield* policy.choose(batch, { ...options, key: Random.key(8) })
      const p = softmax(Array.from(draws[0].scores))
      const counts = [0, 0, 0, 0]
      for (const d of draws) counts[d.choice]++
      p.forEach((pj, j) => expect(Math.abs(counts[j] / 400 - pj), `candidate ${j}`).toBeLessThan(4 * Math.sqrt((pj * (1 - pj)) / 400) + 0.01))
    }).pipe(Effect.provide(env))
  )

  it.effect("gradients of log π(a|s) and H(s) match central finite differences (cpu backend)", () =>
    Effect.gen(function* () {
      const policy = yield* sharpen
      const options = { temperature: 0.8, normalisation: "token" as const }
      const chosenRows = rows.slice(0, 2).map((r, b) => ({ ...r, choice: b }))
      const objective = () => {
        const ev = policy.evaluateChoices(chosenRows, options)
        return tf.add(tf.sum(ev.logp), tf.mul(0.5, tf.sum(ev.entropy))) as tf.Scalar
      }
      const names = ["blocks.1.mlp.up.weight", "head.weight", "embed.weight"]
      const vars = names.map((n) => policy.variables.get(n)!)
      const { grads } = tf.variableGrads(objective, vars)
      for (const v of vars) {
        const g = grads[v.name].dataSync()
        const values = v.dataSync().slice()
        // The largest gradient entry: a finite difference of it is far above rounding.
        let at = 0
        for (let i = 0; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[at])) at = i
        const h = 1e-3
        const shifted = (delta: number) => {
          const copy = values.slice()
          copy[at] += delta
          v.assign(tf.tensor(copy, v.shape))
          const x = tf.tidy(() => objective().dataSync()[0])
          v.assign(tf.tensor(values, v.shape))
          return x
        }
        const fd = (shifted(h) - shifted(-h)) / (2 * h)
        expect(Math.abs(fd - g[at]), `${v.name}[${at}]: autodiff ${g[at]}, finite difference ${fd}`).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd))
      }
      tf.dispose(Object.values(grads))
    }).pipe(Effect.provide(cpuEnv))
  )

  it.effect("a learned scale e^θ: at θ = 0 the policy acts as without it; the softmax is over e^θ ŝ / τ; d log π(a|s)/dθ = e^θ (ŝ_a - E_π ŝ) / τ", () =>
    Effect.gen(function* () {
      const options = { temperature: 0.8, normalisation: "token" as const }
      const unscaled = yield* Effect.map(sharpen, (plain) => scoresSync(plain.variables, plain.config, rows, options.normalisation).scores).pipe(Effect.provide(cpuEnv))
      const policy = yield* sharpen
      const theta = policy.variables.get("choice.logScale")!
      expect(theta.arraySync()).toEqual([0])
      const { scores } = scoresSync(policy.variables, policy.config, rows, options.normalisation)
      scores.forEach((row, b) => row.forEach((x, j) => expect(x).toBeCloseTo(unscaled[b][j], 5)))
      tf.tidy(() => theta.assign(tf.tensor1d([Math.log(2)])))
      const chosenRows = rows.slice(0, 2).map((r) => ({ ...r, choice: 1 }))
      const objective = () => tf.sum(policy.evaluateChoices(chosenRows, options).logp) as tf.Scalar
      const { value, grads } = tf.variableGrads(objective, [theta])
      // By hand from the unscaled scores: z = 2 ŝ / τ.
      let logp = 0
      let derivative = 0
      chosenRows.forEach((r, b) => {
        const s = Array.from(unscaled[b])
        const p = softmax(s.map((x) => (2 * x) / options.temperature))
        logp += Math.log(p[r.choice])
        derivative += (2 / options.temperature) * (s[r.choice] - s.reduce((a, x, j) => a + p[j] * x, 0))
      })
      expect(value.dataSync()[0]).toBeCloseTo(logp, 4)
      expect(grads[theta.name].dataSync()[0]).toBeCloseTo(derivative, 3)
      tf.dispose([value, ...Object.values(grads)])
    }).pipe(Effect.provide(layer({ ...config, choiceScale: true }, Random.key(5)).pipe(Layer.provideMerge(Backend.cpu))))
  )

  it.effect("bad rows and options are PolicyInputErrors naming the field", () =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const fail = (bad: ReadonlyArray<ChoiceRow>, normalisation: "token" | "word" = "token", temperature = 1) =>
        policy.choose(bad, { temperature, normalisation, key: Random.key(0) }).pipe(Effect.flip)
      expect((yield* fail([])).field).toBe("rows")
      expect((yield* fail([{ prompt: ids(1), candidates: [] }])).field).toBe("rows[0].candidates")
      expect((yield* fail([{ prompt: ids(1), candidates: [ids(2), ids()] }])).field).toBe("rows[0].candidates[1]")
      expect((yield* fail([{ prompt: ids(1), candidates: [ids(2, 99)] }])).field).toBe("rows[0].candidates[0][1]")
      expect((yield* fail([{ prompt: ids(1), candidates: [ids(2)] }], "word")).field).toBe("rows[0].words")
      expect((yield* fail([{ prompt: ids(1), candidates: [ids(2)] }], "token", 0)).field).toBe("temperature")
      const long = { prompt: new Int32Array(38).fill(1), candidates: [ids(2, 2, 2)] }
      expect((yield* fail([long])).message).toContain("over the context of 40")
      expect(() => tf.tidy(() => policy.evaluateChoices([{ ...rows[1], choice: 2 }], { temperature: 1, normalisation: "token" }).logp)).toThrow(PolicyInputError)
    }).pipe(Effect.provide(env))
  )
})
