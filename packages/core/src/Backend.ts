/**
 * The tensor backend as an Effect service. tfjs keeps one global backend; this service
 * selects it once, says which one runs and why, and hands out the `tf` namespace so
 * that code depending on tensors declares it in its requirements.
 *
 * - `wasm`: the default here (tfjs-backend-wasm, SIMD when the runtime has it), with the
 *   native kernels of @epo/native (oneDNN's sgemm and fused kernels) in place of its own
 *   where that addon is built and EPO_NATIVE is not 0.
 * - `cpu`: pure JavaScript; slow but bitwise reproducible, used for determinism tests.
 * - `tensorflow`: @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node when the user has
 *   installed one of them. They are optional: never dependencies of this project.
 * - `webgpu`: tfjs-backend-webgpu over Dawn (`WebGpu.ts`), only when asked for: on the
 *   software Vulkan driver it is a functional check of the GPU code path, far slower
 *   than wasm. It has no synchronous read in Node (tfjs's synchronous WebGPU read needs
 *   an OffscreenCanvas): code that runs on it reads through `Tensors.read`.
 */
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { Context, Data, Effect, Layer } from "effect"
import { startWebGpu } from "./WebGpu.js"

export type BackendPreference = "auto" | "wasm" | "cpu" | "tensorflow" | "webgpu"

export const backendPreferences: ReadonlyArray<BackendPreference> = ["auto", "wasm", "cpu", "tensorflow", "webgpu"]

export class BackendUnavailable extends Data.TaggedError("BackendUnavailable")<{
  readonly backend: string
  readonly reason: string
}> {
  override toString(): string {
    return `tensor backend "${this.backend}" is unavailable: ${this.reason}`
  }
}

export interface TensorBackendShape {
  /** tfjs's name of the active backend ("wasm", "cpu", "tensorflow", "webgpu"). */
  readonly name: string
  /** One line saying why this backend was chosen and which kernels run. */
  readonly reason: string
  /** "native" when @epo/native's kernels run (wasm only), else "tfjs". */
  readonly kernels: "native" | "tfjs"
  readonly tf: typeof tf
}

export class TensorBackend extends Context.Service<TensorBackend, TensorBackendShape>()("@epo/core/TensorBackend") {}

const activate = (name: string): Effect.Effect<void, BackendUnavailable> =>
  Effect.tryPromise({
    try: async () => {
      const ok = await tf.setBackend(name)
      if (!ok) throw new Error(`tf.setBackend("${name}") returned false`)
      await tf.ready()
    },
    catch: (e) => new BackendUnavailable({ backend: name, reason: e instanceof Error ? e.message : String(e) })
  })

// Optional native bindings: imported by a computed name so that neither TypeScript nor
// the test bundler requires them to exist.
const nativeModules = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const

const tryNative: Effect.Effect<string, BackendUnavailable> = Effect.gen(function* () {
  const reasons: Array<string> = []
  for (const name of nativeModules) {
    const loaded = yield* Effect.tryPromise({
      try: () => import(/* @vite-ignore */ name as string),
      catch: (e) => (e instanceof Error ? e.message.split("\n")[0] : String(e))
    }).pipe(
      Effect.map(() => true),
      Effect.catch((why) => Effect.sync(() => (reasons.push(`${name}: ${why}`), false)))
    )
    if (loaded && tf.findBackend("tensorflow") !== null) return name
  }
  return yield* Effect.fail(new BackendUnavailable({ backend: "tensorflow", reason: reasons.join("; ") }))
})

/** The wasm backend's shape: which kernels run on it and why. */
const wasmShape = (why: string): TensorBackendShape => {
  const native = Native.status()
  return { name: "wasm", reason: `${why}; ${native.reason}`, kernels: native.active ? "native" : "tfjs", tf }
}

/** Selects and initialises a backend. */
export const select = (preference: BackendPreference): Effect.Effect<TensorBackendShape, BackendUnavailable> =>
  Effect.gen(function* () {
    switch (preference) {
      case "wasm": {
        yield* activate("wasm")
        return wasmShape("wasm backend requested")
      }
      case "cpu": {
        yield* activate("cpu")
        return { name: "cpu", reason: "cpu backend requested", kernels: "tfjs", tf }
      }
      case "tensorflow": {
        const module = yield* tryNative
        yield* activate("tensorflow")
        return { name: "tensorflow", reason: `${module} requested and installed`, kernels: "tfjs", tf }
      }
      case "webgpu": {
        const started = yield* Effect.tryPromise({
          try: startWebGpu,
          catch: (e) => new BackendUnavailable({ backend: "webgpu", reason: e instanceof Error ? e.message : String(e) })
        })
        if (!started.ok) return yield* Effect.fail(new BackendUnavailable({ backend: "webgpu", reason: started.reason }))
        yield* activate("webgpu")
        return { name: "webgpu", reason: `webgpu backend requested; adapter: ${started.adapter}`, kernels: "tfjs", tf }
      }
      case "auto": {
        const native = yield* tryNative.pipe(Effect.option)
        if (native._tag === "Some") {
          yield* activate("tensorflow")
          return { name: "tensorflow", reason: `${native.value} is installed`, kernels: "tfjs", tf }
        }
        yield* activate("wasm")
        return wasmShape("@tensorflow/tfjs-node(-gpu) not installed; using the wasm backend")
      }
    }
  })

/** A Layer providing the backend chosen by `preference`. */
export const layer = (preference: BackendPreference): Layer.Layer<TensorBackend, BackendUnavailable> =>
  Layer.effect(TensorBackend, select(preference))

export const wasm = layer("wasm")
export const cpu = layer("cpu")
export const auto = layer("auto")
