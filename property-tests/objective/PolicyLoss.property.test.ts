/**
 * The policy-gradient losses against their definitions (Reference.ts; spec §0, verl
 * `compute_policy_loss`): PPO's clipped surrogate with dual clip, GSPO, REINFORCE. Tokens
 * are drawn from every branch of the clipped surrogate (inside the trust region, clipped
 * above for A > 0, clipped below for A < 0, dual-clip bound binding for A < 0, and the
 * two unclipped sides), with |A| in 0.1..10, and the test asserts what share of tokens
 * each branch got. Checked: the loss, which branch is active, the gradient (zero exactly
 * on a clipped branch, -A r elsewhere), and the term's aggregate and metrics.
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { PolicyLoss, Terms } from "@epo/objective"
import { aggregationNames, dot, gspo, map2, type Matrix, ppoToken, weights } from "./Reference.js"
import { expectClose, finite, layout, magnitude, params, tally, useCpu } from "./Support.js"

const MARGIN = 0.02
const branches = ["inside", "clipped above", "clipped below", "dual bound", "open below", "open above"] as const
type Branch = (typeof branches)[number]

const clipOptions = fc.record({ clipLow: finite(0.05, 0.4), clipHigh: finite(0.05, 0.5), dualClip: finite(1.7, 5) })
type ClipOptions = typeof clipOptions extends fc.Arbitrary<infer T> ? T : never

/** A token (log-ratio, advantage) on the named branch for these options, away from its kinks. */
const token = (o: ClipOptions) => {
  const [low, high, dual] = [Math.log(1 - o.clipLow), Math.log(1 + o.clipHigh), Math.log(o.dualClip)]
  const size = magnitude(-1, 1).map(Math.abs)
  const on = (branch: Branch, sign: 1 | -1, from: number, to: number) =>
    fc.record({ branch: fc.constant(branch), logRatio: finite(from + MARGIN, to - MARGIN), advantage: size.map((a) => sign * a) })
  return fc.oneof(
    on("inside", 1, low, high),
    on("inside", -1, low, high),
    on("clipped above", 1, high, 2.5),
    on("clipped below", -1, -2.5, low),
    on("dual bound", -1, dual, 2.5),
    on("open below", 1, -2.5, low),
    on("open above", -1, high, dual)
  )
}

const ROWS = 3
const COLS = 4
const tokenBatch = clipOptions.chain((o) =>
  fc.record({ options: fc.constant(o), tokens: fc.array(token(o), { minLength: ROWS * COLS, maxLength: ROWS * COLS }) })
)
const grid = <T>(flat: ReadonlyArray<T>): Array<Array<T>> => Array.from({ length: ROWS }, (_, s) => flat.slice(s * COLS, (s + 1) * COLS))

/** The loss, clip indicator and d sum(loss) / d logp of a policy loss at logp = logRatio, oldLogp = 0. */
const run = (loss: PolicyLoss.PolicyLoss, logRatio: Matrix, advantages: Matrix, mask: Matrix, options: PolicyLoss.ClipOptions) =>
  tf.tidy(() => {
    const input = (logp: tf.Tensor) => ({
      logp: logp as tf.Tensor2D,
      oldLogp: tf.zerosLike(logp) as tf.Tensor2D,
      advantages: tf.tensor2d(advantages.map((r) => [...r])),
      mask: tf.tensor2d(mask.map((r) => [...r]))
    })
    const logp = tf.tensor2d(logRatio.map((r) => [...r]))
    const out = loss(input(logp), options)
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(loss(input(x), options).loss))(logp)
    return { loss: out.loss.dataSync(), clipped: out.clipped.dataSync(), gradient: gradient.dataSync() }
  })

const tolerance = 1e-5

