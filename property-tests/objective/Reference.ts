/**
 * The objective's oracle: every per-token quantity, aggregation, loss term and EPO's
 * whole objective (paper v2 Eq. 6) in float64 plain TypeScript, written from
 * shared/specs/epo.md and verl's formulas, independent of @epo/objective. A property
 * test compares the library with it where the claim can fail (docs/claims.md).
 *
 * A batch is nested arrays `[S][L]` with 0/1 masks; an aggregation is given by its
 * per-token weights w, so aggregate(x) = sum w x and d aggregate / dx = w (each mode is
 * linear in x).
 */
import { beta, entropy as entropyOf, softmax } from "../claims/SoftmaxEpo.js"

export { beta }

export type Matrix = ReadonlyArray<ReadonlyArray<number>>
export const aggregationNames = ["token-mean", "seq-mean-token-sum", "seq-mean-token-mean", "seq-mean-token-sum-norm", "multi-turn-mean"] as const
export type AggregationName = (typeof aggregationNames)[number]

export interface Layout {
  readonly mask: Matrix
  readonly trajectory: ReadonlyArray<number>
}

const count = (row: ReadonlyArray<number>) => row.reduce((a, b) => a + b, 0)

/**
 * The per-token weights of each mode (verl `agg_loss`; EPO Eq. 2 for the multi-turn
 * mean: B counts the trajectories with a real token, T_j the non-empty rows of j).
 * `horizon` is the divisor of seq-mean-token-sum-norm (verl: the padded length).
 */
export const weights = (name: AggregationName, { mask, trajectory }: Layout, horizon = mask[0]?.length ?? 1): Array<Array<number>> => {
  const rows = mask.length
  const tokens = mask.reduce((a, row) => a + count(row), 0)
  const turns = new Map<number, number>()
  mask.forEach((row, s) => count(row) > 0 && turns.set(trajectory[s], (turns.get(trajectory[s]) ?? 0) + 1))
  const rowWeight = (s: number): number => {
    const n = count(mask[s])
    switch (name) {
      case "token-mean":
        return 1 / Math.max(tokens, 1)
      case "seq-mean-token-sum":
        return 1 / rows
      case "seq-mean-token-mean":
        return 1 / (rows * Math.max(n, 1))
      case "seq-mean-token-sum-norm":
        return 1 / horizon
      case "multi-turn-mean":
        return n === 0 ? 0 : 1 / (turns.size * turns.get(trajectory[s])! * n)
    }
  }
  return mask.map((row, s) => row.map((m) => m * rowWeight(s)))
}

export const dot = (w: Matrix, x: Matrix): number => w.reduce((a, row, s) => row.reduce((b, v, i) => (v === 0 ? b : b + v * x[s][i]), a), 0)

export const aggregate = (name: AggregationName, x: Matrix, layout: Layout, horizon?: number): number => dot(weights(name, layout, horizon), x)

export const map2 = <T = number>(a: Matrix, b: Matrix, f: (x: number, y: number, s: number, i: number) => T): Array<Array<T>> =>
  a.map((row, s) => row.map((x, i) => f(x, b[s][i], s, i)))

/** verl's clamp of log-ratios before exp. */
const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi)

export interface Clip {
  readonly clipLow: number
  readonly clipHigh: number
  readonly dualClip?: number | undefined
}

/**
 * PPO clip and dual clip per token (spec §0): loss, whether a clipped branch is the
 * active one, and d loss / d logp (0 on a clipped branch, -A r otherwise).
 */
export const ppoToken = (logRatio: number, a: number, o: Clip) => {
  const r = Math.exp(clamp(logRatio, -20, 20))
  const unclipped = -a * r
  const clipped = -a * clamp(r, 1 - o.clipLow, 1 + o.clipHigh)
  const clip = Math.max(unclipped, clipped)
  const bound = o.dualClip === undefined ? Infinity : -a * o.dualClip
  const dualActive = a < 0 && clip > bound
  const loss = a < 0 ? Math.min(clip, bound) : clip
  const clipActive = clipped > unclipped || dualActive
  const gradient = clipActive || Math.abs(logRatio) > 20 ? 0 : -a * r
  return { loss, clipActive, gradient }
}

/**
 * GSPO per token: s = exp(min(row mean of the log-ratio, 10)) shared by the row, loss
 * max(-A s, -A clip(s)), d loss / d logp_i = -A s on the unclipped branch (each token
 * carries the row ratio's value and its own gradient), else 0.
 */
export const gspo = (logRatio: Matrix, a: Matrix, mask: Matrix, o: Clip) =>
  logRatio.map((row, s) => {
    const rowRatio = Math.exp(Math.min(dot([mask[s]], [row]) / Math.max(count(mask[s]), 1), 10))
    return row.map((_, i) => {
      const unclipped = -a[s][i] * rowRatio
      const clipped = -a[s][i] * clamp(rowRatio, 1 - o.clipLow, 1 + o.clipHigh)
      return { loss: Math.max(unclipped, clipped), clipActive: clipped > unclipped, gradient: clipped > unclipped ? 0 : -a[s][i] * rowRatio }
    })
  })

