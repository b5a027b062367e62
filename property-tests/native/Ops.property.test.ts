/**
 * The policy's ops on the native kernels against the same ops on tfjs's own wasm kernels
 * (their JavaScript formulation, itself checked against autodiff in ops.test.ts): values
 * and gradients under a random cotangent agree on random shapes: attention with causal,
 * per-row padded and non-causal masks across query-block boundaries (64 rows), LayerNorm,
 * GELU, column sums and dense layers, with odd and zero sizes; token statistics at several
 * temperatures; one AdamW update with and without clipping and weight decay.
 */
import { Random, Tensors } from "@epo/core"
import { AdamW, Ops } from "@epo/policy"
import { Effect } from "effect"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { closeBy, normal, useNative, withTfjs } from "./Support.js"

const { attention, causalMask, masked } = Ops.Attention

const available = useNative()

const close = (a: tf.Tensor, b: tf.Tensor, tol: number) => closeBy(a, b, (y) => tol * (1 + Math.abs(y)))

/** f(...inputs) and its gradients under cotangent w, on the native kernels and on tfjs's. */
const sameOnBoth = (f: (...xs: Array<tf.Tensor>) => tf.Tensor, inputs: Array<tf.Tensor>, seed: number, tol = 1e-4) =>
  tf.tidy(() => {
    const run = () => {
      const out = f(...inputs)
      const w = normal(out.shape, seed)
      return [out, ...tf.grads((...xs: Array<tf.Tensor>) => tf.sum(tf.mul(f(...xs), w)))(inputs)]
    }
    const ours = run()
    const theirs = withTfjs(run)
    ours.forEach((t, i) => close(t, theirs[i]!, tol))
  })

const maskArb = (b: number, t: number) =>
  fc.oneof(
    fc.constant({ kind: "causal", mask: causalMask(t) }),
    // Left padding per row, as generation's prefill: row r hides its first pad[r] keys (but a query always sees itself).
    fc.array(fc.integer({ min: 0, max: t - 1 }), { minLength: b, maxLength: b }).map((pad) => {
      const m = new Float32Array(b * t * t)
      for (let r = 0; r < b; r++)
        for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) if (j > i || (j < pad[r]! && j !== i)) m[(r * t + i) * t + j] = masked
      return { kind: "padded", mask: m }
    }),
    // Not causal: each query hides a random set of other keys.
    fc.nat().map((seed) => {
      const s = Random.Stream.fromSeed(seed)
      const m = new Float32Array(t * t)
      for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) if (j !== i && s.next() < 0.3) m[i * t + j] = masked
      return { kind: "random", mask: m }
    })
  )

const attentionArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    time: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(63, 64, 65, 130)),
    heads: fc.integer({ min: 1, max: 3 }),
    headSize: fc.integer({ min: 1, max: 9 }),
    seed: fc.nat()
  })
  .chain((p) => fc.record({ p: fc.constant(p), mask: maskArb(p.batch, p.time) }))

describe.skipIf(!available)("policy ops: native kernels against tfjs's", () => {
  it("attention, causal, padded per row and non-causal masks, across query blocks", async () => {
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(attentionArb, ({ p, mask }) => {
          const d = p.heads * p.headSize
          const shape = { batch: p.batch, time: p.time, heads: p.heads }
          tf.tidy(() => sameOnBoth((x) => attention(x as tf.Tensor2D, shape, mask.mask), [normal([p.batch * p.time, 3 * d], p.seed)], p.seed + 1))
        }),
        { numRuns: 40 }
      )
    )
  })

  it("LayerNorm, GELU, column sums and dense layers, odd and zero sizes", async () => {
    const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }), fc.constantFrom(64, 129))
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(fc.record({ n: size, d: size.filter((d) => d > 0), m: size.filter((m) => m > 0), seed: fc.nat() }), ({ n, d, m, seed }) =>
          tf.tidy(() => {
            const x = normal([n, d], seed, 3)
            sameOnBoth((x_, g, b) => Ops.LayerNorm.layerNorm(x_ as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), [x, normal([d], seed + 1), normal([d], seed + 2)], seed + 3)
            sameOnBoth((x_) => Ops.Gelu.gelu(x_), [x], seed + 4)
            close(Ops.Linear.columnSum(x as tf.Tensor2D), withTfjs(() => Ops.Linear.columnSum(x as tf.Tensor2D)), 1e-5)
            // Not for n = 0: the weight gradient is then a product with an empty inner
            // dimension, whose output tfjs's wasm kernel leaves uninitialised
            // (MatMul.property.test.ts checks the native one against zeros).
            if (n === 0) return
            sameOnBoth((x_, w, b) => Ops.Linear.linear(x_ as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), [x, normal([d, m], seed + 5), normal([m], seed + 6)], seed + 7)
            sameOnBoth((x_, w) => Ops.Linear.linear(x_ as tf.Tensor2D, w as tf.Tensor2D), [x, normal([d, m], seed + 8)], seed + 9)
          })
        ),
        { numRuns: 40 }
      )
    )
  })

  it("token statistics (log-probability, entropy) and their gradient, several temperatures", async () => {
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(
          fc.record({ n: fc.integer({ min: 0, max: 40 }), v: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(512)), temperature: fc.constantFrom(0.5, 1, 1.7), seed: fc.nat() }),
          ({ n, v, temperature, seed }) =>
            tf.tidy(() => {
              const s = Random.Stream.fromSeed(seed)
              const targets = Int32Array.from({ length: n }, () => s.int(v))
              sameOnBoth((l) => Ops.TokenStats.tokenStats(l as tf.Tensor2D, targets, temperature), [normal([n, v], seed, 4)], seed + 1)
            })
        ),
        { numRuns: 40 }
      )
    )
  })

  it("AdamW: one update with and without clipping and weight decay, the same state and norm", async () => {
    await Tensors.expectNoLeaks(async () => {
      for (const [maxGradNorm, weightDecay, seed] of [[undefined, 0, 1], [0.5, 0.01, 2], [100, 0.1, 3]] as const) {
        const opt = AdamW.adamw(await Effect.runPromise(AdamW.decodeConfig({ ...(maxGradNorm === undefined ? {} : { maxGradNorm }), weightDecay })))
        const params = new Map([["a", normal([7, 5], seed)], ["b", normal([3], seed + 1)], ["c", normal([0, 4], seed + 2)]])
        const grads = new Map([...params].map(([k, p], i) => [k, normal(p.shape, seed + 10 + i)]))
        const run = () => {
          const s0 = opt.init(params)
          const s1 = opt.update(grads, s0, params, 1e-2)
          const s2 = opt.update(grads, s1.state, params, 1e-2)
          const out = { norm: s2.gradNorm, tensors: [...s2.updates.values(), ...s2.state.mu.values(), ...s2.state.nu.values()] }
          for (const s of [s0, s1.state]) AdamW.dispose(s)
          for (const u of s1.updates.values()) u.dispose()
          return out
        }
        const ours = run()
        const theirs = withTfjs(run)
        expect(ours.norm).toBeCloseTo(theirs.norm, 5)
        ours.tensors.forEach((t, i) => close(t, theirs.tensors[i]!, 1e-5))
        tf.dispose([...ours.tensors, ...theirs.tensors, ...params.values(), ...grads.values()])
      }
    })
  })

  it("GELU at large magnitudes: exact limits x and 0, a finite derivative", () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1e4, -90, -20, -5, 0, 5, 20, 90, 1e4])
      sameOnBoth((x_) => Ops.Gelu.gelu(x_), [x], 1, 1e-5)
    })
  })
})
