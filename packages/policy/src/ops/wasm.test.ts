/**
 * The attention op on the wasm backend, where it reads the heap directly and recycles its
 * host buffers: repeated gradient calls (the second and third reuse the first's buffers),
 * with causal query blocks of 2, 4 and 6 rows, agree with tfjs autodiff of plain
 * attention, and nothing leaks.
 */
import { Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { beforeAll, expect, it } from "vitest"
import { attention, causalMask } from "./Attention.js"

beforeAll(async () => {
  await tf.setBackend("wasm")
})

const [B, T, H, d] = [2, 6, 2, 8]

const plain = (qkv: tf.Tensor) => {
  const dh = d / H
  const [q, k, v] = tf.unstack(tf.transpose(tf.reshape(qkv, [B, T, 3, H, dh]), [2, 0, 3, 1, 4]))
  const s = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), tf.tensor2d(causalMask(T), [T, T]))
  return tf.reshape(tf.transpose(tf.matMul(tf.softmax(s), v), [0, 2, 1, 3]), [B * T, d])
}

it("attention gradients on wasm match autodiff across repeated calls", async () => {
  await Tensors.expectNoLeaks(() => {
    for (let call = 0; call < 3; call++) {
      tf.tidy(() => {
        const s = Random.Stream.fromSeed(call)
        const x = tf.tensor2d(Float32Array.from({ length: B * T * 3 * d }, () => s.normal()), [B * T, 3 * d])
        const w = tf.tensor2d(Float32Array.from({ length: B * T * d }, () => s.normal()), [B * T, d])
        const ours = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(attention(a as tf.Tensor2D, { batch: B, time: T, heads: H, queryBlock: 2 * (call + 1) }, causalMask(T)), w)))([x])[0]
        const theirs = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(plain(a), w)))([x])[0]
        const a = ours.dataSync()
        const b = theirs.dataSync()
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * (1 + Math.abs(b[i])))
      })
    }
  })
})
