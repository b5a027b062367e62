/**
 * The wasm backend's memory as the addon sees it: tensors are byte offsets into the
 * wasm heap's ArrayBuffer, which the addon reads and writes in place. The buffer is read
 * after every output is allocated, since an allocation may grow (replace) it.
 */
import type * as tf from "@tensorflow/tfjs"

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array }
  readonly dataIdMap: { get(dataId: tf.DataId): { readonly memoryOffset: number } | undefined }
  makeOutput(shape: Array<number>, dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo
  incRef(dataId: tf.DataId): void
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

/** Byte offset of a tensor's values in the heap. */
export const offset = (backend: WasmBackend, t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset

/** The heap's current buffer (read it after allocating outputs). */
export const heap = (backend: WasmBackend): ArrayBufferLike => backend.wasm.HEAPU8.buffer

export const size = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)
