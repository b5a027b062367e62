/**
 * Memory over a long training run: runs a preset (default: `default`, the run of
 * `npx epo train`) for `--steps` update steps in this process and prints one JSON line
 * per update step with the process's memory (RSS, JS heap, external, array buffers), the
 * live tensor count, the wasm heap size and the bytes held by the host buffer pool of
 * @epo/policy's ops; the RSS is also sampled every second between steps (`peakRssMB`: the
 * largest since the previous step). Then one summary line: the baseline (the largest RSS
 * of the 20 steps after the first `--after`), the largest RSS after those, the rise in
 * percent and the least-squares slope in MB per 100 steps.
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
import * as Resolve from "../src/spec/Resolve.js"
import * as Train from "../src/train/Train.js"

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
// RSS moves by about a tenth from step to step (garbage collection, transient arrays):
// growth is judged against the largest RSS of the 20 steps after the first `after`, and
// by the least-squares slope over the steps after those.
const later = rssByStep.slice(after)
if (later.length > 20) {
  const baseline = Math.max(...later.slice(0, 20))
  const max = Math.max(...later.slice(20))
  const xs = later.map((_, i) => i)
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = later.reduce((a, b) => a + b, 0) / later.length
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (later[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0)
  process.stdout.write(
    JSON.stringify({
      summary: {
        steps: rssByStep.length,
        after,
        baselineRssMB: mb(baseline),
        maxRssLaterMB: mb(max),
        risePercent: Math.round((1000 * (max - baseline)) / baseline) / 10,
        slopeMBPer100Steps: Math.round((100 * slope) / 2 ** 20)
      }
    }) + "\n"
  )
}
