/**
 * The policy bench on the webgpu backend: the update step with no host read
 * (./device-update.ts) at the torch reference configuration, in rounds of `steps` steps;
 * with a PyTorch peer when one is asked for (`peer`, e.g. torch on "cuda" on the same
 * machine), each round also times the peer (the order alternating from round to round)
 * and gives a ratio. Without a peer only our figures are reported: a comparison with
 * torch on the CPU says nothing about a GPU route.
 */
import { Backend, WebGpu } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import * as Config from "../src/Config.js"
import { deviceUpdateBench } from "./device-update.js"
import { median, round1, round3 } from "./rounding.js"
import * as Torch from "./torch.js"

export interface WebGpuOptions {
  readonly steps: number
  readonly rounds: number
  readonly batch: number
  /** The torch peer to time beside ours; absent: none. */
  readonly peer: Torch.TorchPeer | undefined
}

interface ErrorEvent {
  readonly error: { readonly message: string }
}

/**
 * Collects the WebGPU errors that no error scope caught (Dawn's validation errors): a
 * kernel that met one did not run and left garbage, and nothing else says so.
 */
const watchErrors = (): ReadonlyArray<string> => {
  const errors: Array<string> = []
  const device = (tf.backend() as unknown as { device: { onuncapturederror: ((e: ErrorEvent) => void) | null } }).device
  device.onuncapturederror = (e) => void errors.push(e.error.message.split("\n")[0]!)
  return errors
}

/**
 * The bench's JSON figures; `unavailable` (and no figures) when webgpu cannot start, and
 * `errors` when the device reported any (the figures are then not those of the step).
 */
export const webgpuFigures = async (o: WebGpuOptions): Promise<Record<string, unknown>> => {
  const noPeer = o.peer === undefined ? undefined : Torch.unavailable(o.peer)
  const peer = noPeer === undefined ? o.peer : undefined
  // The peer times at least the 10 steps it times beside the wasm bench, at our batch.
  const timePeer = (p: Torch.TorchPeer) => Torch.run(p, 1, Math.max(10, o.steps), o.batch === 16 ? {} : { batch: o.batch })
  const torch = (version: string | undefined) =>
    o.peer === undefined
      ? { not_requested: "a peer is timed only with --peer DEVICE (e.g. cuda)" }
      : noPeer === undefined
        ? { version, device: o.peer.device, script: o.peer.script }
        : { unavailable: noPeer }
  const started = await Effect.runPromise(Backend.select("webgpu").pipe(Effect.result))
  if (started._tag === "Failure") {
    // The peer's figure alone still says what the machine does with the step.
    const alone = peer === undefined ? undefined : timePeer(peer)
    return { impl: "tfjs-webgpu", backend: "webgpu", unavailable: String(started.failure), torch: { ...torch(alone?.version), ...(alone === undefined ? {} : { tokens_per_s: alone.tokens_per_s, ms_per_step: alone.ms_per_step }) } }
  }
  const adapter = await WebGpu.startWebGpu()
  const errors = watchErrors()
  const update = deviceUpdateBench(Config.reference, o.batch)
  const rounds: Array<{ ms: number; tokens_per_s: number; torch?: number; ratio?: number }> = []
  let torchVersion: string | undefined
  for (let r = 0; r < o.rounds; r++) {
    let t: Torch.TorchFigure | undefined
    if (peer !== undefined && r % 2 === 0) t = timePeer(peer)
    const ms = await update.time(o.steps)
    if (peer !== undefined && r % 2 === 1) t = timePeer(peer)
    const tokensPerS = (update.tokens / ms) * 1000
    torchVersion = t?.version
    rounds.push({ ms: round1(ms), tokens_per_s: round1(tokensPerS), ...(t === undefined ? {} : { torch: t.tokens_per_s, ratio: round3(tokensPerS / t.tokens_per_s) }) })
  }
  update.dispose()
  const best = Math.min(...rounds.map((r) => r.ms))
  const ratios = rounds.flatMap((r) => (r.ratio === undefined ? [] : [r.ratio]))
  return {
    impl: "tfjs-webgpu",
    backend: "webgpu",
    adapter: adapter.ok ? adapter.adapter : adapter.reason,
    config: { ...Config.reference, batch: update.batch },
    update: {
      tokens: update.tokens,
      steps_per_round: o.steps,
      best_ms: best,
      best_tokens_per_s: round1((update.tokens / best) * 1000),
      rounds,
      ...(ratios.length === 0 ? {} : { median_ratio: median(ratios), torch_best: Math.max(...rounds.map((r) => r.torch ?? 0)) })
    },
    ...(errors.length === 0 ? {} : { errors: [...new Set(errors)] }),
    torch: torch(torchVersion)
  }
}
