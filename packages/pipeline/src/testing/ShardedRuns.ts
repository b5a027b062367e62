/**
 * What the rollout providers' tests compare: the tiny GRPO+EPO run with 4 groups in 2
 * shards, and the deterministic part of its metrics under a given `rollout.workers`.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import type { MetricsRecord } from "../runs/Records.js"
import * as Runs from "../runs/Runs.js"
import * as Spec from "../spec/Spec.js"
import * as Train from "../train/Train.js"
import { grpoEpo } from "./TinySpecs.js"

/** A metrics line without its wall-clock timings, as bytes. */
export const deterministicPart = (r: MetricsRecord) => JSON.stringify({ step: r.step, values: r.values, turns: r.turns })

/** The tiny GRPO+EPO run with 4 groups in 2 shards, 2 steps, no evaluation before the end. */
export const sharded = (workers: unknown) => ({
  ...grpoEpo,
  totalSteps: 2,
  rollout: { ...grpoEpo.rollout, groups: 4, shards: 2, workers },
  evaluation: { ...grpoEpo.evaluation, every: 0, atStart: false }
})

/** Trains `input` in a fresh temporary folder and returns its metrics' deterministic parts. */
export const metricsOf = (input: unknown) =>
  Effect.gen(function* () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epo-sharded-"))
    yield* Train.run({ spec: yield* Spec.decode(input), dir })
    return (yield* Runs.load(dir)).metrics.map(deterministicPart)
  })
