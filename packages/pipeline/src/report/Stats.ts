/**
 * Statistics over seeds for comparing methods: the percentile bootstrap confidence
 * interval of a mean, paired differences (same seeds, same evaluation games and keys),
 * and the Wilson interval of a success rate pooled over games. Pure functions; the
 * bootstrap is exact for few seeds and draws from a seeded `Random` stream beyond, so
 * every interval is reproducible.
 */
import { Random } from "@epo/core"

/** A mean with its confidence interval over `n` values (low = high = mean when n = 1). */
export interface Interval {
  readonly mean: number
  readonly low: number
  readonly high: number
  readonly n: number
}

export interface BootstrapOptions {
  /** Resamples B (default 10000). */
  readonly resamples?: number
  /** Coverage 1 - a (default 0.95). */
  readonly level?: number
  /** Seed of the resampling stream, where resamples are drawn (default 0). */
  readonly seed?: number
}

export const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length

/**
 * The p-quantile of ascending `sorted` by linear interpolation between order statistics
 * (Hyndman & Fan 1996, type 7: h = (n - 1) p).
 */
export const quantile = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) throw new RangeError("quantile of an empty array")
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p))
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])
}

/** C(2n-1, n): the number of distinct resamples (multisets) of n values. */
const multisets = (n: number): number => {
  let c = 1
  for (let i = 1; i <= n; i++) c = (c * (n - 1 + i)) / i
  return Math.round(c)
}

/**
 * Every distinct resample of `xs` as [mean, probability]: a resample is the counts
 * c_1..c_n (sum n) of each value, drawn with probability n! / (prod c_i! n^n).
 */
const exactResampleMeans = (xs: ReadonlyArray<number>): Array<readonly [number, number]> => {
  const n = xs.length
  const factorial = [1]
  for (let i = 1; i <= n; i++) factorial.push(factorial[i - 1] * i)
  const out: Array<readonly [number, number]> = []
  const visit = (i: number, left: number, sum: number, weight: number): void => {
    if (i === n - 1) {
      out.push([(sum + left * xs[i]) / n, weight / factorial[left]])
      return
    }
    for (let c = 0; c <= left; c++) visit(i + 1, left - c, sum + c * xs[i], weight / factorial[c])
  }
  visit(0, n, 0, factorial[n] / n ** n)
  return out.sort((a, b) => a[0] - b[0])
}

/** The p-quantile of a discrete distribution given as ascending [value, probability]: the least v with P(<= v) >= p. */
const discreteQuantile = (distribution: ReadonlyArray<readonly [number, number]>, p: number): number => {
  let cumulative = 0
  for (const [v, q] of distribution) {
    cumulative += q
    if (cumulative >= p - 1e-12) return v
  }
  return distribution[distribution.length - 1][0]
}

/**
 * The percentile bootstrap interval of the mean of `xs` (Efron & Tibshirani 1993,
 * ch. 13): the a/2 and 1 - a/2 quantiles of the distribution of the mean of a resample
 * of size n drawn with replacement. With few values (C(2n-1, n) distinct resamples, at
 * most B: n <= 8 for B = 10000) that distribution is computed exactly, every resample
 * with its multinomial probability, so the interval has no Monte Carlo error; beyond,
 * from B resamples drawn from a seeded stream (quantiles interpolated, type 7). With
 * n = 1 the interval is the value itself (one seed says nothing about the spread);
 * null for no values.
 */
export const bootstrapMean = (xs: ReadonlyArray<number>, options: BootstrapOptions = {}): Interval | null => {
  const n = xs.length
  if (n === 0) return null
  const m = mean(xs)
  if (n === 1) return { mean: m, low: m, high: m, n }
  const resamples = options.resamples ?? 10_000
  const alpha = 1 - (options.level ?? 0.95)
  if (multisets(n) <= resamples) {
    const distribution = exactResampleMeans(xs)
    return { mean: m, low: discreteQuantile(distribution, alpha / 2), high: discreteQuantile(distribution, 1 - alpha / 2), n }
  }
  const stream = Random.Stream.fromSeed(options.seed ?? 0)
  const means = new Float64Array(resamples)
  for (let b = 0; b < resamples; b++) {
    let s = 0
    for (let i = 0; i < n; i++) s += xs[stream.int(n)]
    means[b] = s / n
  }
  means.sort()
  return { mean: m, low: quantile(means, alpha / 2), high: quantile(means, 1 - alpha / 2), n }
}

/** Per-seed values of one method: seed -> value. */
export type BySeed = ReadonlyMap<number, number>

/** The seeds present in both, ascending, and the per-seed differences `variant - base` there. */
export const pairedDifferences = (variant: BySeed, base: BySeed): { readonly seeds: ReadonlyArray<number>; readonly differences: ReadonlyArray<number> } => {
  const seeds = [...variant.keys()].filter((s) => base.has(s)).sort((a, b) => a - b)
  return { seeds, differences: seeds.map((s) => (variant.get(s) as number) - (base.get(s) as number)) }
}

/**
 * The paired difference of a variant against its base: the mean over shared seeds of
 * `variant_s - base_s` with its bootstrap interval. Both runs of a seed share the
 * starting policy and the evaluation games and sampling keys, so the seed-to-seed
 * variation they have in common cancels (a paired design).
 */
export const pairedDifference = (variant: BySeed, base: BySeed, options: BootstrapOptions = {}): Interval | null =>
  bootstrapMean(pairedDifferences(variant, base).differences, options)

/**
 * The Wilson score interval of a success rate of k successes in n games
 * (Wilson 1927; Agresti & Coull 1998): centre (p + z^2/2n) / (1 + z^2/n), half-width
 * z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n), with p = k/n and z = 1.96 for 95%. It
 * treats the games as independent Bernoulli trials, so pooled over seeds it ignores the
 * seed-to-seed variation: a floor on the uncertainty, not a substitute for bootstrap
 * over seeds. Null for n = 0.
 */
export const wilson = (successes: number, games: number, z = 1.959963984540054): Interval | null => {
  if (games === 0) return null
  if (!(successes >= 0 && successes <= games)) throw new RangeError(`wilson: ${successes} successes in ${games} games`)
  const p = successes / games
  const z2 = z * z
  const denominator = 1 + z2 / games
  const centre = (p + z2 / (2 * games)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / games + z2 / (4 * games * games))) / denominator
  // At k = 0 and k = n the bounds are exactly 0 and 1; rounding would leave them a hair off.
  return { mean: p, low: successes === 0 ? 0 : centre - half, high: successes === games ? 1 : centre + half, n: games }
}