/** verl's KL estimators per token with d / d logp. */
export const kl = (name: "k1" | "abs" | "k2" | "k3", logp: number, refLogp: number) => {
  const d = logp - refLogp
  switch (name) {
    case "k1":
      return { value: d, gradient: 1 }
    case "abs":
      return { value: Math.abs(d), gradient: Math.sign(d) }
    case "k2":
      return { value: 0.5 * d * d, gradient: d }
    case "k3": {
      const e = clamp(-d, -20, 20)
      const value = Math.exp(e) - e - 1
      return { value: clamp(value, -10, 10), gradient: Math.abs(d) > 20 || value > 10 ? 0 : 1 - Math.exp(e) }
    }
  }
}

/** verl's clipped value loss per token (critic). */
export const valueLoss = (v: number, old: number, ret: number, clip: number): number =>
  0.5 * Math.max((v - ret) ** 2, (old + clamp(v - old, -clip, clip) - ret) ** 2)

export interface Corridor {
  readonly kappaLow: number
  readonly kappaHigh: number
}

/** Eq. 3: P = max(0, kl Href - H) + max(0, H - kr Href), and dP/dH (Lemma A.11). */
export const hinge = (h: number, reference: number, c: Corridor) => {
  const low = c.kappaLow * reference
  const high = c.kappaHigh * reference
  return { value: Math.max(0, low - h) + Math.max(0, h - high), slope: h < low ? -1 : h > high ? 1 : 0 }
}

/** The released code's indicator: 1 strictly outside the corridor. */
export const outside = (h: number, reference: number, c: Corridor): number => (h < c.kappaLow * reference || h > c.kappaHigh * reference ? 1 : 0)

/** The released code's weight: 1 - 0.2 (1 - e^{-2k/h}) for k <= h = floor(K/2), 0.8 e^{-3(k-h)/(K-h)} after. */
export const releasedWeight = (step: number, totalSteps = 150): number => {
  const half = Math.floor(totalSteps / 2)
  return step <= half ? 1 - 0.2 * (1 - Math.exp((-2 * step) / Math.max(1, half))) : 0.8 * Math.exp((-3 * (step - half)) / Math.max(1, totalSteps - half))
}

/**
 * Per-token quantities from logits with -Infinity entries allowed, at temperature T:
 * log p(token), H, and their gradients w.r.t. the logits, (onehot - p) / T and
 * -p (log p + H) / T (0 where p = 0).
 */
export const tokenQuantities = (logits: ReadonlyArray<number>, token: number, temperature: number) => {
  const scaled = logits.map((z) => z / temperature)
  const p = softmax(scaled)
  const top = Math.max(...scaled)
  const logSum = top + Math.log(scaled.reduce((a, z) => a + Math.exp(z - top), 0))
  const logp = scaled.map((z) => z - logSum)
  const h = entropyOf(p)
  return {
    logp: logp[token],
    entropy: h,
    dLogp: p.map((q, v) => ((v === token ? 1 : 0) - q) / temperature),
    dEntropy: p.map((q, v) => (q > 0 ? (-q * (logp[v] + h)) / temperature : 0))
  }
}

/** A batch as nested arrays (a subset of TokenBatch). */
export interface Batch extends Layout {
  readonly logp: Matrix
  readonly oldLogp: Matrix
  readonly entropy: Matrix
  readonly advantages: Matrix
  readonly refLogp?: Matrix | undefined
  readonly values?: Matrix | undefined
  readonly oldValues?: Matrix | undefined
  readonly returns?: Matrix | undefined
  readonly turn: ReadonlyArray<number>
}

export interface Context {
  readonly step: number
  readonly totalSteps: number
  readonly entropyReference?: number | undefined
  readonly turnEntropyReference?: ReadonlyArray<number> | undefined
}

/** The fields of an objective configuration the reference reads (Config's Schemas). */
export interface Objective {
  readonly preset: "ppo" | "grpo" | "epo" | "epo-released"
  readonly policyLoss: "vanilla" | "gspo" | "reinforce"
  readonly clipLow: number
  readonly clipHigh: number
  readonly dualClip: number
  readonly lossAggregation: AggregationName
  readonly entropyAggregation: AggregationName
  readonly kl?: { readonly estimator: "k1" | "abs" | "k2" | "k3"; readonly coefficient: number } | undefined
  readonly value?: { readonly coefficient: number; readonly clip: number } | undefined
  readonly entropyCoefficient?: number
  readonly lambda?: number
  readonly alpha?: number
  readonly kappaLow?: number
  readonly kappaHigh?: number
  readonly gamma?: number
  readonly maxTurns?: number
  readonly scheduleSteps?: number
}

