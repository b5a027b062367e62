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
