/**
 * Shared pieces of the native kernels' property tests: they switch the kernels on (the
 * addon permitting) whatever EPO_NATIVE says, compare with tfjs's own by switching them
 * off around a computation, and restore the environment's choice afterwards.
 */
import { Random } from "@epo/core"
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { afterAll, beforeAll, expect } from "vitest"

/** Switches the native kernels on for this file; false when the addon is absent. */
export const useNative = (): boolean => {
  beforeAll(async () => {
    await tf.setBackend("wasm")
  })
  afterAll(() => {
    if (process.env["EPO_NATIVE"] === "0") Native.disable("EPO_NATIVE=0")
  })
  return Native.enable()
}

/** Runs f on tfjs's own kernels, then switches the native ones back on. */
export const withTfjs = <A>(f: () => A): A => {
  Native.disable()
  try {
    return f()
  } finally {
    Native.enable()
  }
}

/** A tensor of standard normal values (times `scale`) drawn from `seed`. */
export const normal = (shape: Array<number>, seed: number, scale = 1): tf.Tensor => {
  const s = Random.Stream.fromSeed(seed)
  const n = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(Float32Array.from({ length: n }, () => scale * s.normal()), shape)
}

/** Same shape, and |a - b| ≤ tolerance(b) elementwise (the first offending element fails). */
export const closeBy = (a: tf.Tensor, b: tf.Tensor, tolerance: (y: number) => number) => {
  expect(a.shape).toEqual(b.shape)
  const x = a.dataSync()
  const y = b.dataSync()
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i]! - y[i]!) <= tolerance(y[i]!))) expect([i, x[i]]).toEqual([i, y[i]])
}
