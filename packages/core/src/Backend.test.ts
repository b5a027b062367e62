import { it } from "@effect/vitest"
import { Native } from "@epo/native"
import { Effect } from "effect"
import { expect } from "vitest"
import { TensorBackend, select, wasm } from "./Backend.js"

it.effect("the wasm layer provides an initialised wasm backend", () =>
  Effect.gen(function* () {
    const backend = yield* TensorBackend
    expect(backend.name).toBe("wasm")
    expect(backend.tf.getBackend()).toBe("wasm")
    const sum = backend.tf.tidy(() => backend.tf.add(backend.tf.scalar(1), backend.tf.scalar(2)).dataSync()[0])
    expect(sum).toBe(3)
  }).pipe(Effect.provide(wasm))
)

it.effect("the wasm backend says which kernels run and why: the native ones, or why not", () =>
  Effect.gen(function* () {
    const backend = yield* select("wasm")
    const native = Native.status()
    expect(backend.kernels).toBe(native.active ? "native" : "tfjs")
    expect(backend.reason).toBe(`wasm backend requested; ${native.reason}`)
    expect(native.reason).toMatch(native.active ? /^native kernels on the wasm backend \(oneDNN \d/ : /^native kernels (unavailable: .*libdnnl-dev|off \(EPO_NATIVE=0\))/)
    const cpu = yield* select("cpu")
    expect(cpu.kernels).toBe("tfjs")
  })
)

it.effect("auto falls back to wasm and says why when no native binding is installed", () =>
  Effect.gen(function* () {
    const backend = yield* select("auto")
    expect(["wasm", "tensorflow"]).toContain(backend.name)
    expect(backend.reason.length).toBeGreaterThan(0)
  })
)

it.effect("requesting the native backend without it installed is a typed error", () =>
  Effect.gen(function* () {
    const result = yield* select("tensorflow").pipe(Effect.flip)
    expect(result._tag).toBe("BackendUnavailable")
    expect(String(result)).toContain("tfjs-node")
  })
)

it.effect("webgpu is chosen only by name: it runs a matMul and its gradient, or fails naming the missing piece", () =>
  Effect.gen(function* () {
    const auto = yield* select("auto")
    expect(auto.name).not.toBe("webgpu")
    const result = yield* select("webgpu").pipe(Effect.result)
    if (result._tag === "Failure") {
      expect(result.failure._tag).toBe("BackendUnavailable")
      expect(String(result.failure)).toMatch(/^tensor backend "webgpu" is unavailable: no (package|Vulkan|WebGPU adapter)/)
      console.log(`webgpu not checked: ${result.failure.reason}`)
      return
    }
    const { tf } = result.success
    expect(tf.getBackend()).toBe("webgpu")
    expect(result.success.reason).toMatch(/^webgpu backend requested; adapter: \S/)
    const b = tf.tensor2d([[5, 6], [7, 8]])
    const x = tf.tensor2d([[1, 2], [3, 4]])
    const product = tf.matMul(x, b)
    // d/dx sum((x b)²) = 2 (x b) bᵀ
    const gradient = tf.grad((v) => tf.sum(tf.square(tf.matMul(v as typeof x, b))))(x)
    expect(Array.from(yield* Effect.promise(() => product.data()))).toEqual([19, 22, 43, 50])
    expect(Array.from(yield* Effect.promise(() => gradient.data()))).toEqual([454, 618, 1030, 1402])
    tf.dispose([b, x, product, gradient])
  })
)
