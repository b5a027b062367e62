/**
 * The presets as configured (docs/objectives.md "Configuration and presets") against
 * the oracle's composition of them (Reference.ts `evaluate`): for random valid
 * configurations of every preset, decoded by `Config.decode` and built by
 * `Presets.build`, on random multi-turn batches and contexts, the loss, every metric and
 * the gradients w.r.t. logp and the entropy equal the definition. The weights are
 * drawn so that every part matters against the tolerance: lambda (or the entropy
 * coefficient) 0.03..1, the corridor around the batch's own entropies, KL and value
 * terms in a share of runs (asserted). Plus the configuration's cross-field conditions:
 * a configuration is rejected exactly when one is violated, naming the field.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import { Batch as TokenBatch, Config, PolicyLoss, Presets, Term, Terms } from "@epo/objective"
import { aggregationNames, type Batch, type Context, evaluate, type Objective } from "./Reference.js"
import { expectClose, finite, layout, magnitude, params, tally, useCpu } from "./Support.js"

const estimators = { k1: "k1", kl: "k1", abs: "abs", k2: "k2", mse: "k2", k3: "k3", low_var_kl: "k3" } as const

const shared = {
  policyLoss: fc.constantFrom("vanilla", "gspo", "reinforce"),
  clipLow: finite(0.05, 0.4),
  clipHigh: finite(0.05, 0.5),
  dualClip: finite(1.5, 5),
  lossAggregation: fc.constantFrom(...aggregationNames),
  entropyAggregation: fc.constantFrom(...aggregationNames),
  kl: fc.option(fc.record({ estimator: fc.constantFrom(...(Object.keys(estimators) as Array<keyof typeof estimators>)), coefficient: fc.oneof(fc.constant(0), finite(0.05, 1)) }), { freq: 2 }),
  value: fc.option(fc.record({ coefficient: fc.oneof(fc.constant(0), finite(0.05, 1)), clip: finite(0.1, 0.5) }), { freq: 2 })
}
const weight = magnitude(-1.5, 0).map(Math.abs)

const configuration = fc.oneof(
  fc.record({ preset: fc.constantFrom("ppo", "grpo"), ...shared, entropyCoefficient: weight }),
  fc.record({ preset: fc.constant("epo"), ...shared, lambda: weight, alpha: finite(0.01, 0.49), kappaLow: finite(0, 0.9), kappaHigh: finite(1.1, 2.5), gamma: finite(0.5, 5) }),
  fc.record({
    preset: fc.constant("epo-released"),
    ...shared,
    entropyCoefficient: weight,
    alpha: finite(0.01, 0.99),
    kappaLow: finite(0, 0.9),
    kappaHigh: finite(1.1, 2.5),
    maxTurns: fc.integer({ min: 2, max: 12 }),
    scheduleSteps: fc.integer({ min: 2, max: 200 })
  })
)

/** JSON as a user writes it: absent optional fields omitted. */
const json = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null))

const batch = layout(2, 5, 4).chain((l) => {
  const [rows, length] = [l.mask.length, l.mask[0].length]
  const cells = <T>(a: fc.Arbitrary<T>) => fc.array(fc.array(a, { minLength: length, maxLength: length }), { minLength: rows, maxLength: rows })
  return fc.record({
    layout: fc.constant(l),
    oldLogp: cells(finite(-4, -0.1)),
    logRatio: cells(finite(-0.8, 0.8)),
    entropy: cells(finite(0.05, 3)),
    advantages: cells(magnitude(-1, 0.5)),
    refShift: cells(magnitude(-1.5, 0)),
    values: cells(finite(-2, 2)),
    valueStep: cells(finite(-1, 1)),
    returns: cells(finite(-2, 2)),
    turn: fc.array(fc.integer({ min: 0, max: 11 }), { minLength: rows, maxLength: rows })
  })
})
type BatchCase = typeof batch extends fc.Arbitrary<infer T> ? T : never

const context = fc.record({ totalSteps: fc.integer({ min: 2, max: 200 }), fraction: finite(0, 1), first: fc.boolean(), scale: finite(0.5, 1.5) })

const toBatch = (b: BatchCase): Batch => {
  const logp = b.oldLogp.map((row, s) => row.map((x, i) => x + b.logRatio[s][i]))
  return {
    ...b.layout,
    logp,
    oldLogp: b.oldLogp,
    entropy: b.entropy,
    advantages: b.advantages,
    refLogp: logp.map((row, s) => row.map((x, i) => x + b.refShift[s][i])),
    values: b.values,
    oldValues: b.values.map((row, s) => row.map((x, i) => x - b.valueStep[s][i])),
    returns: b.returns,
    turn: b.turn
  }
}

