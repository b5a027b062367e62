import { it } from "@effect/vitest"
import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { beforeAll, describe, expect } from "vitest"
import * as AdamW from "./AdamW.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const expectValues = (t: tf.Tensor | undefined, expected: Array<number>) => {
  const v = t!.dataSync()
  expected.forEach((e, i) => expect(v[i]).toBeCloseTo(e, 5))
}

describe("AdamW", () => {
  it("matches hand-computed values over two steps (bias correction, decoupled decay)", async () => {
    await Tensors.expectNoLeaks(() => {
      const config = Effect.runSync(AdamW.decodeConfig({ weightDecay: 0.01 }))
      const opt = AdamW.adamw(config)
      const theta = tf.tidy(() => tf.variable(tf.tensor1d([1, -2])))
      const params = new Map([["w", theta]])
      let state = opt.init(params)
      // Step 1: m = 0.1 g, v = 0.001 g², m̂/√v̂ = sign(g) = 1; Δ = -0.1 (1 + 0.01 θ).
      const g1 = new Map([["w", tf.tensor1d([0.5, 1])]])
      state = AdamW.step(opt, params, g1, state, 0.1).state
      expectValues(theta, [0.899, -2.098])
      expectValues(state.mu.get("w"), [0.05, 0.1])
      expectValues(state.nu.get("w"), [0.00025, 0.001])
      const g2 = new Map([["w", tf.tensor1d([-0.5, 0.25])]])
      const r = AdamW.step(opt, params, g2, state, 0.1)
      expect(r.state.step).toBe(2)
      expectValues(theta, [0.9033641598, -2.1789617512])
      expectValues(r.state.mu.get("w"), [-0.005, 0.115])
      tf.dispose([...g1.values(), ...g2.values()])
      AdamW.dispose(r.state)
      theta.dispose()
    })
  })

  it("multiplies the learning rate of the parameters named in `multipliers` (parameter groups)", () => {
    const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ weightDecay: 0, multipliers: { fast: 50 } })))
    const params = new Map([["slow", tf.tensor1d([0])], ["fast", tf.tensor1d([0])]])
    const state = opt.init(params)
    const grads = new Map([["slow", tf.tensor1d([0.3])], ["fast", tf.tensor1d([-0.003])]])
    // The first step moves each parameter by its learning rate against the gradient's sign.
    const r = opt.update(grads, state, params, 1e-3)
    expectValues(r.updates.get("slow"), [-1e-3])
    expectValues(r.updates.get("fast"), [5e-2])
    tf.dispose([...params.values(), ...grads.values(), ...r.updates.values()])
    AdamW.dispose(state)
    AdamW.dispose(r.state)
  })

  it("clips the global gradient norm (torch's clip_grad_norm_) and reports the unclipped norm", () => {
    const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ maxGradNorm: 0.5 })))
    const params = new Map([["a", tf.tensor1d([0])], ["b", tf.tensor1d([0])]])
    const state = opt.init(params)
    const grads = new Map([["a", tf.tensor1d([0.5])], ["b", tf.tensor1d([1])]])
    const r = opt.update(grads, state, params, 0.1)
    expect(r.gradNorm).toBeCloseTo(Math.sqrt(1.25), 6)
    expectValues(r.state.mu.get("a"), [0.0223606598])
    expectValues(r.state.mu.get("b"), [0.0447213196])
    tf.dispose([...params.values(), ...grads.values(), ...r.updates.values()])
    AdamW.dispose(state)
    AdamW.dispose(r.state)
  })

  it("updateOnDevice equals update (clip factor as a tensor; multipliers, decay, absent gradients) and reads nothing", async () => {
    await Tensors.expectNoLeaks(async () => {
      const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ maxGradNorm: 0.7, weightDecay: 0.1, multipliers: { b: 3 } })))
      const variable = (t: () => tf.Tensor) => tf.tidy(() => tf.variable(t()))
      const params = new Map([
        ["a", variable(() => tf.tensor2d([[0.3, -1.2], [2, 0.5]]))],
        ["b", variable(() => tf.tensor1d([-0.4, 0.9, 1.5]))],
        ["c", variable(() => tf.tensor1d([0.25]))]
      ])
      const grads = (k: number) => new Map<string, tf.Tensor>([["a", tf.tensor2d([[0.8 * k, -0.6], [0.1, 1.1 * k]])], ["b", tf.tensor1d([-0.9, 0.2 * k, 0.4])]])
      let host = opt.init(params)
      let device = opt.init(params)
      for (const k of [1, -2, 0.5]) {
        const g = grads(k)
        const h = opt.update(g, host, params, 0.05)
        const d = opt.updateOnDevice(g, device, params, 0.05)
        expect(h.gradNorm).toBeGreaterThan(0.7) // the clip is active
        expect((await d.gradNorm.data())[0]).toBeCloseTo(h.gradNorm, 5)
        for (const [name, u] of h.updates) expect(Array.from(await d.updates.get(name)!.data())).toEqual(Array.from(u.dataSync()).map((x) => expect.closeTo(x, 7)))
        for (const name of ["a", "b", "c"]) {
          expect(Array.from(await d.state.mu.get(name)!.data())).toEqual(Array.from(h.state.mu.get(name)!.dataSync()).map((x) => expect.closeTo(x, 7)))
          expect(Array.from(await d.state.nu.get(name)!.data())).toEqual(Array.from(h.state.nu.get(name)!.dataSync()).map((x) => expect.closeTo(x, 7)))
        }
        expect(d.updates.has("c")).toBe(false)
        AdamW.applyUpdates(params, h.updates)
        tf.dispose([...g.values(), ...h.updates.values(), ...d.updates.values(), d.gradNorm])
        AdamW.dispose(host)
        AdamW.dispose(device)
        ;[host, device] = [h.state, d.state]
      }
      AdamW.dispose(host)
      AdamW.dispose(device)
      tf.dispose([...params.values()])
    })
  })

  it.effect("serialises its state to named tensors and back; bad names are a ConfigError", () =>
    Effect.gen(function* () {
      const opt = AdamW.adamw(yield* AdamW.decodeConfig({}))
      const params = new Map([["x", tf.tensor2d([[1, 2]])]])
      const state = opt.init(params)
      const { step, tensors } = AdamW.toTensors(state)
      expect([...tensors.keys()].sort()).toEqual(["mu/x", "nu/x"])
      const back = yield* AdamW.fromTensors(step, tensors)
      expect(back.mu.get("x")).toBe(state.mu.get("x"))
      const bad = yield* AdamW.fromTensors(0, new Map([["m/x", tensors.get("mu/x")!]])).pipe(Effect.flip)
      expect(bad._tag).toBe("ConfigError")
      expect(String(bad)).toContain("AdamWState.m/x")
      const unpaired = yield* AdamW.fromTensors(0, new Map([["mu/x", tensors.get("mu/x")!]])).pipe(Effect.flip)
      expect(String(unpaired)).toContain("nu/x")
      const config = yield* AdamW.decodeConfig({ b1: 1 }).pipe(Effect.flip)
      expect(String(config)).toContain("b1")
      AdamW.dispose(state)
      tf.dispose([...params.values()])
    })
  )
})
