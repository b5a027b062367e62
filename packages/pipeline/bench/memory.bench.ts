/**
 * Memory over a long training run: runs a preset (default: `default`, the run of
 * `npx epo train`) for `--steps` update steps in this process and prints one JSON line
 * per update step with the process's memory (RSS, JS heap, external, array buffers), the
 * live tensor count, the wasm heap size and the bytes held by the host buffer pool of
 * @epo/policy's ops; then one summary line: the RSS after `--after` steps, the largest
 * RSS seen after it (also sampled every second between steps) and the rise in percent.
 *
 * Usage: npm run bench:memory [-- --steps N --after M --preset NAME --set k=v ...]
 * (the run directory is a temporary one, removed at the end).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Tensors } from "@epo/core"
import { Ops } from "@epo/policy"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import * as Resolve from "../src/Resolve.js"
import * as Train from "../src/Train.js"

const argv = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : undefined
}
const steps = Number(option("steps") ?? 100)
const after = Number(option("after") ?? 20)
const sets = argv.flatMap((a, i) => (argv[i - 1] === "--set" ? [a] : []))

const mb = (bytes: number) => Math.round(bytes / 2 ** 20)

/** The current wasm heap in bytes (0 on other backends). */
const wasmHeap = (): number => {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? 0
}

const sample = () => {
  const m = process.memoryUsage()
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    externalMB: mb(m.external),
    arrayBuffersMB: mb(m.arrayBuffers),
    tensors: Tensors.liveTensors(),
    wasmHeapMB: mb(wasmHeap()),
    hostPoolMB: mb(Ops.Host.pooledBytes())
  }
}

// RSS between steps (evaluations and checkpoints run there too).
let peakSinceStep = 0
const sampler = setInterval(() => {
  peakSinceStep = Math.max(peakSinceStep, process.memoryUsage().rss)
}, 1000)

const rssByStep: Array<number> = []
const started = performance.now()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epo-memory-"))

const program = Effect.gen(function* () {
  const spec = yield* Resolve.resolve({ preset: option("preset"), sets: [`totalSteps=${steps}`, ...sets] })
  return yield* Train.run({
    spec,
    dir,
    onEvent: (e) => {
      if (e._tag !== "Step") return
      const now = sample()
      const peak = Math.max(peakSinceStep, now.rssMB * 2 ** 20)
      peakSinceStep = 0
      rssByStep.push(peak)
      process.stdout.write(
        JSON.stringify({ step: e.record.step + 1, seconds: Math.round((performance.now() - started) / 1000), ...now, peakRssMB: mb(peak), rows: e.record.values["batch/rows"] }) + "\n"
      )
    }
  })
})

try {
  await Effect.runPromise(program)
} finally {
  clearInterval(sampler)
  fs.rmSync(dir, { recursive: true, force: true })
}
const base = rssByStep[after - 1]
const later = rssByStep.slice(after)
if (base !== undefined && later.length > 0) {
  const max = Math.max(...later)
  process.stdout.write(
    JSON.stringify({ summary: { steps: rssByStep.length, after, rssAfterMB: mb(base), maxRssLaterMB: mb(max), risePercent: Math.round((1000 * (max - base)) / base) / 10 } }) + "\n"
  )
}
