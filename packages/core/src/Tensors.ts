/**
 * Tensor lifetimes. tfjs tensors live until disposed; every tensor made by EPO code is
 * either created inside `tf.tidy` (synchronous code) or tied to an Effect Scope
 * (`scoped`), so that closing the scope frees it even when the effect fails.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, type Scope } from "effect"

/** Runs `f` inside tf.tidy: every intermediate tensor is freed, the result kept. */
export const tidy = <A extends tf.TensorContainer>(f: () => A): Effect.Effect<A> => Effect.sync(() => tf.tidy(f))

/** Acquires tensors that are disposed when the surrounding Scope closes. */
export const scoped = <A extends tf.TensorContainer>(make: () => A): Effect.Effect<A, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(make), (t) => Effect.sync(() => tf.dispose(t)))

/**
 * Whether the active backend reads tensors back synchronously: every backend but webgpu,
 * whose synchronous read in Node needs an OffscreenCanvas that Node does not have.
 */
export const readsSynchronously = (): boolean => tf.getBackend() !== "webgpu"

/**
 * The values of `tensors` on the host, in order. Where the backend reads synchronously
 * (wasm, cpu, tensorflow) the values are there already and this is `dataSync`, so the
 * effect stays synchronous; on webgpu it is one `await` of all the reads together, so a
 * caller waits on the device once, after everything queued before it.
 */
export const read = (tensors: ReadonlyArray<tf.Tensor>): Effect.Effect<Array<tf.TypedArray>> =>
  readsSynchronously()
    ? Effect.sync(() => tensors.map((t) => t.dataSync()))
    : Effect.promise(() => Promise.all(tensors.map((t) => t.data())))

/** Number of live tensors in the tfjs engine. */
export const liveTensors = (): number => tf.memory().numTensors

/** Thrown (as a defect) by `expectNoLeaks` and reported by `leakCheck`. */
export class TensorLeak extends Error {
  constructor(
    readonly before: number,
    readonly after: number,
    readonly label: string
  ) {
    super(`${label}: ${after - before} tensor(s) leaked (${before} live before, ${after} after)`)
    this.name = "TensorLeak"
  }
}

/**
 * Runs `f` and throws TensorLeak when it leaves more live tensors than it found.
 * A test helper: wrap the body of a test that touches tensors.
 */
export const expectNoLeaks = async <A>(f: () => A | Promise<A>, label = "expectNoLeaks"): Promise<A> => {
  const before = liveTensors()
  const result = await f()
  const after = liveTensors()
  if (after > before) throw new TensorLeak(before, after, label)
  return result
}

/** The Effect form of expectNoLeaks: fails the effect with a TensorLeak defect. */
export const noLeaks = <A, E, R>(self: Effect.Effect<A, E, R>, label = "noLeaks"): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const before = liveTensors()
    return Effect.tap(self, () =>
      Effect.sync(() => {
        const after = liveTensors()
        if (after > before) throw new TensorLeak(before, after, label)
      })
    )
  })
