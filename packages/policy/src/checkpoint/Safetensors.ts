/**
 * The safetensors format (huggingface/safetensors), for named F32 and I32 tensors:
 *
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   a UTF-8 JSON object: for each tensor name {"dtype", "shape", "data_offsets":
 *             [begin, end]} (byte offsets into the data section), and optionally
 *             "__metadata__": an object of string values; padded with spaces to a
 *             multiple of 8 bytes so every tensor is aligned
 *   the data  raw little-endian values, tensors back to back, no gaps
 *
 * Files written here put `__metadata__` first and the tensors in name order. Parsing
 * accepts any valid order and checks everything it reads: header length, JSON, dtypes,
 * shapes, offsets within the data and covering it without holes or overlap.
 */
import { Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { CheckpointError } from "./CheckpointError.js"

export type DType = "F32" | "I32"

/** One tensor's values on the host, row-major. */
export type NamedArray =
  | { readonly dtype: "F32"; readonly shape: ReadonlyArray<number>; readonly data: Float32Array }
  | { readonly dtype: "I32"; readonly shape: ReadonlyArray<number>; readonly data: Int32Array }

export type NamedArrays = Readonly<Record<string, NamedArray>>

/** What a safetensors file holds. */
export interface Contents {
  readonly arrays: NamedArrays
  readonly metadata: Readonly<Record<string, string>>
}

/** Named tensors: the model's `Map<string, tf.Variable>` or a plain record. */
export type NamedTensors = ReadonlyMap<string, tf.Tensor> | Readonly<Record<string, tf.Tensor>>

const bytesPer: Readonly<Record<DType, number>> = { F32: 4, I32: 4 }
const metadataKey = "__metadata__"
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

const sizeOf = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

const orderedNames = (arrays: NamedArrays): Array<string> =>
  Object.keys(arrays).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** The bytes of a safetensors file holding `arrays` (in name order) and `metadata`. */
export const serialize = (arrays: NamedArrays, metadata: Readonly<Record<string, string>> = {}): Uint8Array => {
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length > 0) header[metadataKey] = metadata
  let offset = 0
  const names = orderedNames(arrays)
  for (const name of names) {
    const a = arrays[name]
    const size = a.data.length * bytesPer[a.dtype]
    header[name] = { dtype: a.dtype, shape: [...a.shape], data_offsets: [offset, offset + size] }
    offset += size
  }
  let json = new TextEncoder().encode(JSON.stringify(header))
  const padded = Math.ceil(json.length / 8) * 8
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20)
    p.set(json)
    json = p
  }
  const out = new Uint8Array(8 + json.length + offset)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(json.length), true)
  out.set(json, 8)
  let at = 8 + json.length
  for (const name of names) {
    const a = arrays[name]
    if (littleEndian) out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), at)
    else
      for (let i = 0; i < a.data.length; i++) {
        if (a.dtype === "F32") view.setFloat32(at + 4 * i, a.data[i], true)
        else view.setInt32(at + 4 * i, a.data[i], true)
      }
    at += a.data.byteLength
  }
  return out
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
const isNatural = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0

