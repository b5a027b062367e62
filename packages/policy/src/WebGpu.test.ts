/**
 * The policy on the webgpu backend (tfjs-backend-webgpu over Dawn; in CI over Mesa's CPU
 * Vulkan driver): the batched formulation's logits and its loss gradient in every
 * parameter equal those of the policy's own formulation (Transformer.forward) on the cpu
 * backend, within float32 rounding; and one whole update step with no host read
 * (BatchedUpdate.step: the bench's loss, backward, on-device clip and AdamW) leaves the
 * same parameters and moments on webgpu as on cpu; and the Policy service, which runs the
 * batched formulation there (Formulation.ts), generates the same tokens, chooses the same
 * commands and evaluates both kinds of rows to the same statistics, values and gradients
 * as on cpu. Skipped, saying why, where no WebGPU adapter can be had.
 */
import { Backend, Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { afterAll, expect, it } from "vitest"
import { loss } from "../bench/update.js"
import * as Batched from "./Batched.js"
import * as BatchedUpdate from "./BatchedUpdate.js"
import * as Config from "./Config.js"
import { causalMask } from "./ops/Attention.js"
import * as AdamW from "./optim/AdamW.js"
import * as Params from "./Params.js"
import * as PolicyService from "./Policy.js"
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

interface StepFigures {
  readonly loss: number
  readonly gradNorm: number
  /** Parameters and moments after the step, "<name>", "mu/<name>", "nu/<name>". */
  readonly tensors: ReadonlyMap<string, Float32Array>
}

/** Two update steps on the active backend from the same start, everything read back after. */
const twoSteps = async (c: Config.PolicyConfig, init: () => Params.Variables): Promise<StepFigures> => {
  const vars = init()
  const s = Random.Stream.fromSeed(4)
  const n = B * T
  const tokens = { batch: B, time: T, ids: Int32Array.from({ length: n }, () => s.int(vocab)), positions: Int32Array.from({ length: n }, (_, i) => i % T), mask: causalMask(T) }
  const targets = tf.tensor1d(Int32Array.from({ length: n }, () => s.int(vocab)), "int32")
  const oldLogp = tf.tensor1d(Float32Array.from({ length: n }, () => -Math.log(vocab) + 0.3 * s.normal()))
  const adv = tf.tensor1d(Float32Array.from({ length: n }, () => s.normal()))
  const mask = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)))
  const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ maxGradNorm: 0.05, weightDecay: 0.1 })))
  let state = opt.init(vars)
  let first: BatchedUpdate.StepResult | undefined
  for (let i = 0; i < 2; i++) {
    const r = BatchedUpdate.step(opt, vars, c, tokens, targets, (logp, entropy) => loss(logp, entropy, oldLogp, adv, mask), state, 0.01)
    state = r.state
    if (first === undefined) first = r
    else tf.dispose([r.loss, r.gradNorm])
  }
  const named = new Map<string, tf.Tensor>([...vars, ...AdamW.toTensors(state).tensors])
  const tensors = new Map<string, Float32Array>()
  for (const [name, t] of named) tensors.set(name, (await t.data()) as Float32Array)
  const out = { loss: (await first!.loss.data())[0]!, gradNorm: (await first!.gradNorm.data())[0]!, tensors }
  tf.dispose([first!.loss, first!.gradNorm, targets, oldLogp, adv, mask])
  AdamW.dispose(state)
  Params.dispose(vars)
  return out
}

it("two update steps with no host read (batched forward, token statistics, clip, AdamW) on webgpu equal the same steps on cpu", async (ctx) => {
  await tf.setBackend("cpu")
  const c = Effect.runSync(Config.decode({ vocab, dModel: 8, layers: 1, heads: 2, context: 9, positions: "learned" }))
  const init = () => {
    const vars = Params.init(c, Random.key(7))
    tf.tidy(() => vars.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 5 : 1))))
    return vars
  }
  const onCpu = await Tensors.expectNoLeaks(() => twoSteps(c, init))
  const webgpu = await Effect.runPromise(Backend.select("webgpu").pipe(Effect.result))
  if (webgpu._tag === "Failure") {
    console.log(`skipped: ${webgpu.failure}`)
    return ctx.skip(String(webgpu.failure))
  }
  await tf.setBackend("cpu")
  const vars = init()
  await tf.setBackend("webgpu")
  const onGpu = await Tensors.expectNoLeaks(() => twoSteps(c, () => vars))
  expect(onCpu.gradNorm, "the clip is active").toBeGreaterThan(0.05)
  expect(Math.abs(onGpu.loss - onCpu.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(onCpu.loss) + 1e-7)
  expect(Math.abs(onGpu.gradNorm - onCpu.gradNorm)).toBeLessThanOrEqual(1e-5 * onCpu.gradNorm)
  for (const [name, x] of onCpu.tensors) expectClose(onGpu.tensors.get(name)!, x, name)
})

interface ServiceFigures {
  readonly tokens: ReadonlyArray<Int32Array>
  readonly choices: ReadonlyArray<number>
  /** Generation and choice statistics, evaluation outputs and gradients, by label. */
  readonly values: ReadonlyMap<string, Float32Array>
}

