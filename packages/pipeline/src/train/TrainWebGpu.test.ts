/**
 * Training on the webgpu backend (tfjs-backend-webgpu over Dawn; in CI over Mesa's CPU
 * Vulkan driver): a tiny run there (rollouts, the reference and behaviour passes, the
 * update with its asynchronous reads, evaluations, checkpoints) ends as the same run on
 * the cpu backend within float32 rounding: the same trajectories and evaluations, every
 * metric within 1e-4 of its scale and every final weight within 1e-3 of its tensor's
 * largest magnitude (the worst seen: 6.3e-7 and 1.1e-4), and no tensor left behind. Both
 * action modes: generated responses (GRPO + EPO with a KL reference) and scored commands
 * (PPO + critic with a learned choice scale). Skipped, saying why, where no WebGPU
 * adapter can be had.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Backend, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as Runs from "../runs/Runs.js"
import * as Spec from "../spec/Spec.js"
import { grpoEpo, ppoCritic, scoring } from "../testing/TinySpecs.js"
import { loadCheckpoint } from "./Model.js"
import * as Train from "./Train.js"

afterAll(async () => {
  await tf.setBackend("cpu")
})

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-train-webgpu-"))

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * (1 + Math.abs(b))

/** The run in `dir` on `backend`: its metrics, evaluations and final weights. */
const runOn = (input: Spec.PipelineSpecInput, backend: "cpu" | "webgpu") =>
  Effect.gen(function* () {
    const dir = tmp()
    const before = Tensors.liveTensors()
    const result = yield* Train.run({ spec: yield* Spec.decode({ ...input, backend }), dir })
    expect(Tensors.liveTensors(), `tensors left by the ${backend} run`).toBe(before)
    expect(result).toMatchObject({ status: "completed", completedSteps: 2 })
    const run = yield* Runs.load(dir)
    expect(run.manifest.backend.name).toBe(backend)
    const checkpoints = path.join(dir, "checkpoints")
    const last = fs.readdirSync(checkpoints).filter((n) => n.startsWith("step-")).sort().at(-1)!
    const { weights } = yield* loadCheckpoint(path.join(checkpoints, last))
    return { run, weights }
  })

const modes = [
  ["generate", { ...grpoEpo, totalSteps: 2 }],
  ["score", { ...scoring(ppoCritic), policy: { ...scoring(ppoCritic).policy, scale: "learned" }, optimizer: { learningRate: 3e-3, warmupRatio: 0, multipliers: { "choice.logScale": 10 } } }]
] as const satisfies ReadonlyArray<readonly [string, Spec.PipelineSpecInput]>

describe("training on webgpu", () => {
  it.for(modes)("%s: a tiny run on webgpu ends as the same run on cpu within float32 rounding", async ([, input], ctx) => {
    const webgpu = await Effect.runPromise(Effect.result(Backend.select("webgpu")))
    if (webgpu._tag === "Failure") {
      console.log(`skipped: ${webgpu.failure}`)
      return ctx.skip(String(webgpu.failure))
    }
    const cpu = await Effect.runPromise(runOn(input, "cpu"))
    const gpu = await Effect.runPromise(runOn(input, "webgpu"))
    expect(gpu.run.metrics.length).toBe(2)
    gpu.run.metrics.forEach((m, step) => {
      const expected = cpu.run.metrics[step]!
      // The same trajectories: the same rows, tokens and rewards.
      expect(m.turns.tokens).toEqual(expected.turns.tokens)
      expect(Object.keys(m.values).sort()).toEqual(Object.keys(expected.values).sort())
      for (const [name, value] of Object.entries(m.values)) {
        const want = expected.values[name]!
        if (value === null || want === null) expect(value, name).toBe(want)
        else expect(close(value, want), `step ${step} ${name}: ${value} on webgpu, ${want} on cpu`).toBe(true)
      }
    })
    expect(gpu.run.evaluations.map((e) => ({ ...e, seconds: 0 }))).toEqual(cpu.run.evaluations.map((e) => ({ ...e, seconds: 0 })))
    expect(Object.keys(gpu.weights).sort()).toEqual(Object.keys(cpu.weights).sort())
    for (const [name, w] of Object.entries(cpu.weights)) {
      const [want, got] = [Array.from(w.data), Array.from(gpu.weights[name]!.data)]
      const scale = want.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
      const worst = got.reduce((m, x, i) => Math.max(m, Math.abs(x - want[i]!)), 0)
      // Adam divides each gradient by its running magnitude, so rounding differences in
      // small gradients move weights by more than float32 rounding: 1.1e-4 of the scale
      // at most, measured (choice.logScale), 6e-5 for the others.
      expect(worst, `${name}: worst difference ${worst} at scale ${scale}`).toBeLessThanOrEqual(1e-3 * scale + 1e-6)
    }
  })
})
