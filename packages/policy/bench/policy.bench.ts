/**
 * Policy throughput on the wasm backend, printed as one JSON line:
 * - `update`: tokens/s of one policy-update step at the torch reference configuration
 *   (vocab 512, d 128, 4 layers, 4 heads, 256 tokens, batch 16): forward, per-token
 *   log-probabilities and entropies, PPO clip + entropy bonus + EPO hinge (the per-token
 *   loss of shared/bench/torch_reference.py, written inline), backward, global-norm clip
 *   at 1.0 and one AdamW step; on the native kernels (@epo/native) at 1 and 2 threads
 *   against the PyTorch peer (shared/bench/torch_reference.py --threads 1 and 2, which
 *   sets torch's and its BLAS library's threads) when /usr/bin/python3 can import torch;
 * - `generate`: new tokens/s generating 64 tokens for each of 32 prompts with the KV
 *   cache, on the native kernels and on tfjs's own wasm kernels (before and after).
 *
 * The machine may be shared, so every figure is taken in alternating rounds: each round
 * times torch and ours at 1 thread, then at 2 threads (the order inside a pair alternates
 * from round to round); each pair gives a ratio, and the figures reported are the median
 * of the per-round ratios and the best time of each side. Without the addon only the
 * tfjs figures are printed, with the reason.
 *
 * Usage: npm run bench:policy [-- --steps N --rounds R --baseline]
 *   --baseline also times the update step on tfjs's own kernels once per round.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import * as Config from "../src/Config.js"
import { generateBench } from "./generate.js"
import { updateBench } from "./update.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const steps = arg("steps", 3)
const rounds = arg("rounds", 3)
const baseline = process.argv.includes("--baseline")
const threadCounts = [1, 2] as const

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const torchScript = resolve(repoRoot, "../shared/bench/torch_reference.py")

interface TorchFigure {
  readonly tokens_per_s: number
  readonly ms_per_step: number
  readonly version: string
}

const torchUnavailable = (): string | undefined => {
  if (!existsSync(torchScript)) return `${torchScript} not found`
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" })
    return undefined
  } catch {
    return "/usr/bin/python3 cannot import torch"
  }
}

const torch = (threads: number): TorchFigure => {
  const out = execFileSync("/usr/bin/python3", [torchScript, "--threads", String(threads), "--steps", "10"], { encoding: "utf8" })
  return JSON.parse(out.trim().split("\n").at(-1)!) as TorchFigure
}

const round1 = (x: number) => Math.round(x * 10) / 10
const round3 = (x: number) => Math.round(x * 1000) / 1000
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Runs f with tfjs's own kernels, then switches the native ones back on. */
const withTfjs = <A>(f: () => A): A => {
  Native.disable("the bench's tfjs-kernel figures")
  try {
    return f()
  } finally {
    Native.enable()
  }
}

await tf.setBackend("wasm")
await tf.ready()
const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")
const native = Native.status()
const noTorch = torchUnavailable()
const update = updateBench(steps)
const generate = generateBench()

interface Row {
  readonly ms: number
  readonly tokens_per_s: number
  readonly torch?: number
  readonly ratio?: number
}
const rows = new Map<number, Array<Row>>(threadCounts.map((t) => [t, []]))
const tfjsUpdate: Array<number> = []
const genNative: Array<number> = []
const genTfjs: Array<number> = []
let torchVersion: string | undefined

for (let r = 0; r < rounds; r++) {
  if (native.enabled) {
    for (const threads of threadCounts) {
      const ours = () => {
        Native.setThreads(threads)
        return update.time()
      }
      // Alternate which side goes first, so neither always meets the other's leftovers.
      let t: TorchFigure | undefined
      let ms: number
      if (noTorch === undefined && r % 2 === 0) t = torch(threads)
      ms = ours()
      if (noTorch === undefined && r % 2 === 1) t = torch(threads)
      const tokensPerS = (update.tokens / ms) * 1000
      torchVersion = t?.version
      rows.get(threads)!.push({
        ms: round1(ms),
        tokens_per_s: round1(tokensPerS),
        ...(t === undefined ? {} : { torch: t.tokens_per_s, ratio: round3(tokensPerS / t.tokens_per_s) })
      })
    }
    Native.setThreads(1)
    genNative.push(generate.run())
  }
  if (baseline || !native.enabled) tfjsUpdate.push(withTfjs(() => update.time()))
  genTfjs.push(withTfjs(() => generate.run()))
}
update.dispose()
generate.dispose()

const summary = (threads: number) => {
  const rs = rows.get(threads)!
  const ratios = rs.flatMap((r) => (r.ratio === undefined ? [] : [r.ratio]))
  const best = Math.min(...rs.map((r) => r.ms))
  return {
    threads,
    best_ms: best,
    best_tokens_per_s: round1((update.tokens / best) * 1000),
    rounds: rs,
    ...(ratios.length === 0 ? {} : { median_ratio: median(ratios), torch_best: Math.max(...rs.map((r) => r.torch ?? 0)) })
  }
}
const perSecond = (ms: Array<number>) => round1((generate.newTokens / Math.min(...ms)) * 1000)

console.log(
  JSON.stringify({
    impl: "tfjs-wasm",
    backend: tf.getBackend(),
    wasm: { simd },
    native: native.reason,
    config: { ...Config.reference, batch: update.batch },
    update: {
      tokens: update.tokens,
      steps_per_round: steps,
      ...(native.enabled ? { native: threadCounts.map(summary) } : {}),
      ...(tfjsUpdate.length === 0 ? {} : { tfjs_kernels: { best_ms: round1(Math.min(...tfjsUpdate)), rounds_ms: tfjsUpdate.map(round1) } })
    },
    generate: {
      prompts: generate.prompts,
      new_tokens: generate.newTokens,
      ...(native.enabled ? { native_tokens_per_s: perSecond(genNative), native_rounds_ms: genNative.map(round1) } : {}),
      tfjs_kernels_tokens_per_s: perSecond(genTfjs),
      tfjs_kernels_rounds_ms: genTfjs.map(round1)
    },
    torch: noTorch === undefined ? { version: torchVersion, script: "shared/bench/torch_reference.py" } : { unavailable: noTorch }
  })
)