/** The library's loss, metrics and gradients w.r.t. logp and entropy. */
const library = (term: Term.Term, b: Batch, ctx: Context) =>
  tf.tidy(() => {
    const t = (x: ReadonlyArray<ReadonlyArray<number>> | undefined) => tf.tensor2d((x ?? []).map((r) => [...r]))
    const fixed = { oldLogp: t(b.oldLogp), advantages: t(b.advantages), mask: t(b.mask), refLogp: t(b.refLogp), values: t(b.values), oldValues: t(b.oldValues), returns: t(b.returns), trajectory: Int32Array.from(b.trajectory), turn: Int32Array.from(b.turn) }
    let metrics: Record<string, number> = {}
    const f = (logp: tf.Tensor, entropy: tf.Tensor) => {
      const e = term.evaluate({ ...fixed, logp: logp as tf.Tensor2D, entropy: entropy as tf.Tensor2D }, ctx)
      metrics = Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, v.dataSync()[0]]))
      return e.value
    }
    const { value, grads } = tf.valueAndGrads(f)([t(b.logp), t(b.entropy)])
    return { loss: value.dataSync()[0], metrics, dLogp: grads[0].arraySync() as number[][], dEntropy: grads[1].arraySync() as number[][] }
  })

/** The library's loss alone. */
const lossOf = (term: Term.Term, b: Batch, ctx: Context) => tf.tidy(() => Term.read(Term.evaluate(term, TokenBatch.fromArrays(b), ctx)).loss)

const near = (x: number, edges: ReadonlyArray<number>, margin: number) => edges.some((e) => Math.abs(x - e) < margin)

/** Inputs at a kink of the objective (clip bounds, corridor edges, |d| = 0) have no gradient to compare. */
const atKink = (o: Objective, b: Batch, ctx: Context) => {
  const ratios = b.logp.flatMap((row, s) => row.map((x, i) => x - b.oldLogp[s][i]))
  const rowRatios = b.logp.map((row, s) => row.reduce((a, x, i) => a + (x - b.oldLogp[s][i]) * b.mask[s][i], 0) / Math.max(1, b.mask[s].reduce((a, m) => a + m, 0)))
  const clipEdges = [Math.log(1 - o.clipLow), Math.log(1 + o.clipHigh), Math.log(o.dualClip)]
  const references = o.preset === "epo" ? [ctx.entropyReference ?? -1] : [...(ctx.turnEntropyReference ?? []), 0]
  const corridor = references.flatMap((r) => [o.kappaLow! * r, o.kappaHigh! * r])
  return (
    (o.policyLoss === "gspo" ? rowRatios : ratios).some((x) => near(x, clipEdges, 2e-3)) ||
    (o.preset.startsWith("epo") && b.entropy.flat().some((h) => near(h, corridor, 1e-4)))
  )
}

const decodeOrThrow = (input: unknown) => Effect.runSync(Config.decode(input))
/** The ConfigError a configuration is rejected with, or undefined. */
const rejection = (input: unknown) => {
  const outcome = Effect.runSync(Effect.result(Config.decode(input)))
  return Result.isFailure(outcome) ? outcome.failure : undefined
}

