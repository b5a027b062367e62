import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Backend, Tensors } from "@epo/core"
import { Effect, Option } from "effect"
import { describe, expect } from "vitest"
import * as Report from "../report/Report.js"
import type { MetricsRecord } from "../runs/Records.js"
import * as Runs from "../runs/Runs.js"
import * as RunStore from "../runs/RunStore.js"
import * as Spec from "../spec/Spec.js"
import { grpoEpo, ppoCritic, scoring } from "../testing/TinySpecs.js"
import { loadCheckpoint } from "./Model.js"
import * as Train from "./Train.js"
import * as TrainingObjective from "./TrainingObjective.js"
import { Term, Terms } from "@epo/objective"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-train-"))

/** A metrics line without its wall-clock timings, as bytes: what determinism compares. */
const deterministicPart = (r: MetricsRecord) => JSON.stringify({ step: r.step, values: r.values, turns: r.turns })

const runTo = (input: unknown, dir: string, options: Partial<Train.TrainOptions> = {}) =>
  Effect.gen(function* () {
    const spec = yield* Spec.decode(input)
    return yield* Train.run({ spec, dir, ...options })
  })

describe("training loop", () => {
  it.effect("a tiny run writes a complete run directory and a report, leaking no tensors", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* Backend.select("cpu")
      const before = Tensors.liveTensors()
      const result = yield* runTo(grpoEpo, dir)
      expect(Tensors.liveTensors()).toBe(before)
      expect(result).toMatchObject({ completedSteps: 4, status: "completed" })
      const run = yield* Runs.load(dir)
      expect(run.manifest).toMatchObject({ status: "completed", completedSteps: 4, totalSteps: 4, seed: 7 })
      expect(run.manifest.backend.name).toBe("cpu")
      expect(Object.keys(run.manifest.versions)).toEqual(expect.arrayContaining(["node", "effect", "tfjs"]))
      expect(run.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3])
      const keys = Object.keys(run.metrics[1].values)
      for (const k of ["reward/mean", "success/rate", "entropy/mean", "entropy/variance", "entropy/reference", "optim/lr", "optim/gradNorm", "kl/coefficient"])
        expect(keys).toContain(k)
      for (const k of ["loss", "policy_loss", "entropy", "smoothing", "beta", "kl", "pg_clipfrac"]) expect(keys).toContain(`objective/${k}`)
      // The paper's reference: undefined at step 0, then the mean of the recorded batch entropies.
      expect(run.metrics[0].values["entropy/reference"]).toBeNull()
      expect(run.metrics[2].values["entropy/reference"]).toBeCloseTo(((run.metrics[0].values["entropy/mean"] as number) + (run.metrics[1].values["entropy/mean"] as number)) / 2, 5)
      expect(run.metrics[0].turns.entropyMean.length).toBeGreaterThan(0)
      expect(run.evaluations.map((e) => e.step)).toEqual([0, 2, 4])
      const index = yield* RunStore.make(dir).readIndex
      expect(index.latest).toBe("step-000004")
      expect(index.checkpoints.length).toBeLessThanOrEqual(3)
      expect(fs.existsSync(path.join(dir, "reference", "model.safetensors"))).toBe(true)
      const html = Report.render([run])
      expect(html).toContain("<svg")
      expect(html).toContain("smoothing")
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    })
  )

  it.effect("the critic path: GAE advantages, a value loss and an adaptive KL coefficient", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* runTo(ppoCritic, dir)
      const run = yield* Runs.load(dir)
      const last = run.metrics.at(-1)!.values
      expect(typeof last["objective/value_loss"]).toBe("number")
      expect(last["kl/coefficient"]).not.toBe(0.01)
    })
  )

  it.effect("a custom objective from user code replaces the preset with one Layer", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const mine = Term.sum(
        Term.named(Terms.ppoClip({ clipLow: 0.2, clipHigh: 0.28, dualClip: 3 }), "policy_loss"),
        Term.scale(Term.named(Terms.entropy("multi-turn-mean"), "bonus"), -0.002)
      )
      const spec = yield* Spec.decode({ ...grpoEpo, totalSteps: 1, objective: { preset: "grpo" } })
      yield* Train.run({ spec, dir, services: { objective: TrainingObjective.custom("clip-higher+bonus", mine) } })
      const keys = Object.keys((yield* Runs.load(dir)).metrics[0].values)
      expect(keys).toContain("objective/bonus")
      expect(keys).not.toContain("objective/smoothing")
    })
  )

  it.effect("action scoring: every command admissible, one entry per turn with the choice's entropy, a critic on the prompt", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* runTo(scoring(ppoCritic), dir)
      const run = yield* Runs.load(dir)
      for (const m of run.metrics) {
        expect(m.values["invalid/command"]).toBe(0)
        expect(m.values["invalid/format"]).toBe(0)
        expect(m.values["batch/tokens"]).toBe(m.values["batch/rows"])
        // The entropy of a choice among at most 4 corridor commands.
        expect(m.values["entropy/mean"]).toBeGreaterThan(0)
        expect(m.values["entropy/mean"]).toBeLessThanOrEqual(Math.log(4) + 1e-6)
      }
      expect(typeof run.metrics.at(-1)!.values["objective/value_loss"]).toBe("number")
      expect(run.spec.policy).toMatchObject({ action: "score", normalisation: "token" })
    })
  )

  it.effect("a learned choice scale is a parameter of the run: it starts at 0 and moves at its multiplied rate; an unknown multiplier is a spec error", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const scored = scoring(grpoEpo)
      const input = {
        ...scored,
        totalSteps: 2,
        policy: { ...scored.policy, scale: "learned" },
        update: { epochs: 1, miniBatchSize: 64 },
        optimizer: { learningRate: 1e-4, warmupRatio: 0, schedule: "constant", multipliers: { "choice.logScale": 100 } }
      }
      yield* runTo(input, dir)
      const checkpoints = path.join(dir, "checkpoints")
      const last = fs.readdirSync(checkpoints).filter((n) => n.startsWith("step-")).sort().at(-1)!
      const stored = yield* loadCheckpoint(path.join(checkpoints, last))
      expect(stored.config.choiceScale).toBe(true)
      // Two optimiser steps of about 1e-4 x 100 each (an Adam step moves by at most about its rate).
      const theta = Math.abs(stored.weights["choice.logScale"]!.data[0]!)
      expect(theta).toBeGreaterThan(1e-3)
      expect(theta).toBeLessThan(0.05)
      const bad = yield* runTo({ ...input, optimizer: { multipliers: { "choice.scale": 2 } } }, tmp()).pipe(Effect.flip)
      expect(String(bad)).toContain('optimizer.multipliers.choice.scale: the policy has no parameter named "choice.scale"')
    })
  )

  it.effect.each([
    ["generate", grpoEpo],
    ["score", scoring(grpoEpo)]
  ] as const)("gradient accumulation (%s): micro-batches of 2 rows, or of 100 tokens, give the run of one pass per mini-batch", ([, input]) =>
    Effect.gen(function* () {
      const spec = (microBatchSize: number, microBatchTokens = 24576) => ({
        ...input,
        totalSteps: 2,
        objective: { preset: "epo", kl: { coefficient: 0.01 }, lossAggregation: "multi-turn-mean" },
        update: { epochs: 1, miniBatchSize: 64, microBatchSize, microBatchTokens }
      })
      const [whole, rows, tokens] = [tmp(), tmp(), tmp()]
      yield* runTo(spec(64), whole)
      yield* runTo(spec(2), rows)
      yield* runTo(spec(64, 100), tokens)
      const a = yield* Runs.load(whole)
      expect(a.metrics[0].values["batch/rows"]).toBeGreaterThan(4)
      for (const b of [yield* Runs.load(rows), yield* Runs.load(tokens)])
        for (const [ra, rb] of a.metrics.map((r, i) => [r, b.metrics[i]] as const)) {
          for (const [name, va] of Object.entries(ra.values)) {
            const vb = rb.values[name]
            if (typeof va !== "number" || typeof vb !== "number") expect(vb, name).toEqual(va)
            else expect(Math.abs(va - vb), `step ${ra.step} ${name}: ${va} vs ${vb}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(va)))
          }
        }
    })
  )

  it.effect.each([
    ["generate", grpoEpo],
    ["score", scoring(grpoEpo)]
  ] as const)("same spec and seed on cpu (%s): bitwise identical metrics and evaluations", ([, input]) =>
    Effect.gen(function* () {
      const [a, b] = [tmp(), tmp()]
      yield* runTo(input, a)
      yield* runTo(input, b)
      const [ra, rb] = [yield* Runs.load(a), yield* Runs.load(b)]
      expect(rb.metrics.map(deterministicPart)).toEqual(ra.metrics.map(deterministicPart))
      expect(rb.evaluations.map((e) => ({ ...e, seconds: 0 }))).toEqual(ra.evaluations.map((e) => ({ ...e, seconds: 0 })))
      const other = tmp()
      yield* runTo({ ...input, seed: 8, totalSteps: 1 }, other)
      expect(deterministicPart((yield* Runs.load(other)).metrics[0])).not.toEqual(deterministicPart(ra.metrics[0]))
    })
  )

  it.effect.each([
    ["generate", grpoEpo],
    ["score", scoring(grpoEpo)]
  ] as const)("an interrupted run resumed from its checkpoint ends with the uninterrupted run's metrics (%s)", ([, input]) =>
    Effect.gen(function* () {
      const whole = tmp()
      yield* runTo(input, whole)
      const parts = tmp()
      let steps = 0
      const stopped = yield* runTo(input, parts, { shouldStop: () => steps >= 3, onEvent: (e) => void (e._tag === "Step" && steps++) })
      expect(stopped).toMatchObject({ status: "interrupted", completedSteps: 3 })
      expect((yield* RunStore.make(parts).readManifest).status).toBe("interrupted")
      // A crash after the checkpoint left a stray metrics line: resume must drop it.
      fs.appendFileSync(path.join(parts, "metrics.jsonl"), fs.readFileSync(path.join(parts, "metrics.jsonl"), "utf8").split("\n")[0].replace('"step":0', '"step":3') + "\n")
      const spec = yield* Spec.decode(yield* RunStore.make(parts).readSpecJson)
      expect(spec.policy.action).toBe("action" in input.policy ? input.policy.action : "generate")
      const resumed = yield* Train.run({ spec, dir: parts, resume: true })
      expect(resumed).toMatchObject({ status: "completed", completedSteps: 4 })
      const [a, b] = [yield* Runs.load(whole), yield* Runs.load(parts)]
      expect(b.metrics.map(deterministicPart)).toEqual(a.metrics.map(deterministicPart))
      expect(b.evaluations.map((e) => ({ ...e, seconds: 0 }))).toEqual(a.evaluations.map((e) => ({ ...e, seconds: 0 })))
    })
  )

  it.effect("a spent time budget ends the run at that step with an evaluation and a checkpoint of it", () =>
    Effect.gen(function* () {
      // Evaluations every 4 steps of 5: step 3 is evaluated only because the budget ends there.
      const input = { ...grpoEpo, totalSteps: 5, evaluation: { ...grpoEpo.evaluation, every: 4 }, checkpoints: { every: 4, keep: 3 } }
      const dir = tmp()
      let steps = 0
      const stopped = yield* runTo(input, dir, { budgetSpent: () => steps >= 3, onEvent: (e) => void (e._tag === "Step" && steps++) })
      expect(stopped).toMatchObject({ status: "interrupted", completedSteps: 3 })
      const run = yield* Runs.load(dir)
      expect([...new Set(run.evaluations.map((e) => e.step))]).toEqual([0, 3])
      expect(Option.getOrThrow(yield* RunStore.make(dir).latestCheckpoint).step).toBe(3)
    })
  )

  it.effect("a pinned evaluation seed pairs runs of different seeds; atStart false skips the step-0 evaluation", () =>
    Effect.gen(function* () {
      const paired = { ...grpoEpo, totalSteps: 1, evaluation: { ...grpoEpo.evaluation, seed: 5 } }
      const [a, b, c] = [tmp(), tmp(), tmp()]
      yield* runTo({ ...paired, seed: 1 }, a)
      yield* runTo({ ...paired, seed: 2 }, b)
      yield* runTo({ ...paired, seed: 1, evaluation: { ...paired.evaluation, atStart: false } }, c)
      const [ra, rb, rc] = [yield* Runs.load(a), yield* Runs.load(b), yield* Runs.load(c)]
      const start = (r: Runs.RunData) => r.evaluations.filter((e) => e.step === 0).map((e) => ({ ...e, seconds: 0 }))
      expect(start(ra).length).toBe(1)
      expect(start(rb)).toEqual(start(ra))
      expect(rc.evaluations.map((e) => e.step)).toEqual([1])
      expect(rc.evaluations[0]).toEqual({ ...ra.evaluations[1], seconds: rc.evaluations[0].seconds })
    })
  )

  it.effect("resuming a directory without a run or starting over an existing run fails with one line", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const spec = yield* Spec.decode(grpoEpo)
      const noRun = yield* Train.run({ spec, dir, resume: true }).pipe(Effect.flip)
      expect(String(noRun)).not.toContain("\n")
      yield* runTo({ ...grpoEpo, totalSteps: 1 }, dir)
      const again = yield* runTo({ ...grpoEpo, totalSteps: 1 }, dir).pipe(Effect.flip)
      expect(String(again)).toContain("already holds a run")
    })
  )
})
