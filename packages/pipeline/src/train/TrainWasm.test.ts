/**
 * Reproducibility on the wasm backend, where the native kernels of @epo/native run when
 * the addon is built (one thread unless EPO_NATIVE_THREADS says otherwise): the same spec
 * and seed give bitwise identical metrics and evaluations, and an interrupted run resumed
 * from its checkpoint ends exactly as the uninterrupted one (Train.test.ts checks the
 * same on the cpu backend). With EPO_NATIVE=0 it checks tfjs's own wasm kernels.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Backend } from "@epo/core"
import { Native } from "@epo/native"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import type { MetricsRecord } from "../runs/Records.js"
import * as Runs from "../runs/Runs.js"
import * as Spec from "../spec/Spec.js"
import { grpoEpo } from "../testing/TinySpecs.js"
import * as Train from "./Train.js"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-train-wasm-"))
const deterministicPart = (r: MetricsRecord) => JSON.stringify({ step: r.step, values: r.values, turns: r.turns })
const spec = { ...grpoEpo, backend: "wasm" } as const

const runTo = (dir: string, options: Partial<Train.TrainOptions> = {}) =>
  Effect.gen(function* () {
    return yield* Train.run({ spec: yield* Spec.decode(spec), dir, ...options })
  })

describe(`training on wasm (${Native.status().reason})`, () => {
  it.effect("reruns are bitwise identical and a resumed run ends as the uninterrupted one", () =>
    Effect.gen(function* () {
      const backend = yield* Backend.select("wasm")
      expect(backend.kernels).toBe(Native.status().active ? "native" : "tfjs")
      const [a, b, parts] = [tmp(), tmp(), tmp()]
      yield* runTo(a)
      yield* runTo(b)
      let steps = 0
      const stopped = yield* runTo(parts, { shouldStop: () => steps >= 3, onEvent: (e) => void (e._tag === "Step" && steps++) })
      expect(stopped).toMatchObject({ status: "interrupted", completedSteps: 3 })
      yield* Train.run({ spec: yield* Spec.decode(spec), dir: parts, resume: true })
      const [ra, rb, rp] = [yield* Runs.load(a), yield* Runs.load(b), yield* Runs.load(parts)]
      expect(ra.manifest.backend.name).toBe("wasm")
      expect(ra.metrics.length).toBe(4)
      for (const other of [rb, rp]) {
        expect(other.metrics.map(deterministicPart)).toEqual(ra.metrics.map(deterministicPart))
        expect(other.evaluations.map((e) => ({ ...e, seconds: 0 }))).toEqual(ra.evaluations.map((e) => ({ ...e, seconds: 0 })))
      }
    })
  )
})