describe("presets against their definitions", () => {
  beforeAll(useCpu)

  it("loss, metrics and gradients of every preset, for random configurations, batches and steps", () => {
    const seen = tally()
    fc.assert(
      fc.property(configuration, batch, context, (raw, b, c) => {
        const config = decodeOrThrow(json(raw)) as unknown as Objective & Config.ObjectiveConfig
        const objective: Objective = { ...config, kl: config.kl === undefined ? undefined : { ...config.kl, estimator: estimators[config.kl.estimator as keyof typeof estimators] } }
        const reference = toBatch(b)
        const mean = reference.entropy.flat().reduce((a, h) => a + h, 0) / reference.entropy.flat().length
        const step = Math.round(c.fraction * c.totalSteps)
        const ctx: Context = {
          step,
          totalSteps: c.totalSteps,
          entropyReference: c.first ? undefined : c.scale * mean,
          turnEntropyReference: c.first ? undefined : Array.from({ length: 12 }, (_, t) => (t % 5 === 4 ? 0 : c.scale * mean * (1 + 0.1 * Math.sin(t))))
        }
        fc.pre(!atKink(objective, reference, ctx))
        const expected = evaluate(objective, reference, ctx)
        const actual = library(Presets.build(config), reference, ctx)
        const size = Math.abs(expected.loss) + Object.values(expected.metrics).reduce((a, m) => a + Math.abs(m), 0)
        expect(Object.keys(actual.metrics).sort()).toEqual(Object.keys(expected.metrics).sort())
        expect(Math.abs(actual.loss - expected.loss)).toBeLessThanOrEqual(2e-5 * size + 1e-6)
        for (const [name, m] of Object.entries(expected.metrics)) expect(Math.abs(actual.metrics[name] - m), name).toBeLessThanOrEqual(2e-5 * (Math.abs(m) + 1) + 1e-6)
        const largest = Math.max(...expected.dLogp.flat().map(Math.abs), ...expected.dEntropy.flat().map(Math.abs))
        expectClose(actual.dLogp.flat(), expected.dLogp.flat(), 1e-5 * largest + 1e-9, 1e-4)
        expectClose(actual.dEntropy.flat(), expected.dEntropy.flat(), 1e-5 * largest + 1e-9, 1e-4)
        seen.run()
        seen.hit(config.preset)
        const entropyPart = expected.loss - expected.metrics.policy_loss - (config.kl?.coefficient ?? 0) * (expected.metrics.kl ?? 0) - (config.value?.coefficient ?? 0) * (expected.metrics.value_loss ?? 0)
        seen.hit("entropy part matters", Math.abs(entropyPart) > 1e3 * (2e-5 * size + 1e-6))
        seen.hit("smoothing active", (expected.metrics.smoothing ?? 0) > 1e-3)
        seen.hit("kl term", expected.metrics.kl !== undefined)
        seen.hit("value term", expected.metrics.value_loss !== undefined)
        seen.hit("clipped tokens", expected.metrics.pg_clipfrac > 0)
      }),
      params(200)
    )
    for (const [label, share] of [["ppo", 0.1], ["grpo", 0.1], ["epo", 0.2], ["epo-released", 0.2], ["entropy part matters", 0.6], ["smoothing active", 0.2], ["kl term", 0.2], ["value term", 0.2], ["clipped tokens", 0.2]] as const) {
      expect(seen.share(label), label).toBeGreaterThan(share)
    }
  })

  it("the terms' default aggregations and estimator are the documented ones", () => {
    const defaults: Array<[Term.Term, Objective]> = [
      [Terms.policyLoss({ clipLow: 0.2, clipHigh: 0.28, dualClip: 3 }), { preset: "ppo", policyLoss: "vanilla", clipLow: 0.2, clipHigh: 0.28, dualClip: 3, lossAggregation: "token-mean", entropyAggregation: "token-mean", entropyCoefficient: 0 }],
      [Terms.entropy(), { preset: "ppo", policyLoss: "reinforce", clipLow: 0, clipHigh: 0, dualClip: 3, lossAggregation: "token-mean", entropyAggregation: "multi-turn-mean", entropyCoefficient: -1 }],
      [Terms.kl(), { preset: "ppo", policyLoss: "reinforce", clipLow: 0, clipHigh: 0, dualClip: 3, lossAggregation: "token-mean", entropyAggregation: "token-mean", entropyCoefficient: 0, kl: { estimator: "k3", coefficient: 1 } }],
      [Terms.valueLoss(0.3), { preset: "ppo", policyLoss: "reinforce", clipLow: 0, clipHigh: 0, dualClip: 3, lossAggregation: "token-mean", entropyAggregation: "token-mean", entropyCoefficient: 0, value: { coefficient: 1, clip: 0.3 } }],
      [Terms.ppoClip({ clipLow: 0.1, clipHigh: 0.1 }), { preset: "ppo", policyLoss: "vanilla", clipLow: 0.1, clipHigh: 0.1, dualClip: Infinity, lossAggregation: "token-mean", entropyAggregation: "token-mean", entropyCoefficient: 0 }],
      // a policy loss given as a function instead of a registry name
      [Terms.policyLoss({ clipLow: 0.2, clipHigh: 0.2, loss: PolicyLoss.reinforce }, "seq-mean-token-mean"), { preset: "ppo", policyLoss: "reinforce", clipLow: 0.2, clipHigh: 0.2, dualClip: 3, lossAggregation: "seq-mean-token-mean", entropyAggregation: "token-mean", entropyCoefficient: 0 }]
    ]
    fc.assert(
      fc.property(batch, (b) => {
        const reference = toBatch(b)
        const zeroAdvantages = { ...reference, advantages: reference.advantages.map((row) => row.map(() => 0)) }
        defaults.forEach(([term, objective], i) => {
          const input = i === 0 || i >= 4 ? reference : zeroAdvantages // the entropy, KL and value terms alone
          const expected = evaluate(objective, input, { step: 0, totalSteps: 1 })
          expect(lossOf(term, input, { step: 0, totalSteps: 1 })).toBeCloseTo(expected.loss, 4)
        })
        expect(lossOf(Terms.constant(b.entropy[0][0]), reference, { step: 0, totalSteps: 1 })).toBeCloseTo(b.entropy[0][0], 6)
      }),
      params(30)
    )
  })

  it("a term that needs a batch field fails with a ShapeError naming it when the batch lacks it", () => {
    const needs: Array<[Term.Term, ReadonlyArray<"refLogp" | "values" | "oldValues" | "returns">]> = [
      [Terms.kl("k1"), ["refLogp"]],
      [Terms.valueLoss(0.2), ["values", "oldValues", "returns"]],
      [Term.sum(Terms.entropy(), Terms.kl()), ["refLogp"]]
    ]
    fc.assert(
      fc.property(batch, fc.nat(), (b, pick) => {
        for (const [term, fields] of needs) {
          expect([...term.requires].sort()).toEqual([...fields].sort())
          const missing = fields[pick % fields.length]
          const full = TokenBatch.fromArrays(toBatch(b))
          const error = Effect.runSync(Effect.flip(Term.evaluateChecked(term, { ...full, [missing]: undefined }, { step: 0, totalSteps: 1 })))
          TokenBatch.dispose(full)
          expect(error.what).toBe(`TokenBatch.${missing}`)
        }
      }),
      params(20)
    )
  })

  it("the registry builds each preset by name; fromConfig decodes then builds", () => {
    expect(Object.keys(Presets.presets)).toEqual([...Config.presetNames])
    fc.assert(
      fc.property(configuration, batch, (raw, b) => {
        const config = decodeOrThrow(json(raw))
        const reference = toBatch(b)
        const ctx = { step: 1, totalSteps: 10, entropyReference: 1, turnEntropyReference: [1] }
        const built = lossOf(Effect.runSync(Presets.fromConfig(json(raw))), reference, ctx)
        expect(built).toBe(lossOf(Presets.presets[config.preset](config as never), reference, ctx))
      }),
      params(20)
    )
  })
})

