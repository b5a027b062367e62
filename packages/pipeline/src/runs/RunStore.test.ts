import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { describe, expect } from "vitest"
import { writeAtomic } from "./Files.js"
import type { Manifest, MetricsRecord } from "./Records.js"
import * as RunStore from "./RunStore.js"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-store-"))

const manifest: Manifest = {
  format: "epo-run/1",
  name: "t",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  status: "running",
  completedSteps: 0,
  totalSteps: 6,
  seed: 1,
  backend: { name: "cpu", reason: "test" },
  versions: { node: process.versions.node },
  git: { commit: "unknown", dirty: false },
  specHash: "",
  checkpoints: {}
}

const record = (step: number): MetricsRecord => ({
  step,
  values: { "reward/mean": step, "entropy/mean": null },
  turns: { entropyMean: [1, null], entropyVariance: [0.5, null], tokens: [3, 0] },
  timings: { total: 0.1 }
})

const fillWith = (text: string) => (dir: string) => writeAtomic(path.join(dir, "weights.bin"), text)

describe("RunStore", () => {
  it.effect("creates a run once, with the spec hash in the manifest", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({ name: "t" }, manifest)
      expect(yield* store.isRun).toBe(true)
      expect((yield* store.readManifest).specHash).toMatch(/^[0-9a-f]{64}$/)
      expect(yield* store.readSpecJson).toEqual({ name: "t" })
      const again = yield* store.create({ name: "t" }, manifest).pipe(Effect.flip)
      expect(String(again)).toContain("already holds a run")
    })
  )

  it.effect("metrics and evaluations append and read back; non-finite values are null", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({}, manifest)
      for (const k of [0, 1, 2]) yield* store.appendMetrics(record(k))
      const back = yield* store.readMetrics
      expect(back.map((r) => r.step)).toEqual([0, 1, 2])
      expect(back[1]).toEqual(record(1))
      yield* store.appendEvaluations([{ step: 2, split: "s", episodes: 4, successes: 1, success: 0.25, meanTurns: 3, byTaskType: { a: { episodes: 4, successes: 1 } }, seconds: 1 }])
      expect((yield* store.readEvaluations)[0].success).toBe(0.25)
      expect(fs.readdirSync(store.dir).filter((f) => f.includes(".tmp-"))).toEqual([])
    })
  )

  it.effect("keeps the newest checkpoints plus the best, with hashes in index and manifest", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({}, manifest)
      const scores = [0.5, 0.9, 0.1, 0.2, 0.3]
      for (let i = 0; i < scores.length; i++) yield* store.saveCheckpoint({ step: i + 1, score: scores[i], keep: 2 }, fillWith(`w${i}`))
      const index = yield* store.readIndex
      expect(index.checkpoints.map((c) => c.step)).toEqual([2, 4, 5])
      expect(index.best).toBe(RunStore.checkpointName(2))
      expect(index.latest).toBe(RunStore.checkpointName(5))
      const dirs = fs.readdirSync(path.join(store.dir, "checkpoints")).filter((d) => d.startsWith("step-")).sort()
      expect(dirs).toEqual(["step-000002", "step-000004", "step-000005"])
      const m = yield* store.readManifest
      expect(Object.keys(m.checkpoints).sort()).toEqual(dirs)
      expect(m.completedSteps).toBe(5)
      const latest = Option.getOrThrow(yield* store.latestCheckpoint)
      expect(fs.readFileSync(path.join(latest.path, "weights.bin"), "utf8")).toBe("w4")
      expect(Option.getOrThrow(yield* store.bestCheckpoint).step).toBe(2)
    })
  )

  it.effect("a failing checkpoint writer leaves no directory behind", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({}, manifest)
      const exit = yield* Effect.exit(store.saveCheckpoint({ step: 1, keep: 2 }, () => Effect.fail("disk full")))
      expect(exit._tag).toBe("Failure")
      expect(fs.readdirSync(path.join(store.dir, "checkpoints"))).toEqual([])
      expect(Option.isNone(yield* store.latestCheckpoint)).toBe(true)
    })
  )

  it.effect("truncateTo drops metrics of later steps and evaluations after the checkpoint", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({}, manifest)
      for (const k of [0, 1, 2, 3]) yield* store.appendMetrics(record(k))
      const evaluation = (step: number) => ({ step, split: "s", episodes: 1, successes: 0, success: 0, meanTurns: 1, byTaskType: {}, seconds: 0 })
      yield* store.appendEvaluations([evaluation(0), evaluation(2), evaluation(4)])
      yield* store.truncateTo(2)
      expect((yield* store.readMetrics).map((r) => r.step)).toEqual([0, 1])
      expect((yield* store.readEvaluations).map((r) => r.step)).toEqual([0, 2])
    })
  )

  it.effect("a corrupt metrics line is a one-line error naming file and line", () =>
    Effect.gen(function* () {
      const store = RunStore.make(tmp())
      yield* store.create({}, manifest)
      fs.writeFileSync(path.join(store.dir, "metrics.jsonl"), JSON.stringify(record(0)) + "\n{\"step\": \"x\"}\n")
      const error = yield* store.readMetrics.pipe(Effect.flip)
      expect(String(error)).toMatch(/metrics\.jsonl:2: not a valid/)
      expect(String(error)).not.toContain("\n")
    })
  )
})
