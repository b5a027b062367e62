/**
 * A policy small enough to optimise exactly: n independent softmax distributions over m
 * actions (one per turn/state), trained by exact gradient descent on the EPO objective
 * (spec "Full objective", paper v2 Eq. 6) with the expectation taken exactly instead of
 * sampled. One trajectory of n turns, one "token" per turn, so the multi-turn mean of
 * Eq. 2 is the mean over states:
 *
 *   L(z) = -(1/n) sum_t E_{p_t}[r_t]  -  lambda * ( (1/n) sum_t H_t  -  beta_k * (1/n) sum_t alpha * P(H_t) )
 *   P(H) = max(0, kappa_l * Href - H) + max(0, H - kappa_r * Href)          (Eqs. 3-4)
 *   Href_k = mean of the batch entropies of steps 0..k-1 (none at k = 0: no smoothing term)
 *   beta_k = 1 + exp(-3 k / floor(K/2))                                      (Eq. 5)
 *
 * The first term is the on-policy PPO surrogate at ratio 1, whose gradient is the exact
 * policy gradient p * (r - p.r). Gradients are analytic, in float64:
 *   dH/dz = -p * (log p + H),   dP/dH = -1 below the corridor, +1 above, 0 inside.
 * This is an oracle independent of @epo/objective; one case is cross-checked against
 * tf.grad in EntropyVariance.test.ts.
 */

export interface EpoHyper {
  readonly lambda: number
  readonly alpha: number
  readonly kappaL: number
  readonly kappaR: number
  /** Gradient-descent step size. */
  readonly eta: number
  /** Total update steps K (for beta_k). */
  readonly totalSteps: number
}

export const softmax = (z: ReadonlyArray<number>): Array<number> => {
  const top = Math.max(...z)
  const e = z.map((x) => Math.exp(x - top))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s)
}

/** Shannon entropy in nats (0 log 0 = 0). */
export const entropy = (p: ReadonlyArray<number>): number => -p.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0)

/** dH/dz = -p * (log p + H). */
export const entropyGradient = (z: ReadonlyArray<number>): Array<number> => {
  const p = softmax(z)
  const h = entropy(p)
  return p.map((q) => (q > 0 ? -q * (Math.log(q) + h) : 0))
}

/** Eq. 5: beta_k = 1 + exp(-gamma k / floor(K/2)), gamma = 3 by default. */
export const beta = (step: number, totalSteps: number, gamma = 3): number => 1 + Math.exp((-gamma * step) / Math.max(1, Math.floor(totalSteps / 2)))

/** dP/dH at H for the corridor [kappaL Href, kappaR Href]. */
export const hingeSlope = (h: number, reference: number, kappaL: number, kappaR: number): number =>
  h < kappaL * reference ? -1 : h > kappaR * reference ? 1 : 0

/**
 * The coefficient c with dL_entropy/dz_t = -(c/n) dH_t/dz_t, where L_entropy is the
 * entropy part -lambda (L_H - beta alpha-weighted L_smooth): lambda (1 - beta alpha dP/dH).
 */
export const entropyCoefficient = (h: number, reference: number | undefined, step: number, hyper: EpoHyper): number =>
  reference === undefined
    ? hyper.lambda
    : hyper.lambda * (1 - beta(step, hyper.totalSteps) * hyper.alpha * hingeSlope(h, reference, hyper.kappaL, hyper.kappaR))

/** Gradient of L with respect to every state's logits. */
export const gradient = (
  logits: ReadonlyArray<ReadonlyArray<number>>,
  rewards: ReadonlyArray<ReadonlyArray<number>>,
  reference: number | undefined,
  step: number,
  hyper: EpoHyper
): Array<Array<number>> => {
  const n = logits.length
  return logits.map((z, t) => {
    const p = softmax(z)
    const expected = p.reduce((s, q, a) => s + q * rewards[t][a], 0)
    const c = entropyCoefficient(entropy(p), reference, step, hyper)
    const dH = entropyGradient(z)
    return p.map((q, a) => (-q * (rewards[t][a] - expected) - c * dH[a]) / n)
  })
}

export interface Trace {
  /** entropies[k][t]: entropy of state t before update k (k = 0..K). */
  readonly entropies: Array<Array<number>>
  /** The reference Href_k used at update k (undefined at k = 0). */
  readonly references: Array<number | undefined>
}

/** Runs K exact gradient-descent updates and records every state's entropy. */
export const train = (
  initial: ReadonlyArray<ReadonlyArray<number>>,
  rewards: ReadonlyArray<ReadonlyArray<number>>,
  hyper: EpoHyper
): Trace => {
  let logits = initial.map((z) => z.slice())
  const entropies: Array<Array<number>> = []
  const references: Array<number | undefined> = []
  let history = 0
  for (let k = 0; k < hyper.totalSteps; k++) {
    const h = logits.map((z) => entropy(softmax(z)))
    const reference = k === 0 ? undefined : history / k
    entropies.push(h)
    references.push(reference)
    const g = gradient(logits, rewards, reference, k, hyper)
    logits = logits.map((z, t) => z.map((x, a) => x - hyper.eta * g[t][a]))
    history += mean(h)
  }
  entropies.push(logits.map((z) => entropy(softmax(z))))
  return { entropies, references }
}

export const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length

/** Population variance. */
export const variance = (xs: ReadonlyArray<number>): number => {
  const m = mean(xs)
  return mean(xs.map((x) => (x - m) ** 2))
}

