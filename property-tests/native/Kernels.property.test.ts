/**
 * The native `BatchMatMul` and `_FusedMatMul` against tfjs's own wasm kernels on random
 * shapes: transposed operands, batch dimensions that broadcast (a missing or size-1
 * dimension on either side), odd and zero sizes, every fused activation and bias shape;
 * within float32 rounding of a k-term dot product. The heap-view `Slice` exactly, and the
 * sharing `Identity`. The references are tfjs's wasm kernels
 * used where they are right: tfjs's BatchMatMul broadcasts batch dimensions only when one
 * side has none (it indexes the flattened batch modulo its size), so the reference
 * multiplies explicitly broadcast operands; its _FusedMatMul adds a wrong bias to some
 * rows when B is transposed (m 2, n 32, k 1), so the reference is the unfused product,
 * bias and activation.
 */
import { Tensors } from "@epo/core"
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { closeBy, normal, useNative, withTfjs } from "./Support.js"

const available = useNative()

/** |a - b| ≤ 1e-5 (1 + k) elementwise, same shape. */
const close = (a: tf.Tensor, b: tf.Tensor, k: number) => closeBy(a, b, () => 1e-5 * (1 + k))

const dim = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 19 }) }, { weight: 2, arbitrary: fc.constantFrom(32, 64, 65, 128) })
/** Batch dimensions of one operand given the broadcast batch: each kept, set to 1, or (leading ones) dropped. */
const operandBatch = (outer: Array<number>) =>
  fc.tuple(fc.integer({ min: 0, max: outer.length }), fc.array(fc.boolean(), { minLength: outer.length, maxLength: outer.length })).map(([drop, ones]) =>
    outer.map((d, i) => (ones[i] ? 1 : d)).slice(drop)
  )

const productArb = fc
  .record({
    m: dim,
    n: dim,
    k: dim,
    outer: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    seed: fc.nat()
  })
  .chain((p) => fc.record({ p: fc.constant(p), batchA: operandBatch(p.outer), batchB: operandBatch(p.outer) }))

const activate = (x: tf.Tensor, activation: string, prelu?: tf.Tensor): tf.Tensor => {
  switch (activation) {
    case "relu":
      return tf.relu(x)
    case "relu6":
      return tf.relu6(x)
    case "elu":
      return tf.elu(x)
    case "leakyrelu":
      return tf.leakyRelu(x, 0.3)
    case "sigmoid":
      return tf.sigmoid(x)
    case "prelu":
      return tf.prelu(x, prelu!)
    default:
      return x
  }
}

describe.skipIf(!available)("native matrix products against tfjs's wasm kernels", () => {
  it("BatchMatMul: transposes, broadcast batch dimensions, odd and zero sizes", async () => {
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(productArb, ({ p, batchA, batchB }) =>
          tf.tidy(() => {
            const a = normal([...batchA, ...(p.transposeA ? [p.k, p.m] : [p.m, p.k])], p.seed)
            const b = normal([...batchB, ...(p.transposeB ? [p.n, p.k] : [p.k, p.n])], p.seed + 1)
            const ours = tf.matMul(a, b, p.transposeA, p.transposeB)
            const outer = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB)
            const theirs = withTfjs(() =>
              p.k * p.m * p.n * outer.reduce((x, y) => x * y, 1) === 0
                ? tf.zeros([...outer, p.m, p.n])
                : tf.matMul(tf.broadcastTo(a, [...outer, ...a.shape.slice(-2)]), tf.broadcastTo(b, [...outer, ...b.shape.slice(-2)]), p.transposeA, p.transposeB)
            )
            close(ours, theirs, p.k)
          })
        ),
        { numRuns: 150 }
      )
    )
  })

  it("_FusedMatMul: every activation, a bias of one value or one per column, PReLU slopes", async () => {
    const activations = ["linear", "relu", "relu6", "elu", "leakyrelu", "sigmoid", "prelu"] as const
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(
          fc.record({
            m: dim,
            n: dim.filter((n) => n > 0),
            k: dim,
            batch: fc.integer({ min: 1, max: 3 }),
            transposeA: fc.boolean(),
            transposeB: fc.boolean(),
            bias: fc.constantFrom("none", "column", "scalar"),
            activation: fc.constantFrom(...activations),
            seed: fc.nat()
          }),
          (p) =>
            tf.tidy(() => {
              const a = normal([p.batch, ...(p.transposeA ? [p.k, p.m] : [p.m, p.k])], p.seed)
              const b = normal([p.batch, ...(p.transposeB ? [p.n, p.k] : [p.k, p.n])], p.seed + 1)
              const bias = p.bias === "none" ? undefined : normal(p.bias === "column" ? [p.n] : [1], p.seed + 2)
              const preluActivationWeights = p.activation === "prelu" ? normal([p.n], p.seed + 3) : undefined
              const args = { a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias, activation: p.activation, preluActivationWeights, leakyreluAlpha: 0.3 }
              const ours = tf.fused.matMul(args)
              const theirs = withTfjs(() => {
                const product = p.k * p.m === 0 ? tf.zeros([p.batch, p.m, p.n]) : tf.matMul(a, b, p.transposeA, p.transposeB)
                return activate(bias === undefined ? product : tf.add(product, bias), p.activation, preluActivationWeights)
              })
              close(ours, theirs, p.k)
            })
        ),
        { numRuns: 150 }
      )
    )
  })

  it("Slice: any rank, begin and size (-1: to the end), empty slices, float32, int32 and bool", async () => {
    const sliceArb = fc
      .array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          begin: fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d }))),
          fraction: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(-1)), { minLength: shape.length, maxLength: shape.length }),
          dtype: fc.constantFrom("float32" as const, "int32" as const, "bool" as const),
          seed: fc.nat()
        })
      )
    await Tensors.expectNoLeaks(() =>
      fc.assert(
        fc.property(sliceArb, ({ shape, begin, fraction, dtype, seed }) =>
          tf.tidy(() => {
            const x = tf.cast(tf.mul(normal(shape, seed), 3), dtype)
            const size = fraction.map((f, i) => (f < 0 ? -1 : Math.floor(f * (shape[i]! - begin[i]!))))
            const ours = tf.slice(x, begin, size)
            const theirs = withTfjs(() => tf.slice(x, begin, size))
            expect(ours.dtype).toBe(dtype)
            expect(ours.shape).toEqual(theirs.shape)
            expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()))
          })
        ),
        { numRuns: 200 }
      )
    )
  })

  it("Identity shares the input's memory, and the clone outlives the original", async () => {
    await Tensors.expectNoLeaks(() => {
      const x = normal([3, 5], 1)
      const before = tf.memory().numDataBuffers
      const y = tf.clone(x)
      expect(tf.memory().numDataBuffers).toBe(before)
      const values = x.dataSync().slice()
      x.dispose()
      expect(y.dataSync()).toEqual(values)
      y.dispose()
    })
  })
})

it("without the addon everything runs on tfjs's kernels and the status says how to get it", () => {
  if (available) expect(Native.status().reason).toContain("oneDNN")
  else expect(Native.status().reason).toContain("libdnnl-dev")
})