const ids = (...xs: Array<number>) => Int32Array.from(xs)

/**
 * Everything the Policy service computes for training on the active backend: generation
 * (left-padded prompts), choices, and the differentiable passes over the responses and
 * choices `taken` (those of the cpu run; the fresh ones on the first call), with the
 * gradient of a weighted sum of their outputs in every parameter.
 */
const serviceFigures = async (vars: Params.Variables, c: Config.PolicyConfig, taken?: ServiceFigures): Promise<ServiceFigures> => {
  const policy = PolicyService.fromVariables(c, vars)
  const prompts = [ids(1, 2, 3), ids(4), ids(5, 6, 7, 8, 9)]
  const gens = await Effect.runPromise(policy.generate(prompts, { temperature: 0.9, maxNewTokens: 4, key: Random.key(3) }))
  const choiceRows = [
    { prompt: ids(1, 9, 10), candidates: [ids(4, 5, 2), ids(4, 6, 2), ids(7)], words: [2, 2, 1] },
    { prompt: ids(1, 3, 3, 3, 8), candidates: [ids(10, 2), ids(6, 7, 8, 2)], words: [1, 3] }
  ]
  const choices = await Effect.runPromise(policy.choose(choiceRows, { temperature: 0.8, normalisation: "word", key: Random.key(4) }))
  const tokens = taken?.tokens ?? gens.map((g) => g.tokens)
  const picked = taken?.choices ?? choices.map((x) => x.choice)
  const rows = prompts.map((prompt, s) => ({ prompt, response: tokens[s]! }))
  const chosen = choiceRows.map((r, s) => ({ ...r, choice: picked[s]! }))
  const outputs = () => {
    const ev = policy.evaluate(rows, { temperature: 0.9 })
    const ch = policy.evaluateChoices(chosen, { temperature: 0.8, normalisation: "word" })
    return [ev.logp, ev.entropy, ev.values!, ch.logp, ch.entropy, ch.values!]
  }
  const evaluated = tf.tidy(outputs)
  const weights = evaluated.map((t, i) => tf.tensor(Float32Array.from({ length: t.size }, (_, j) => Math.sin(1 + i + 3 * j)), t.shape))
  const { value, grads } = tf.variableGrads(() => tf.addN(outputs().map((t, i) => tf.sum(tf.mul(t, weights[i]!)))) as tf.Scalar, [...vars.values()])
  const labels = ["evaluate logp", "evaluate entropy", "evaluate values", "choice logp", "choice entropy", "choice values"]
  const values = new Map<string, Float32Array>([
    ["generation logp", Float32Array.from(gens.flatMap((g) => Array.from(g.logp)))],
    ["generation entropy", Float32Array.from(gens.flatMap((g) => Array.from(g.entropy)))],
    ["choice scores", Float32Array.from(choices.flatMap((x) => Array.from(x.scores)))],
    ["choice statistics", Float32Array.from(choices.flatMap((x) => [x.logp, x.entropy, x.value!]))]
  ])
  for (const [i, t] of evaluated.entries()) values.set(labels[i]!, (await t.data()) as Float32Array)
  for (const [name, v] of vars) values.set(`d/d ${name}`, (await grads[v.name]!.data()) as Float32Array)
  tf.dispose([...evaluated, ...weights, value, ...Object.values(grads)])
  return { tokens: gens.map((g) => g.tokens), choices: choices.map((x) => x.choice), values }
}

it("the Policy service on webgpu generates, chooses and evaluates as on cpu: the same tokens and choices, statistics, values and gradients within float32 rounding", async (ctx) => {
  await tf.setBackend("cpu")
  const c = Effect.runSync(Config.decode({ vocab: 19, dModel: 8, layers: 1, heads: 2, context: 24, positions: "rotary", valueHead: true, critic: "shared", choiceScale: true }))
  const vars = Params.init(c, Random.key(6))
  tf.tidy(() => vars.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 30 : 1))))
  const onCpu = await Tensors.expectNoLeaks(() => serviceFigures(vars, c))
  const webgpu = await Effect.runPromise(Backend.select("webgpu").pipe(Effect.result))
  if (webgpu._tag === "Failure") {
    Params.dispose(vars)
    console.log(`skipped: ${webgpu.failure}`)
    return ctx.skip(String(webgpu.failure))
  }
  const onGpu = await Tensors.expectNoLeaks(() => serviceFigures(vars, c, onCpu))
  Params.dispose(vars)
  expect(onGpu.tokens).toEqual(onCpu.tokens)
  expect(onGpu.choices).toEqual(onCpu.choices)
  // The draws are informative: some generated token was far from certain.
  expect(Math.min(...onCpu.values.get("generation logp")!)).toBeLessThan(-0.5)
  for (const [label, x] of onCpu.values) {
    if (label.startsWith("d/d")) expect(x.some((g) => g !== 0), `${label} is not zero`).toBe(true)
    expectClose(onGpu.values.get(label)!, x, label)
  }
})
