import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Term, Terms } from "@epo/objective"
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
import { describe, expect } from "vitest"
import { RunStoreError } from "./Files.js"
import { loadCheckpoint } from "../train/Model.js"
import * as Resolve from "../spec/Resolve.js"
import * as Runs from "./Runs.js"
import * as RunStore from "./RunStore.js"
import * as Spec from "../spec/Spec.js"
import { grpoEpo } from "../testing/TinySpecs.js"
import * as Train from "../train/Train.js"
import * as TrainingObjective from "../train/TrainingObjective.js"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-recovery-"))

/** The tiny spec, evaluated only after its last step (evaluation is not what these tests are about). */
const tiny = { ...grpoEpo, evaluation: { ...grpoEpo.evaluation, every: 0, games: 1 } }

/** A tiny run stopped after `steps` update steps: checkpoints at step 0, 2 (every 2) and at the stop. */
const stoppedRun = (dir: string, steps: number, input: unknown = tiny) =>
  Effect.gen(function* () {
    const spec = yield* Spec.decode(input)
    let done = 0
    return yield* Train.run({ spec, dir, shouldStop: () => done >= steps, onEvent: (e) => void (e._tag === "Step" && done++) })
  })

/** Resumes the run in `dir` with the spec it holds, collecting the notes it prints. */
const resume = (dir: string, options: Partial<Train.TrainOptions> = {}) =>
  Effect.gen(function* () {
    const notes: Array<string> = []
    const spec = yield* Resolve.ofRun(dir)
    const result = yield* Train.run({
      spec,
      dir,
      resume: true,
      ...options,
      onEvent: (e) => {
        if (e._tag === "Note") notes.push(e.message)
        options.onEvent?.(e)
      }
    })
    return { result, notes }
  })

/** Flips one byte near the end of a file (inside the tensor data of a safetensors file). */
const flipByte = (file: string) => {
  const bytes = fs.readFileSync(file)
  bytes[bytes.length - 3] ^= 0x40
  fs.writeFileSync(file, bytes)
}

const manifestOf = (dir: string) => Effect.runSync(RunStore.make(dir).readManifest)