describe("configuration fields", () => {
  const documented: Record<string, Record<string, unknown>> = {
    shared: { policyLoss: "vanilla", clipLow: 0.2, clipHigh: 0.2, dualClip: 3, lossAggregation: "token-mean" },
    ppo: { entropyCoefficient: 0, entropyAggregation: "token-mean" },
    grpo: { entropyCoefficient: 0, entropyAggregation: "token-mean", kl: { estimator: "low_var_kl", coefficient: 0.01 } },
    epo: { lambda: 0.001, kappaLow: 0, kappaHigh: 2, gamma: 3, alpha: 0.1, entropyAggregation: "multi-turn-mean" },
    "epo-released": { entropyCoefficient: 0.001, kappaLow: 0, kappaHigh: 2, alpha: 0.1, maxTurns: 50, scheduleSteps: 150, entropyAggregation: "token-mean" }
  }

  it("omitted fields take the documented defaults (docs/objectives.md), given ones are kept", () => {
    fc.assert(
      fc.property(configuration, fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), (raw, drop) => {
        const given = json(raw)
        const partial = Object.fromEntries(Object.entries(given).filter(([field], i) => field === "preset" || !drop[i]))
        const config = decodeOrThrow(partial) as unknown as Record<string, unknown>
        const defaults = { ...documented.shared, ...documented[given.preset as string] }
        for (const [field, value] of Object.entries(given)) expect(config[field], field).toEqual(field in partial ? value : defaults[field])
        for (const [field, value] of Object.entries(defaults)) if (!(field in given)) expect(config[field], field).toEqual(value)
        // partial KL and value settings are completed too
        const completed = decodeOrThrow({ preset: given.preset, kl: {}, value: {} }) as unknown as Record<string, unknown>
        expect(completed.kl).toEqual({ estimator: "low_var_kl", coefficient: 0.01 })
        expect(completed.value).toEqual({ coefficient: 0.5, clip: 0.5 })
        expect(Config.defaults(given.preset as Config.PresetName)).toEqual(decodeOrThrow({ preset: given.preset }))
      }),
      params(100)
    )
  })

  it("a value of the wrong type or outside its range is rejected with a ConfigError naming the field", () => {
    const bad = {
      clipLow: [-0.1, "0.2"],
      clipHigh: [-1, null],
      dualClip: [0, -3],
      lossAggregation: ["token-sum", 1],
      policyLoss: ["ppo", true],
      entropyCoefficient: [-0.01, "0"],
      lambda: [-0.001, Infinity],
      kappaLow: [-0.5, Number.NaN],
      gamma: [0, -1],
      alpha: [-0.1, "a"],
      maxTurns: [0, 2.5],
      scheduleSteps: [-150, 1.5],
      entropyAggregation: ["mean", 0]
    } as const
    const presetsWith = (field: string) => Config.presetNames.filter((p) => field in documented[p] || field in documented.shared)
    const cases = fc.constantFrom(...(Object.keys(bad) as Array<keyof typeof bad>)).chain((field) =>
      fc.record({ field: fc.constant(field), preset: fc.constantFrom(...presetsWith(field)), value: fc.constantFrom(...bad[field]) })
    )
    fc.assert(
      fc.property(cases, ({ field, preset, value }) => {
        expect(rejection({ preset, [field]: value })?.message).toContain(field)
      }),
      params(100)
    )
    for (const kl of [{ estimator: "k4" }, { coefficient: -1 }]) expect(rejection({ preset: "grpo", kl })?.message).toContain(Object.keys(kl)[0])
    for (const value of [{ clip: 0 }, { coefficient: -1 }]) expect(rejection({ preset: "ppo", value })?.message).toContain(Object.keys(value)[0])
  })
})

