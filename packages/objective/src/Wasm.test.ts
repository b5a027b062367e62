/**
 * The default backend is wasm, which lacks some gradients (tf.gather) that cpu has:
 * every preset must be differentiable there end to end, from logits through the fused
 * log-prob/entropy op, with the same loss and gradients as on cpu.
 */
import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { afterAll, expect, it } from "vitest"
import { lossAndGradientValues, objectives } from "./testing/PresetCase.js"

afterAll(async () => {
  await tf.setBackend("cpu")
})

it("every preset: same loss and logit gradients on wasm as on cpu, no leaks", async () => {
  await tf.setBackend("cpu")
  const onCpu = await Promise.all(objectives().map(([, o]) => lossAndGradientValues(o)))
  await tf.setBackend("wasm")
  expect(tf.getBackend()).toBe("wasm")
  await Tensors.expectNoLeaks(async () => {
    for (const [i, [preset, o]] of objectives().entries()) {
      const onWasm = await lossAndGradientValues(o)
      expect(onWasm.some((g, j) => j > 0 && Math.abs(g) > 1e-6), preset).toBe(true)
      onCpu[i]!.forEach((x, j) => expect(onWasm[j], `${preset} [${j}]`).toBeCloseTo(x, 5))
    }
  })
})