export interface Evaluation {
  readonly loss: number
  readonly metrics: Record<string, number>
  /** d loss / d logp and d loss / d entropy per token. */
  readonly dLogp: Array<Array<number>>
  readonly dEntropy: Array<Array<number>>
}

/**
 * A preset's loss, metrics and gradients (docs/objectives.md "Configuration and
 * presets"): L = policy - c (L_H - w L_smooth) + kl_coef KL + vf_coef L_V with, for
 * `epo`, c = lambda, w = beta_k (Eq. 5) and the hinge around the reference (no smoothing
 * at step 0); for `epo-released`, w = the two-phase weight and the indicator around the
 * per-turn reference, only when a row's turn is >= floor(maxTurns / 2); for `ppo` and
 * `grpo`, no smoothing.
 */
export const evaluate = (o: Objective, b: Batch, context: Context): Evaluation => {
  const policyWeights = weights(o.lossAggregation, b)
  const entropyWeights = weights(o.entropyAggregation, b)
  const logRatio = map2(b.logp, b.oldLogp, (x, y) => x - y)
  const clip = { clipLow: o.clipLow, clipHigh: o.clipHigh, dualClip: o.dualClip }
  const perToken =
    o.policyLoss === "gspo"
      ? gspo(logRatio, b.advantages, b.mask, clip)
      : o.policyLoss === "reinforce"
        ? b.logp.map((row, s) => row.map((lp, i) => ({ loss: -b.advantages[s][i] * lp, clipActive: false, gradient: -b.advantages[s][i] })))
        : logRatio.map((row, s) => row.map((x, i) => ppoToken(x, b.advantages[s][i], clip)))
  const policy = dot(policyWeights, perToken.map((row) => row.map((t) => t.loss)))
  const tokenWeights = weights("token-mean", b)
  const metrics: Record<string, number> = {
    policy_loss: policy,
    pg_clipfrac: dot(tokenWeights, perToken.map((row) => row.map((t) => (t.clipActive ? 1 : 0)))),
    ppo_kl: dot(tokenWeights, map2(b.oldLogp, b.logp, (x, y) => x - y))
  }
  const entropy = dot(entropyWeights, b.entropy)
  metrics.entropy = entropy
  const epo = o.preset === "epo"
  const released = o.preset === "epo-released"
  const c = epo ? o.lambda! : o.entropyCoefficient!
  let smoothing = 0
  let weight = 0
  let slope: Array<Array<number>> = b.entropy.map((row) => row.map(() => 0))
  if (epo) {
    weight = beta(context.step, context.totalSteps, o.gamma)
    metrics.beta = weight
    if (context.entropyReference !== undefined) {
      const hinges = b.entropy.map((row) => row.map((h) => hinge(h, context.entropyReference!, o as Corridor)))
      smoothing = dot(entropyWeights, hinges.map((row) => row.map((x) => o.alpha! * x.value)))
      slope = hinges.map((row) => row.map((x) => o.alpha! * x.slope))
    }
    metrics.smoothing = smoothing
  }
  if (released) {
    weight = releasedWeight(context.step, o.scheduleSteps)
    metrics.smoothing_weight = weight
    const reference = context.turnEntropyReference
    if (reference !== undefined && b.turn.some((t) => t >= Math.floor(o.maxTurns! / 2))) {
      smoothing = dot(entropyWeights, b.entropy.map((row, s) => row.map((h) => o.alpha! * outside(h, reference[b.turn[s]] ?? 0, o as Corridor))))
    }
    metrics.smoothing = smoothing
  }
  let loss = policy - c * (entropy - weight * smoothing)
  const dLogp = map2(policyWeights, perToken.map((row) => row.map((t) => t.gradient)), (w, g) => w * g)
  if (o.kl !== undefined && o.kl.coefficient !== 0) {
    const k = map2(b.logp, b.refLogp!, (x, y) => kl(o.kl!.estimator, x, y))
    metrics.kl = dot(policyWeights, k.map((row) => row.map((x) => x.value)))
    loss += o.kl.coefficient * metrics.kl
    k.forEach((row, s) => row.forEach((x, i) => (dLogp[s][i] += o.kl!.coefficient * policyWeights[s][i] * x.gradient)))
  }
  if (o.value !== undefined && o.value.coefficient !== 0) {
    const clipValue = o.value.clip
    metrics.value_loss = dot(tokenWeights, b.values!.map((row, s) => row.map((v, i) => valueLoss(v, b.oldValues![s][i], b.returns![s][i], clipValue))))
    loss += o.value.coefficient * metrics.value_loss
  }
  const dEntropy = map2(entropyWeights, slope, (w, p) => -c * w * (1 - weight * p))
  return { loss, metrics, dLogp, dEntropy }
}
