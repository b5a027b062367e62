/**
 * Memory over many update steps of the policy bench configuration (the update step of
 * policy.bench.ts), printed as one JSON line: every `every` steps the process RSS, the
 * wasm heap's size, V8's heap and the number of live tensors. The growth reported is from
 * the first sample after warm-up (step `every`) to the last. Run with
 * NODE_OPTIONS=--expose-gc to collect garbage before each sample, so that V8's heap
 * figure is live data rather than a point on the collector's sawtooth.
 *
 * Usage: npm run bench:policy-memory [-- --steps 1000 --every 50]
 */
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { updateBench } from "./update.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const steps = arg("steps", 1000)
const every = arg("every", 50)

await tf.setBackend("wasm")
await tf.ready()
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
const wasmHeap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length
const bench = updateBench(1)
const samples: Array<{ step: number; rss_mb: number; wasm_heap_mb: number; v8_heap_mb: number; tensors: number; seconds: number }> = []
const t0 = performance.now()
for (let step = 1; step <= steps; step++) {
  bench.step()
  if (step % every === 0) {
    ;(globalThis as { gc?: () => void }).gc?.()
    samples.push({
      step,
      rss_mb: mb(process.memoryUsage.rss()),
      wasm_heap_mb: mb(wasmHeap()),
      v8_heap_mb: mb(process.memoryUsage().heapUsed),
      tensors: tf.memory().numTensors,
      seconds: Math.round((performance.now() - t0) / 100) / 10
    })
  }
}
bench.dispose()
const first = samples[0]!
const last = samples.at(-1)!
console.log(
  JSON.stringify({
    native: Native.status().reason,
    steps,
    collected_before_samples: typeof (globalThis as { gc?: () => void }).gc === "function",
    growth_mb: { rss: Math.round((last.rss_mb - first.rss_mb) * 10) / 10, wasm_heap: Math.round((last.wasm_heap_mb - first.wasm_heap_mb) * 10) / 10 },
    max_rss_mb: Math.max(...samples.map((s) => s.rss_mb)),
    samples
  })
)
