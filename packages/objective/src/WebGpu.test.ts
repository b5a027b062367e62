/**
 * The objective algebra on the webgpu backend (tfjs-backend-webgpu over Dawn; in CI over
 * Mesa's CPU Vulkan driver): every preset's loss and logit gradients, end to end from
 * logits, equal the cpu backend's within float32 rounding. Skipped, saying why, where
 * no WebGPU adapter can be had.
 */
import { Backend, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { afterAll, expect, it } from "vitest"
import { lossAndGradientValues, objectives } from "./testing/PresetCase.js"

afterAll(async () => {
  await tf.setBackend("cpu")
})

it("every preset: same loss and logit gradients on webgpu as on cpu, no leaks", async (ctx) => {
  await tf.setBackend("cpu")
  const onCpu = await Promise.all(objectives().map(([, o]) => lossAndGradientValues(o)))
  const webgpu = await Effect.runPromise(Backend.select("webgpu").pipe(Effect.result))
  if (webgpu._tag === "Failure") {
    console.log(`skipped: ${webgpu.failure}`)
    return ctx.skip(String(webgpu.failure))
  }
  expect(tf.getBackend()).toBe("webgpu")
  await Tensors.expectNoLeaks(async () => {
    for (const [i, [preset, o]] of objectives().entries()) {
      const onGpu = await lossAndGradientValues(o)
      expect(onGpu.some((g, j) => j > 0 && Math.abs(g) > 1e-6), preset).toBe(true)
      onCpu[i]!.forEach((x, j) => expect(Math.abs(onGpu[j]! - x), `${preset} [${j}]: ${onGpu[j]} vs ${x}`).toBeLessThan(1e-5 + 1e-4 * Math.abs(x)))
    }
  })
})
