/**
 * Each custom-gradient op against the same function written with plain tfjs ops and
 * differentiated by tfjs autodiff (cpu backend, float32): values and gradients agree.
 */
import { Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { attention, causalMask, masked } from "./Attention.js"
import { gelu } from "./Gelu.js"
import { layerNorm } from "./LayerNorm.js"
import { columnSum, linear, transpose2d } from "./Linear.js"
import { embed, gatherRows } from "./Rows.js"
import { tokenStats } from "./TokenStats.js"

beforeAll(async () => {
  await tf.setBackend("cpu")
})

const normal = (shape: Array<number>, seed: number, scale = 1) => {
  const s = Random.Stream.fromSeed(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(Float32Array.from({ length: n }, () => scale * s.normal()), shape)
}

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-4) => {
  expect(a.shape).toEqual(b.shape)
  const x = a.dataSync()
  const y = b.dataSync()
  let worst = 0
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])))
  expect(worst).toBeLessThan(tol)
}

/** Values and gradients (w.r.t. every input, under a random cotangent) of f and g agree. */
const sameGradients = (f: (...xs: Array<tf.Tensor>) => tf.Tensor, g: (...xs: Array<tf.Tensor>) => tf.Tensor, inputs: Array<tf.Tensor>, tol = 1e-4) =>
  Tensors.expectNoLeaks(() =>
    tf.tidy(() => {
      const out = g(...inputs)
      const w = normal(out.shape, 99)
      close(f(...inputs), out, tol)
      const gf = tf.grads((...xs: Array<tf.Tensor>) => tf.sum(tf.mul(f(...xs), w)))(inputs)
      const gg = tf.grads((...xs: Array<tf.Tensor>) => tf.sum(tf.mul(g(...xs), w)))(inputs)
      gf.forEach((a, i) => close(a, gg[i], tol))
    })
  )