describe("PPO clip and dual clip, on every branch", () => {
  beforeAll(useCpu)

  it("loss, active branch and gradient equal the definition; every branch is sampled", () => {
    const seen = tally()
    fc.assert(
      fc.property(tokenBatch, fc.boolean(), ({ options, tokens }, dual) => {
        const o = { ...options, dualClip: dual ? options.dualClip : undefined }
        const logRatio = grid(tokens.map((t) => t.logRatio))
        const advantages = grid(tokens.map((t) => t.advantage))
        const out = run(PolicyLoss.ppoClip, logRatio, advantages, grid(tokens.map(() => 1)), o)
        const expected = tokens.map((t) => ppoToken(t.logRatio, t.advantage, o))
        expectClose(out.loss, expected.map((e) => e.loss), 1e-6, tolerance)
        expect(Array.from(out.clipped)).toEqual(expected.map((e) => (e.clipActive ? 1 : 0)))
        expectClose(out.gradient, expected.map((e) => e.gradient), 1e-6, tolerance)
        for (const [i, t] of tokens.entries()) {
          seen.run()
          seen.hit(t.branch === "dual bound" && !dual ? "open above" : t.branch)
          seen.hit("a clipped branch active", expected[i].clipActive)
        }
      }),
      params(100)
    )
    for (const branch of branches) expect(seen.share(branch), branch).toBeGreaterThan(0.05)
    expect(seen.share("a clipped branch active")).toBeGreaterThan(0.3)
  })

  it("the dual clip caps an A < 0 token's loss at -A c and leaves A >= 0 tokens alone", () => {
    fc.assert(
      fc.property(tokenBatch, ({ options, tokens }) => {
        const logRatio = grid(tokens.map((t) => t.logRatio))
        const advantages = grid(tokens.map((t) => t.advantage))
        const mask = grid(tokens.map(() => 1))
        const withDual = run(PolicyLoss.ppoClip, logRatio, advantages, mask, options).loss
        const without = run(PolicyLoss.ppoClip, logRatio, advantages, mask, { ...options, dualClip: undefined }).loss
        tokens.forEach((t, i) => {
          if (t.advantage < 0) {
            expect(withDual[i]).toBeLessThanOrEqual(-t.advantage * options.dualClip * (1 + tolerance))
            expect(withDual[i]).toBeCloseTo(Math.min(without[i], -t.advantage * options.dualClip), 4)
          } else expect(withDual[i]).toBe(without[i])
        })
      }),
      params(40)
    )
  })
})

describe("GSPO and REINFORCE", () => {
  beforeAll(useCpu)

  // Rows with a common log-ratio offset in [-1.5, 1.5] plus token noise, so that the row
  // ratio is often outside the trust region; per-token advantages of both signs.
  const gspoCase = fc
    .record({ options: clipOptions, masks: layout(ROWS, ROWS, COLS) })
    .chain(({ options, masks }) =>
      fc.record({
        options: fc.constant(options),
        mask: fc.constant(masks.mask),
        offsets: fc.array(finite(-1.5, 1.5), { minLength: ROWS, maxLength: ROWS }),
        noise: fc.array(fc.array(finite(-0.3, 0.3), { minLength: masks.mask[0].length, maxLength: masks.mask[0].length }), { minLength: ROWS, maxLength: ROWS }),
        advantages: fc.array(fc.array(magnitude(-1, 1), { minLength: masks.mask[0].length, maxLength: masks.mask[0].length }), { minLength: ROWS, maxLength: ROWS })
      })
    )

  it("GSPO: the row's ratio exp(mean log-ratio) clipped, per token; gradient -A s on the unclipped branch", () => {
    const seen = tally()
    fc.assert(
      fc.property(gspoCase, ({ options, mask, offsets, noise, advantages }) => {
        const logRatio = noise.map((row, s) => row.map((x) => x + offsets[s]))
        const expected = gspo(logRatio, advantages, mask, options).flat()
        const rowRatios = logRatio.map((row, s) => dot([mask[s]], [row]) / Math.max(mask[s].reduce((a, b) => a + b, 0), 1))
        const bounds = [Math.log(1 - options.clipLow), Math.log(1 + options.clipHigh)]
        fc.pre(rowRatios.every((x) => bounds.every((b) => Math.abs(x - b) > 1e-3)))
        const out = run(PolicyLoss.gspo, logRatio, advantages, mask, options)
        expectClose(out.loss, expected.map((e) => e.loss), 1e-6, tolerance)
        expect(Array.from(out.clipped)).toEqual(expected.map((e) => (e.clipActive ? 1 : 0)))
        expectClose(out.gradient, expected.map((e) => e.gradient), 1e-6, tolerance)
        expected.forEach((e) => (seen.run(), seen.hit("clipped", e.clipActive)))
      }),
      params(80)
    )
    expect(seen.share("clipped")).toBeGreaterThan(0.15)
  })

  it("REINFORCE: -A logp, gradient -A, never clipped", () => {
    fc.assert(
      fc.property(tokenBatch, ({ options, tokens }) => {
        const logp = grid(tokens.map((t) => t.logRatio))
        const advantages = grid(tokens.map((t) => t.advantage))
        const out = run(PolicyLoss.reinforce, logp, advantages, grid(tokens.map(() => 1)), options)
        expectClose(out.loss, tokens.map((t) => -t.advantage * t.logRatio), 1e-6, tolerance)
        expectClose(out.gradient, tokens.map((t) => -t.advantage), 1e-6, tolerance)
        expect(Array.from(out.clipped).every((c) => c === 0)).toBe(true)
      }),
      params(20)
    )
  })

  it("the registry names verl's loss modes", () => {
    expect(PolicyLoss.policyLosses).toEqual({ vanilla: PolicyLoss.ppoClip, gspo: PolicyLoss.gspo, reinforce: PolicyLoss.reinforce })
  })
})