describe("configuration conditions", () => {
  // Values near each condition's threshold: mostly on the valid side, sometimes on it
  // exactly or on the invalid side.
  const around = (threshold: number, valid: "below" | "above") => {
    const below = finite(Math.max(0, threshold - 0.5), threshold - 1e-3)
    const above = finite(threshold + 1e-3, threshold + 0.5)
    return fc.oneof({ arbitrary: valid === "below" ? below : above, weight: 8 }, { arbitrary: fc.constant(threshold), weight: 1 }, { arbitrary: valid === "below" ? above : below, weight: 1 })
  }
  it("a configuration is rejected exactly when a condition fails, naming that field", () => {
    // built here, not at collection: a library value that breaks an arbitrary must fail a test
    const candidate = fc.record({
      preset: fc.constantFrom(...Config.presetNames),
      clipLow: around(1, "below"),
      dualClip: around(1, "above"),
      kappaLow: around(1, "below"),
      kappaHigh: around(1, "above"),
      alpha: fc.oneof(around(0.5, "below"), around(1, "below"))
    })
    const seen = tally()
    fc.assert(
      fc.property(candidate, (c) => {
        const epoLike = c.preset === "epo" || c.preset === "epo-released"
        const betaMax = c.preset === "epo" ? 2 : 1
        const violated = [
          ["clipLow", c.clipLow >= 1],
          ["dualClip", c.dualClip <= 1],
          ["kappaLow", epoLike && c.kappaLow >= 1],
          ["kappaHigh", epoLike && c.kappaHigh <= 1],
          ["kappaLow", epoLike && c.kappaLow >= c.kappaHigh],
          ["alpha", epoLike && c.alpha * betaMax >= 1]
        ].find(([, bad]) => bad)
        const built = Effect.runSync(Effect.result(Presets.fromConfig(c)))
        const failures = [rejection(c), Result.isFailure(built) ? built.failure : undefined]
        seen.run()
        seen.hit("rejected", violated !== undefined)
        if (violated === undefined) expect(failures).toEqual([undefined, undefined])
        else {
          const field = violated[0] as keyof typeof c
          for (const failure of failures) {
            expect(failure?.field).toBe(`objective.${field}`)
            // the message quotes the offending value
            expect(failure?.message).toContain(String(c[field]))
          }
        }
      }),
      params(300)
    )
    expect(seen.share("rejected")).toBeGreaterThan(0.3)
    expect(seen.share("rejected")).toBeLessThan(0.9)
  })
})
