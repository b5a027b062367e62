/**
 * The policy on the webgpu backend (tfjs-backend-webgpu over Dawn; in CI over Mesa's CPU
 * Vulkan driver): the batched formulation's logits and its loss gradient in every
 * parameter equal those of the policy's own formulation (Transformer.forward) on the cpu
 * backend, within float32 rounding. Skipped, saying why, where no WebGPU adapter can be had.
 */
import { Backend, Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { afterAll, expect, it } from "vitest"
import * as Batched from "./Batched.js"
import * as Config from "./Config.js"
import { causalMask } from "./ops/Attention.js"
import * as Params from "./Params.js"
import * as Transformer from "./Transformer.js"

const [B, T, vocab] = [2, 6, 11]

afterAll(async () => {
  await tf.setBackend("cpu")
})

interface Figures {
  readonly logits: Float32Array
  readonly grads: ReadonlyMap<string, Float32Array>
}

/** Logits and the gradient of a weighted log-likelihood in every parameter, read back. */
const figures = async (vars: Params.Variables, hidden: () => tf.Tensor2D, head: (h: tf.Tensor2D) => tf.Tensor2D): Promise<Figures> => {
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: B * T }, (_, i) => (3 * i + 1) % vocab), "int32"), vocab))
  const w = tf.tensor1d(Float32Array.from(Random.uniform(Random.key(9), B * T), (u) => u - 0.5))
  const loss = () => tf.sum(tf.mul(tf.sum(tf.mul(tf.logSoftmax(head(hidden())), targets), 1), w)) as tf.Scalar
  const logits = tf.tidy(() => head(hidden()))
  const { value, grads } = tf.variableGrads(loss, [...vars.values()])
  const out = { logits: (await logits.data()) as Float32Array, grads: new Map<string, Float32Array>() }
  for (const [name, v] of vars) out.grads.set(name, (await grads[v.name]!.data()) as Float32Array)
  tf.dispose([targets, w, logits, value, ...Object.values(grads)])
  return out
}

/** |a - b| within float32 rounding of the largest magnitude in b. */
const expectClose = (a: Float32Array, b: Float32Array, label: string) => {
  const scale = b.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
  const worst = a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0)
  expect(a.length, label).toBe(b.length)
  expect(worst, `${label}: worst difference ${worst} at scale ${scale}`).toBeLessThanOrEqual(1e-4 * scale + 1e-6)
}

it("the batched formulation on webgpu: logits and every parameter's gradient equal the policy's on cpu", async (ctx) => {
  for (const positions of ["learned", "rotary"] as const) {
    await tf.setBackend("cpu")
    const c = Effect.runSync(Config.decode({ vocab, dModel: 8, layers: 2, heads: 2, context: 9, positions }))
    const vars = Params.init(c, Random.key(5))
    tf.tidy(() => vars.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 5 : 1))))
    const s = Random.Stream.fromSeed(2)
    const tokens = { batch: B, time: T, ids: Int32Array.from({ length: B * T }, () => s.int(vocab)), positions: Int32Array.from({ length: B * T }, (_, i) => i % T), mask: causalMask(T) }
    const onCpu = await Tensors.expectNoLeaks(() => figures(vars, () => Transformer.forward(vars, c, tokens).hidden, (h) => Transformer.logits(vars, h)))
    const webgpu = await Effect.runPromise(Backend.select("webgpu").pipe(Effect.result))
    if (webgpu._tag === "Failure") {
      Params.dispose(vars)
      console.log(`skipped: ${webgpu.failure}`)
      return ctx.skip(String(webgpu.failure))
    }
    const onGpu = await Tensors.expectNoLeaks(() => figures(vars, () => Batched.forward(vars, c, tokens), (h) => Batched.logits(vars, h)))
    expectClose(onGpu.logits, onCpu.logits, `${positions} logits`)
    for (const [name, g] of onCpu.grads) {
      expect(g.some((x) => x !== 0), `${positions} ${name} has a gradient`).toBe(true)
      expectClose(onGpu.grads.get(name)!, g, `${positions} d/d ${name}`)
    }
    Params.dispose(vars)
  }
})