describe("the policy-loss term", () => {
  beforeAll(useCpu)

  it("aggregates the per-token loss by its mode; reports pg_clipfrac and ppo_kl as token means", () => {
    const termCase = tokenBatch.chain((c) => fc.record({ c: fc.constant(c), masks: layout(ROWS, ROWS, COLS, COLS), aggregation: fc.constantFrom(...aggregationNames), oldLogp: fc.array(finite(-3, 0), { minLength: ROWS * COLS, maxLength: ROWS * COLS }) }))
    fc.assert(
      fc.property(termCase, ({ c: { options, tokens }, masks, aggregation, oldLogp }) => {
        const { mask } = masks
        const l = masks
        const old = grid(oldLogp)
        const logp = map2(grid(tokens.map((t) => t.logRatio)), old, (x, y) => x + y)
        const advantages = grid(tokens.map((t) => t.advantage))
        const out = tf.tidy(() => {
          const batch = {
            logp: tf.tensor2d(logp),
            entropy: tf.zeros([ROWS, COLS]) as tf.Tensor2D,
            oldLogp: tf.tensor2d(old),
            advantages: tf.tensor2d(advantages),
            mask: tf.tensor2d(mask),
            trajectory: Int32Array.from(l.trajectory),
            turn: new Int32Array(ROWS)
          }
          const e = Terms.ppoClip(options, aggregation).evaluate(batch, { step: 0, totalSteps: 1 })
          return { value: e.value.dataSync()[0], clipfrac: e.metrics.pg_clipfrac.dataSync()[0], kl: e.metrics.ppo_kl.dataSync()[0] }
        })
        const expected = tokens.map((t) => ppoToken(t.logRatio, t.advantage, options))
        const w = weights(aggregation, l, COLS)
        const value = dot(w, grid(expected.map((e) => e.loss)))
        expect(Math.abs(out.value - value)).toBeLessThanOrEqual(tolerance * dot(w.map((r) => r.map(Math.abs)), grid(expected.map((e) => Math.abs(e.loss)))) + 1e-6)
        const tokenWeights = weights("token-mean", l)
        expect(out.clipfrac).toBeCloseTo(dot(tokenWeights, grid(expected.map((e) => (e.clipActive ? 1 : 0)))), 5)
        expect(out.kl).toBeCloseTo(dot(tokenWeights, map2(old, logp, (x, y) => x - y)), 4)
      }),
      params(60)
    )
  })
})