describe("faults and recovery of a run", () => {
  it.effect("resume skips a damaged newest checkpoint, says why, and continues from the one before", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* stoppedRun(dir, 3)
      const model = path.join(dir, "checkpoints", "step-000003", "model.safetensors")
      flipByte(model)
      // What eval (and any load of a run's checkpoint) says about it.
      expect(String(yield* loadCheckpoint(path.dirname(model)).pipe(Effect.flip))).toBe(
        `integrity check: ${model}: does not match the sha256 recorded when it was written (damaged or edited)`
      )
      let first: number | undefined
      const { result, notes } = yield* resume(dir, { onEvent: (e) => void (e._tag === "Step" && (first ??= e.record.step)) })
      expect(notes).toEqual([`skipped checkpoint step-000003: integrity check: ${model}: does not match the sha256 recorded when it was written (damaged or edited)`])
      expect(first).toBe(2)
      expect(result).toMatchObject({ status: "completed", completedSteps: 4 })
      expect((yield* Runs.load(dir)).metrics.map((m) => m.step)).toEqual([0, 1, 2, 3])
    })
  )

  it.effect("with no checkpoint left to resume from, the error lists each one and why", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* stoppedRun(dir, 1)
      for (const name of fs.readdirSync(path.join(dir, "checkpoints")).filter((n) => n.startsWith("step-")))
        fs.writeFileSync(path.join(dir, "checkpoints", name, "trainer.json"), "{}")
      const error = String(yield* resume(dir).pipe(Effect.flip))
      expect(error).toMatch(/^no checkpoint of .* can be resumed: step-000001: .*trainer\.json.*; step-000000: .*trainer\.json/)
      expect(error).not.toContain("\n")
    })
  )

  it.effect("what interrupted writes left behind is removed when the run is taken up again", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* stoppedRun(dir, 1)
      fs.mkdirSync(path.join(dir, "checkpoints", "step-000002.tmp-123-0"))
      fs.writeFileSync(path.join(dir, "checkpoints", "step-000002.tmp-123-0", "model.safetensors"), "half")
      fs.writeFileSync(path.join(dir, "metrics.jsonl.tmp-123-4"), "half")
      const { notes } = yield* resume(dir, { shouldStop: () => true })
      expect(notes).toEqual([`removed what an interrupted write left behind: metrics.jsonl.tmp-123-4, ${path.join("checkpoints", "step-000002.tmp-123-0")}`])
      expect(fs.readdirSync(path.join(dir, "checkpoints")).filter((n) => n.includes(".tmp-"))).toEqual([])
      expect(fs.existsSync(path.join(dir, "metrics.jsonl.tmp-123-4"))).toBe(false)
    })
  )

  it.effect("an edited spec.json is refused on resume unless allowed, and an allowed edit is recorded", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* stoppedRun(dir, 1)
      const file = path.join(dir, "spec.json")
      const before = manifestOf(dir).specHash
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"scale": 10', '"scale": 5'))
      const refused = String(yield* resume(dir).pipe(Effect.flip))
      expect(refused).toContain(`${file} changed since the run started`)
      expect(refused).toContain("--allow-spec-change")
      expect(manifestOf(dir).status).toBe("interrupted")
      const { result } = yield* resume(dir, { allowSpecChange: true, shouldStop: () => true })
      expect(result.status).toBe("interrupted")
      const m = manifestOf(dir)
      expect(m.specChanges).toEqual([{ at: expect.any(String), completedSteps: 1, from: before, to: m.specHash }])
      expect(m.specHash).not.toBe(before)
    })
  )

  it.effect("a non-finite loss stops the run: the error names the terms and the step, the manifest says failed", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const spec = yield* Spec.decode({ ...tiny, objective: { preset: "grpo" } })
      const broken = Term.sum(Term.named(Terms.ppoClip({ clipLow: 0.2, clipHigh: 0.2 }), "policy_loss"), Term.named(Term.scale(Terms.entropy("token-mean"), Number.NaN), "broken"))
      const error = String(yield* Train.run({ spec, dir, services: { objective: TrainingObjective.custom("broken", broken) } }).pipe(Effect.flip))
      expect(error).toMatch(/^update: update step 0, epoch 1, mini-batch 1: the objective is not finite \(loss = NaN, broken = NaN\)$/)
      expect(manifestOf(dir)).toMatchObject({ status: "failed", error })
    })
  )

  it.effect("a non-finite gradient under a finite loss stops the run naming the parameters", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const spec = yield* Spec.decode({ ...tiny, objective: { preset: "grpo" } })
      // sqrt(0 * logp) is 0, and its gradient inf * 0 = NaN reaches every parameter.
      const nanGradient = Term.named(
        Term.fromScalar((batch) => tf.sum(tf.sqrt(tf.mul(batch.logp, 0)))),
        "sqrt0"
      )
      const error = String(yield* Train.run({ spec, dir, services: { objective: TrainingObjective.custom("nan-gradient", nanGradient) } }).pipe(Effect.flip))
      expect(error).toMatch(/^update: update step 0, epoch 1, mini-batch 1: the gradient is not finite \(norm NaN\) in .*embed.* although the loss is 0$/)
      expect(manifestOf(dir).status).toBe("failed")
    })
  )

  it.effect("an unexpected exception (a defect) leaves the status failed as an internal error", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const spec = yield* Spec.decode({ ...tiny, objective: { preset: "grpo" } })
      const throwing = Term.named(
        Term.fromScalar(() => {
          throw new Error("a bug in a custom term")
        }),
        "buggy"
      )
      const exit = yield* Effect.exit(Train.run({ spec, dir, services: { objective: TrainingObjective.custom("buggy", throwing) } }))
      expect(exit._tag).toBe("Failure")
      expect(manifestOf(dir)).toMatchObject({ status: "failed", error: "internal error: a bug in a custom term" })
      expect(fs.existsSync(path.join(dir, "lock"))).toBe(false)
    })
  )

  it.effect("a failed write (disk full) leaves the status failed with the reason", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const spec = yield* Spec.decode(tiny)
      const store = RunStore.make(dir)
      const full: RunStore.RunStoreShape = {
        ...store,
        appendMetrics: (record) =>
          record.step === 1 ? Effect.fail(new RunStoreError({ path: store.pathOf("metrics.jsonl"), reason: "no space left on device" })) : store.appendMetrics(record)
      }
      const error = String(yield* Train.run({ spec, dir, services: { store: Layer.succeed(RunStore.RunStore, full) } }).pipe(Effect.flip))
      expect(error).toBe(`run store: ${store.pathOf("metrics.jsonl")}: no space left on device`)
      expect(manifestOf(dir)).toMatchObject({ status: "failed", error, completedSteps: 0 })
      expect(fs.existsSync(path.join(dir, "lock"))).toBe(false)
      // A run whose writer died without a word (killed) says so to readers.
      yield* store.updateManifest(({ error: _, ...m }) => ({ ...m, status: "running" }))
      expect((yield* Runs.load(dir)).status).toBe("crashed")
    })
  )

  it.effect("a spec file's relative checkpoint path is relative to its folder; a moved run resumes without it", () =>
    Effect.gen(function* () {
      const first = tmp()
      yield* stoppedRun(first, 1)
      const specDir = tmp()
      fs.cpSync(path.join(first, "checkpoints", "step-000001"), path.join(specDir, "start"), { recursive: true })
      fs.writeFileSync(path.join(specDir, "spec.json"), JSON.stringify({ ...tiny, totalSteps: 2, policy: { checkpoint: "start" } }))
      const spec = yield* Resolve.resolve({ file: path.join(specDir, "spec.json") })
      expect(spec.policy.checkpoint).toBe(path.join(specDir, "start"))
      const dir = path.join(tmp(), "run")
      yield* Effect.gen(function* () {
        let done = 0
        return yield* Train.run({ spec, dir, shouldStop: () => done >= 1, onEvent: (e) => void (e._tag === "Step" && done++) })
      })
      const stored = JSON.parse(fs.readFileSync(path.join(dir, "spec.json"), "utf8")) as { policy: { checkpoint: string } }
      expect(stored.policy.checkpoint).toBe(path.relative(dir, path.join(specDir, "start")))
      expect((yield* Resolve.ofRun(dir)).policy.checkpoint).toBe(path.join(specDir, "start"))
      const moved = path.join(tmp(), "moved")
      fs.renameSync(dir, moved)
      fs.rmSync(specDir, { recursive: true })
      const { result } = yield* resume(moved)
      expect(result).toMatchObject({ status: "completed", completedSteps: 2, dir: moved })
    })
  )
})