/** Reads the bytes of a safetensors file; `file` names it in errors. */
export const parse = (bytes: Uint8Array, file: string): Effect.Effect<Contents, CheckpointError> =>
  Effect.suspend(() => {
    const fail = (item: string, reason: string) => Effect.fail(new CheckpointError({ file, item, reason }))
    if (bytes.length < 8) return fail("", `truncated: ${bytes.length} bytes, shorter than the 8-byte header length`)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const n = view.getBigUint64(0, true)
    if (n > BigInt(bytes.length - 8))
      return fail("", `truncated: the header length is ${n} bytes but only ${bytes.length - 8} follow`)
    const headerEnd = 8 + Number(n)
    let header: unknown
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)))
    } catch (e) {
      return fail("header", `not valid UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (!isRecord(header)) return fail("header", "not a JSON object")
    const dataLength = bytes.length - headerEnd
    const metadata: Record<string, string> = {}
    const raw = header[metadataKey]
    if (raw !== undefined) {
      if (!isRecord(raw)) return fail(metadataKey, "not an object")
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== "string") return fail(`${metadataKey}.${k}`, `must be a string, got ${JSON.stringify(v)}`)
        metadata[k] = v
      }
    }
    const spans: Array<{ name: string; begin: number; end: number }> = []
    const arrays: Record<string, NamedArray> = {}
    for (const [name, entry] of Object.entries(header)) {
      if (name === metadataKey) continue
      if (!isRecord(entry)) return fail(name, "header entry is not an object")
      const { dtype, shape, data_offsets: offsets } = entry
      if (dtype !== "F32" && dtype !== "I32") return fail(name, `unsupported dtype ${JSON.stringify(dtype)} (F32 and I32 only)`)
      if (!Array.isArray(shape) || !shape.every(isNatural)) return fail(name, `bad shape ${JSON.stringify(shape)}`)
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNatural) || offsets[0] > offsets[1])
        return fail(name, `bad data_offsets ${JSON.stringify(offsets)}`)
      const [begin, end] = offsets as [number, number]
      if (end > dataLength)
        return fail(name, `data_offsets [${begin}, ${end}] out of range: the data section has ${dataLength} bytes`)
      const expected = sizeOf(shape) * bytesPer[dtype]
      if (end - begin !== expected)
        return fail(name, `data_offsets [${begin}, ${end}] span ${end - begin} bytes, shape [${shape.join(", ")}] of ${dtype} needs ${expected}`)
      spans.push({ name, begin, end })
      const at = headerEnd + begin
      const count = sizeOf(shape)
      // Copied (not viewed) so the array is aligned and outlives the file's buffer.
      if (dtype === "F32") {
        const data = new Float32Array(count)
        if (littleEndian) new Uint8Array(data.buffer).set(bytes.subarray(at, at + 4 * count))
        else for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true)
        arrays[name] = { dtype, shape, data }
      } else {
        const data = new Int32Array(count)
        if (littleEndian) new Uint8Array(data.buffer).set(bytes.subarray(at, at + 4 * count))
        else for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, true)
        arrays[name] = { dtype, shape, data }
      }
    }
    spans.sort((a, b) => a.begin - b.begin || a.end - b.end)
    let covered = 0
    for (const s of spans) {
      if (s.begin < covered) return fail(s.name, `data_offsets [${s.begin}, ${s.end}] overlap another tensor`)
      if (s.begin > covered) return fail(s.name, `the data section has a hole at bytes [${covered}, ${s.begin})`)
      covered = s.end
    }
    if (covered !== dataLength) return fail("", `${dataLength - covered} bytes after the last tensor belong to none`)
    return Effect.succeed({ arrays, metadata })
  })

const entriesOf = (tensors: NamedTensors): Array<[string, tf.Tensor]> =>
  tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Readonly<Record<string, tf.Tensor>>)

/**
 * The host values of named tensors (float32 as F32, int32 as I32; other dtypes are an
 * error naming the tensor), copied; creates no tensors. All are read back together
 * (`Tensors.read`: synchronously on the CPU backends, one await on webgpu).
 */
export const fromTensors = (tensors: NamedTensors, file: string): Effect.Effect<NamedArrays, CheckpointError> =>
  Effect.suspend(() => {
    const entries = entriesOf(tensors)
    for (const [name, t] of entries) {
      if (t.isDisposed) return Effect.fail(new CheckpointError({ file, item: name, reason: "the tensor is disposed" }))
      if (t.dtype !== "float32" && t.dtype !== "int32")
        return Effect.fail(new CheckpointError({ file, item: name, reason: `unsupported tensor dtype ${t.dtype} (float32 and int32 only)` }))
    }
    return Effect.map(Tensors.read(entries.map(([, t]) => t)), (values) => {
      const out: Record<string, NamedArray> = {}
      entries.forEach(([name, t], i) => {
        out[name] = t.dtype === "float32" ? { dtype: "F32", shape: t.shape, data: (values[i] as Float32Array).slice() } : { dtype: "I32", shape: t.shape, data: (values[i] as Int32Array).slice() }
      })
      return out
    })
  })

/** One new tensor holding `array`; the caller owns (disposes) it. */
export const toTensor = (array: NamedArray): tf.Tensor => tf.tensor(array.data, [...array.shape], array.dtype === "F32" ? "float32" : "int32")

/** New tensors holding `arrays`, by name; the caller owns (disposes) them. */
export const toTensors = (arrays: NamedArrays): Map<string, tf.Tensor> =>
  new Map(Object.entries(arrays).map(([name, a]) => [name, toTensor(a)]))
