/**
 * The model against its batched formulation, the torch reference's (cpu backend), and
 * its gradient against central finite differences of the loss.
 */
import { Random } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import * as Batched from "./Batched.js"
import * as Config from "./Config.js"
import { causalMask } from "./ops/Attention.js"
import { tokenStats } from "./ops/TokenStats.js"
import * as Params from "./Params.js"
import * as Transformer from "./Transformer.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const tiny = (positions: "learned" | "rotary", critic: "head" | "shared" = "shared"): Config.PolicyConfig =>
  Effect.runSync(Config.decode({ vocab: 11, dModel: 8, layers: 2, heads: 2, context: 9, positions, valueHead: true, critic }))

const batch = (B: number, T: number, seed: number): Transformer.Tokens => {
  const s = Random.Stream.fromSeed(seed)
  return {
    batch: B,
    time: T,
    ids: Int32Array.from({ length: B * T }, () => s.int(11)),
    positions: Int32Array.from({ length: B * T }, (_, i) => i % T),
    mask: causalMask(T)
  }
}

describe("Transformer", () => {
  for (const positions of ["learned", "rotary"] as const) {
    it(`computes the reference forward pass (${positions} positions)`, () => {
      const c = tiny(positions)
      const vars = Params.init(c, Random.key(3))
      // Larger weights than the init so that every part of the network matters.
      tf.tidy(() => vars.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 20 : 1))))
      const tokens = batch(3, 7, 1)
      tf.tidy(() => {
        const ours = Transformer.logits(vars, Transformer.forward(vars, c, tokens).hidden).dataSync()
        const theirs = Batched.logits(vars, Batched.forward(vars, c, tokens)).dataSync()
        for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs[i], 4)
      })
      Params.dispose(vars)
    })
  }

  it("has the gradient of central finite differences (a few entries of several parameters)", () => {
    for (const positions of ["learned", "rotary"] as const) {
      const c = tiny(positions)
      const vars = Params.init(c, Random.key(5))
      tf.tidy(() => vars.forEach((v) => v.assign(tf.mul(v, v.shape.length === 2 ? 20 : 1))))
      const tokens = batch(2, 6, 2)
      const targets = Int32Array.from(tokens.ids, (t, i) => (t + i) % 11)
      const w = tf.tensor2d(Float32Array.from(Random.uniform(Random.key(9), 24), (u) => u - 0.5), [12, 2])
      const loss = () =>
        tf.tidy(() => {
          const { hidden } = Transformer.forward(vars, c, tokens)
          const stats = tokenStats(Transformer.logits(vars, hidden), targets, 0.8)
          return tf.add(tf.sum(tf.mul(stats, w)), tf.sum(Transformer.values(vars, c, hidden))) as tf.Scalar
        })
      const { grads } = tf.variableGrads(loss, [...vars.values()])
      const names = ["embed.weight", "blocks.0.attn.qkv.weight", "blocks.1.attn.out.weight", "blocks.0.ln1.bias", "blocks.1.mlp.up.bias", "blocks.0.mlp.down.weight", "ln_f.weight", "head.weight", "value.weight"]
      if (positions === "learned") names.push("pos.weight")
      const s = Random.Stream.fromSeed(4)
      for (const name of names) {
        const v = Params.get(vars, name)
        const g = grads[v.name].dataSync()
        for (let r = 0; r < 3; r++) {
          const i = s.int(v.size)
          const eps = 1e-2
          const at = (delta: number) => {
            const values = v.dataSync().slice()
            values[i] += delta
            tf.tidy(() => v.assign(tf.tensor(values, v.shape)))
            const l = loss()
            const x = l.dataSync()[0]
            l.dispose()
            values[i] -= delta
            tf.tidy(() => v.assign(tf.tensor(values, v.shape)))
            return x
          }
          const fd = (at(eps) - at(-eps)) / (2 * eps)
          expect(Math.abs(fd - g[i]), `${positions} ${name}[${i}]: fd ${fd} vs ${g[i]}`).toBeLessThan(5e-3 + 2e-2 * Math.abs(g[i]))
        }
      }
      tf.dispose(Object.values(grads))
      w.dispose()
      Params.dispose(vars)
    }
  })
  it("a head-only critic's loss has no gradient in the trunk and the shared critic's has", () => {
    for (const critic of ["head", "shared"] as const) {
      const c = tiny("learned", critic)
      const vars = Params.init(c, Random.key(5))
      const tokens = batch(2, 6, 2)
      const { grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(Transformer.values(vars, c, Transformer.forward(vars, c, tokens).hidden)) as tf.Scalar), [...vars.values()])
      const norm = (name: string) => tf.tidy(() => tf.norm(grads[Params.get(vars, name).name]).dataSync()[0])
      expect(norm("value.weight"), critic).toBeGreaterThan(0)
      for (const name of ["embed.weight", "blocks.0.attn.qkv.weight", "ln_f.weight"]) critic === "head" ? expect(norm(name), name).toBe(0) : expect(norm(name), name).toBeGreaterThan(0)
      tf.dispose(Object.values(grads))
      tf.dispose([...vars.values()])
    }
  })
})
