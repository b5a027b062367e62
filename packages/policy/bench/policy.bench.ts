/**
 * Policy throughput, printed as one JSON line; on the wasm backend unless --backend webgpu
 * (below):
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
 * With `--backend webgpu` it times instead the update step that reads nothing on the host
 * (./webgpu.ts: batched forward, on-device clip and AdamW) on tfjs-backend-webgpu over
 * Dawn, and prints the adapter and tokens/s; the torch peer only when asked for with
 * `--peer DEVICE` (e.g. cuda on a GPU machine). `--batch B` shrinks the batch (a software
 * Vulkan driver runs the full step in tens of seconds).
 *
 * Usage: npm run bench:policy [-- --steps N --rounds R --baseline]
 *        npm run bench:policy -- --backend webgpu [--steps N --rounds R --batch B --peer cuda]
 *   --baseline also times the update step on tfjs's own kernels once per round;
 *   --python PATH the interpreter that holds torch (default /usr/bin/python3);
 *   --torch-script PATH the reference script (default ../shared/bench/ or shared/bench/).
 */
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Native } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import * as Config from "../src/Config.js"
import { generateBench } from "./generate.js"
import { median, round1, round3 } from "./rounding.js"
import * as Torch from "./torch.js"
import { updateBench } from "./update.js"
import { webgpuFigures } from "./webgpu.js"

const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const arg = (name: string, fallback: number): number => Number(option(name) ?? fallback)
const steps = arg("steps", 3)
const rounds = arg("rounds", 3)
const baseline = process.argv.includes("--baseline")
const threadCounts = [1, 2] as const

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const python = option("python") ?? "/usr/bin/python3"
const torchScript = option("torch-script") ?? Torch.findScript(repoRoot)
const cpuPeer: Torch.TorchPeer = { python, script: torchScript, device: "cpu" }

/** Runs f with tfjs's own kernels, then switches the native ones back on. */
const withTfjs = <A>(f: () => A): A => {
  Native.disable("the bench's tfjs-kernel figures")
  try {
    return f()
  } finally {
    Native.enable()
  }
}

const wasm = async (): Promise<void> => {
  await tf.setBackend("wasm")
  await tf.ready()
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")
  const native = Native.status()
  const noTorch = Torch.unavailable(cpuPeer)
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
        let t: Torch.TorchFigure | undefined
        let ms: number
        if (noTorch === undefined && r % 2 === 0) t = Torch.run(cpuPeer, threads, 10)
        ms = ours()
        if (noTorch === undefined && r % 2 === 1) t = Torch.run(cpuPeer, threads, 10)
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
}

const backend = option("backend") ?? "wasm"
if (backend === "webgpu") {
  const peerDevice = option("peer")
  const figures = await webgpuFigures({ steps, rounds, batch: arg("batch", 16), peer: peerDevice === undefined ? undefined : { python, script: torchScript, device: peerDevice } })
  console.log(JSON.stringify(figures))
  // A bench whose backend did not start, or whose device reported errors, fails.
  process.exitCode = "unavailable" in figures || "errors" in figures ? 1 : 0
} else if (backend === "wasm") await wasm()
else throw new Error(`--backend ${backend}: the policy bench runs on wasm (default) or webgpu`)
