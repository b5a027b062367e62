/**
 * Switching the native kernels on and off on the wasm backend. `enable` replaces tfjs's
 * `BatchMatMul`, `_FusedMatMul`, `Identity` and `Slice` there (keeping the originals for
 * what the new ones do not cover and for `disable`) and adds the custom kernels of Fused.ts.
 *
 * On import the kernels are enabled unless EPO_NATIVE=0; EPO_NATIVE_THREADS sets the
 * thread count (default 1: the results are then bitwise reproducible run to run).
 */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { type Addon, load } from "./Addon.js"
import { kernels } from "./Fused.js"
import { batchMatMul, fusedMatMul } from "./MatMul.js"
import { identity, slice } from "./Memory.js"

const backendName = "wasm"

const loaded = load()

export interface Status {
  /** The native kernels are registered and the active backend is wasm. */
  readonly active: boolean
  /** The native kernels are registered on the wasm backend (whichever backend is active). */
  readonly enabled: boolean
  /** One line: what runs and why. */
  readonly reason: string
}

let originals: Map<string, tf.KernelConfig> | undefined
let disabledBy: string | undefined
let threadCount = 1
/** Set when EPO_NATIVE_THREADS could not be used. */
let threadNote = ""

const replaced = (addon: Addon): ReadonlyArray<readonly [string, (original: tf.KernelFunc) => tf.KernelFunc]> => [
  [tf.BatchMatMul, (o) => batchMatMul(addon, o)],
  [tf._FusedMatMul, (o) => fusedMatMul(addon, o)],
  [tf.Identity, identity],
  [tf.Slice, slice]
]

/** Registers the native kernels on the wasm backend; false (with `status().reason`) when the addon is absent. */
export const enable = (): boolean => {
  if (loaded._tag === "Absent") return false
  disabledBy = undefined
  if (originals !== undefined) return true
  const addon = loaded.addon
  addon.setThreads(threadCount)
  originals = new Map()
  for (const [name, make] of replaced(addon)) {
    const original = tf.getKernel(name, backendName)
    originals.set(name, original)
    tf.unregisterKernel(name, backendName)
    // The original's setupFunc stays: the backend may initialise later, and the fallback needs it.
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) })
  }
  for (const [kernelName, kernelFunc] of kernels(addon)) tf.registerKernel({ kernelName, backendName, kernelFunc })
  return true
}

/** Restores tfjs's own kernels on the wasm backend. */
export const disable = (why = "disabled by Native.disable()"): void => {
  disabledBy = why
  if (originals === undefined || loaded._tag === "Absent") return
  for (const [name, config] of originals) {
    tf.unregisterKernel(name, backendName)
    tf.registerKernel(config)
  }
  for (const [name] of kernels(loaded.addon)) tf.unregisterKernel(name, backendName)
  originals = undefined
}

/** Threads of the native kernels (oneDNN's and the fused ones'). */
export const setThreads = (threads: number): void => {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`)
  threadCount = threads
  if (loaded._tag === "Loaded") loaded.addon.setThreads(threads)
}

/** Whether native kernels run for tensors of the active backend. */
export const active = (): boolean => originals !== undefined && tf.getBackend() === backendName

export const status = (): Status => {
  if (loaded._tag === "Absent") return { active: false, enabled: false, reason: `native kernels unavailable: ${loaded.reason}` }
  const { onednn } = loaded.addon.info()
  const plural = threadCount === 1 ? "thread" : "threads"
  if (originals === undefined)
    return { active: false, enabled: false, reason: `native kernels off (${disabledBy ?? "not enabled"})` }
  return {
    active: active(),
    enabled: true,
    reason: `native kernels on the wasm backend (oneDNN ${onednn} sgemm; attention, LayerNorm, GELU, token statistics, AdamW; ${threadCount} ${plural}${threadNote})`
  }
}

const fromEnvironment = (): void => {
  const t = process.env["EPO_NATIVE_THREADS"]
  if (t !== undefined && t !== "") {
    const n = Number(t)
    if (Number.isInteger(n) && n >= 1) threadCount = n
    else threadNote = `: EPO_NATIVE_THREADS=${t} is not a positive integer`
  }
  if (process.env["EPO_NATIVE"] === "0") disable("EPO_NATIVE=0")
  else enable()
}

fromEnvironment()
