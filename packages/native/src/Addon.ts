/**
 * Loads the compiled addon (build/Release/epo_native.node), or says why it is absent.
 * The addon is optional: `npm ci` builds it when a C compiler and oneDNN's headers are
 * present (scripts/build.mjs); everything else runs without it.
 */
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

type Memory = ArrayBufferLike | ArrayBufferView

/** The arguments both attention calls start with. */
type AttentionArgs = [heap: Memory, qkv: number, mask: number, maskRows: number, batch: number, time: number, heads: number, headSize: number, causal: boolean, out: number]

/** The addon's functions (csrc/addon.c); tensors are byte offsets into `heap`. */
export interface Addon {
  gemm(
    heap: Memory,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: number,
    aIndex: Int32Array,
    b: number,
    bIndex: Int32Array,
    c: number,
    batch: number,
    bias: number,
    biasLength: number,
    activation: number,
    alpha: number,
    prelu: number,
    preluLength: number
  ): void
  attentionForward(...args: [...AttentionArgs, stats: number]): void
  attentionBackward(...args: [...AttentionArgs, stats: number, dout: number, dqkv: number]): void
  layerNormForward(heap: Memory, x: number, g: number, b: number, n: number, d: number, eps: number, y: number, stats: number): void
  layerNormBackward(heap: Memory, dy: number, x: number, g: number, stats: number, n: number, d: number, dx: number, dg: number, db: number): void
  gelu(heap: Memory, x: number, n: number, y: number, derivative: number): void
  columnSum(heap: Memory, x: number, n: number, m: number, out: number): void
  tokenStats(heap: Memory, logits: number, targets: number, n: number, v: number, temperature: number, out: number, lse: number): void
  tokenStatsBackward(
    heap: Memory,
    logits: number,
    targets: number,
    out: number,
    lse: number,
    dy: number,
    n: number,
    v: number,
    temperature: number,
    dlogits: number
  ): void
  adamw(
    heap: Memory,
    theta: number,
    g: number,
    m: number,
    v: number,
    n: number,
    scale: number,
    b1: number,
    b2: number,
    eps: number,
    weightDecay: number,
    lr: number,
    c1: number,
    c2: number,
    mOut: number,
    vOut: number,
    u: number
  ): void
  sumOfSquares(heap: Memory, x: number, n: number): number
  setThreads(threads: number): void
  info(): { readonly onednn: string; readonly threads: number }
}

export type Loaded = { readonly _tag: "Loaded"; readonly addon: Addon } | { readonly _tag: "Absent"; readonly reason: string }

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const binary = resolve(packageRoot, "build/Release/epo_native.node")
/** Written by scripts/build.mjs when it did not build the addon: one line saying why. */
const skipped = resolve(packageRoot, "build/skipped.txt")

const howToInstall = "apt-get install gcc libdnnl-dev, then npm rebuild @epo/native"

export const load = (): Loaded => {
  if (!existsSync(binary)) {
    const why = existsSync(skipped) ? readFileSync(skipped, "utf8").trim() : "the addon is not built"
    return { _tag: "Absent", reason: `${why} (${howToInstall})` }
  }
  try {
    return { _tag: "Loaded", addon: createRequire(import.meta.url)(binary) as Addon }
  } catch (e) {
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e)
    return { _tag: "Absent", reason: `the addon does not load: ${message} (${howToInstall})` }
  }
}