describe("custom-gradient ops match autodiff of the plain formulas", () => {
  it("linear, with and without bias", async () => {
    await sameGradients((x, w) => linear(x as tf.Tensor2D, w as tf.Tensor2D), (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), [normal([7, 5], 1), normal([5, 3], 2)])
    await sameGradients(
      (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
      (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
      [normal([7, 5], 1), normal([5, 3], 2), normal([3], 3)]
    )
  })

  it("the blocked 2-D transpose and the host column sum", () => {
    for (const n of [7, 384, 512, 4096]) {
      const x = normal([n, 3], n)
      close(transpose2d(x as tf.Tensor2D), tf.transpose(x))
      close(columnSum(x as tf.Tensor2D), tf.sum(x, 0))
      x.dispose()
    }
  })

  it("layerNorm", async () => {
    await sameGradients(
      (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D),
      (x, g, b) => {
        const m = tf.moments(x, -1, true)
        return tf.add(tf.mul(tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), g), b)
      },
      [normal([6, 8], 4, 3), normal([8], 5), normal([8], 6)]
    )
  })

  it("gelu (tanh approximation)", async () => {
    await sameGradients(
      (x) => gelu(x),
      (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
      [normal([4, 9], 7, 3)]
    )
  })

  it("token statistics: log-probability of the target and entropy, at a temperature", async () => {
    const targets = Int32Array.from([3, 0, 6, 6, 1])
    for (const temperature of [1, 0.7]) {
      await sameGradients(
        (z) => tokenStats(z as tf.Tensor2D, targets, temperature),
        (z) => {
          const logp = tf.logSoftmax(tf.div(z, temperature))
          const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(targets, "int32"), 7)), -1, true)
          const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1, true))
          return tf.concat([picked, entropy], 1)
        },
        [normal([5, 7], 8, 4)]
      )
    }
  })

  it("row gathers and the embedding (repeated and padded indices)", async () => {
    const index = Int32Array.from([2, 0, 2, -1, 1])
    await sameGradients(
      (t) => gatherRows(t as tf.Tensor2D, index),
      (t) => tf.mul(tf.gather(t, tf.tensor1d(index.map((i) => Math.max(i, 0)), "int32")), tf.tensor2d(Array.from(index, (i) => (i < 0 ? 0 : 1)), [5, 1])),
      [normal([3, 4], 9)]
    )
    const ids = Int32Array.from([1, 1, 0, 3])
    const pos = Int32Array.from([0, 1, 2, 0])
    await sameGradients(
      (t, p) => embed(t as tf.Tensor2D, p as tf.Tensor2D, ids, pos),
      (t, p) => tf.add(tf.gather(t, tf.tensor1d(ids, "int32")), tf.gather(p, tf.tensor1d(pos, "int32"))),
      [normal([4, 3], 10), normal([5, 3], 11)]
    )
  })

  /** Plain multi-head attention over packed qkv [B*T, 3d] with an additive mask [B, T, T]. */
  const plainAttention = (qkv: tf.Tensor, B: number, T: number, H: number, mask: tf.Tensor) => {
    const d = qkv.shape[1]! / 3
    const dh = d / H
    const heads = tf.transpose(tf.reshape(qkv, [B, T, 3, H, dh]), [2, 0, 3, 1, 4])
    const [q, k, v] = tf.unstack(heads)
    const s = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), tf.expandDims(mask, 1))
    return tf.reshape(tf.transpose(tf.matMul(tf.softmax(s), v), [0, 2, 1, 3]), [B * T, d])
  }

  it("causal query blocks skip the hidden keys and change nothing (shared and per-row masks)", async () => {
    const [B, T, H, d] = [2, 7, 2, 4]
    const shared = causalMask(T)
    const perRow = new Float32Array(B * T * T)
    perRow.set(shared, 0)
    perRow.set(shared, T * T)
    for (let t = 0; t < T; t++) for (let j = 0; j < 3; j++) if (j !== t) perRow[T * T + t * T + j] = masked
    for (const queryBlock of [1, 2, 3, 7]) {
      await sameGradients(
        (x) => attention(x as tf.Tensor2D, { batch: B, time: T, heads: H, queryBlock }, shared),
        (x) => plainAttention(x, B, T, H, tf.tile(tf.tensor3d(shared, [1, T, T]), [B, 1, 1])),
        [normal([B * T, 3 * d], 14)]
      )
      await sameGradients(
        (x) => attention(x as tf.Tensor2D, { batch: B, time: T, heads: H, queryBlock }, perRow),
        (x) => plainAttention(x, B, T, H, tf.tensor3d(perRow, [B, T, T])),
        [normal([B * T, 3 * d], 15)]
      )
    }
  })

  it("a mask that lets a query see a later key is attended in full, whatever the block size", async () => {
    const [B, T, H, d] = [1, 6, 2, 4]
    const mask = causalMask(T)
    mask[1 * T + 4] = 0 // query 1 sees key 4
    await sameGradients(
      (x) => attention(x as tf.Tensor2D, { batch: B, time: T, heads: H, queryBlock: 2 }, mask),
      (x) => plainAttention(x, B, T, H, tf.tensor3d(mask, [B, T, T])),
      [normal([B * T, 3 * d], 16)]
    )
  })

  it("causal attention, shared mask and per-row mask", async () => {
    const [B, T, H, d] = [2, 5, 2, 6]
    const shared = causalMask(T)
    await sameGradients(
      (x) => attention(x as tf.Tensor2D, { batch: B, time: T, heads: H }, shared),
      (x) => plainAttention(x, B, T, H, tf.tile(tf.tensor3d(shared, [1, T, T]), [B, 1, 1])),
      [normal([B * T, 3 * d], 12)]
    )
    const perRow = new Float32Array(B * T * T)
    perRow.set(shared, 0)
    perRow.set(shared, T * T)
    for (let t = 0; t < T; t++) for (let j = 0; j < 2; j++) if (j !== t) perRow[T * T + t * T + j] = masked
    await sameGradients(
      (x) => attention(x as tf.Tensor2D, { batch: B, time: T, heads: H }, perRow),
      (x) => plainAttention(x, B, T, H, tf.tensor3d(perRow, [B, T, T])),
      [normal([B * T, 3 * d], 13)]
    )
  })
})
