/**
 * Shared pieces of the objective's property tests: small arbitraries, a seeded
 * fast-check configuration, and a central finite-difference gradient of a tfjs function
 * (evaluated on the cpu backend in float32, so step sizes and tolerances are chosen for
 * float32: h = 1e-2 on smooth functions gives O(h^2) truncation and ~1e-5 rounding).
 */
import * as tf from "@tensorflow/tfjs"
import fc from "fast-check"

/** Few runs (fast); the seed is the global one of scripts/fast-check-seed.ts (FC_SEED). */
export const params = (numRuns = 40) => ({ numRuns })

export const useCpu = async () => {
  await tf.setBackend("cpu")
}

/**
 * A number uniform in [min, max]. fc.double draws (even with fc.noBias) across the
 * representable doubles, most of which are tiny: over [0, 2] nearly every draw would be
 * below 1e-3, the region where float32 tolerances make a claim vacuous.
 */
export const finite = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 2 ** 30 })).map((n) => min + ((max - min) * n) / 2 ** 30)

export const matrix = (rows: number, cols: number, min: number, max: number) =>
  fc.array(fc.array(finite(min, max), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })

/**
 * A number of either sign whose magnitude is 10^u, u uniform in [lowExponent,
 * highExponent]: every run is at a magnitude that matters against a float32 tolerance.
 */
export const magnitude = (lowExponent: number, highExponent: number) =>
  fc.tuple(fc.boolean(), finite(lowExponent, highExponent)).map(([negative, u]) => (negative ? -1 : 1) * 10 ** u)

/** `[rows][cols]` numbers of `magnitude(lowExponent, highExponent)`. */
export const magnitudes = (rows: number, cols: number, lowExponent: number, highExponent: number) =>
  fc.array(fc.array(magnitude(lowExponent, highExponent), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })

/**
 * A multi-turn layout: S rows of L columns, each row with 0..L real tokens (left-aligned)
 * and a trajectory id in 0..3, so that rows without tokens, trajectories without
 * tokens, missing ids and trajectories of several turns of different lengths all occur.
 */
export const layout = (minRows = 2, maxRows = 6, maxLength = 5, minLength = 2) =>
  fc
    .record({ rows: fc.integer({ min: minRows, max: maxRows }), length: fc.integer({ min: minLength, max: maxLength }) })
    .chain(({ rows, length }) =>
      fc.record({
        mask: fc.array(
          fc.integer({ min: 0, max: length }).map((n) => Array.from({ length }, (_, i): number => (i < n ? 1 : 0))),
          { minLength: rows, maxLength: rows }
        ),
        trajectory: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: rows, maxLength: rows })
      })
    )

/**
 * Counts, over the runs of a property, how often each labelled situation occurred, so
 * that a test can assert it sampled the region where its claim can fail
 * (PRINT_SHARES=1 prints every share a test reads).
 */
export const tally = () => {
  const counts = new Map<string, number>()
  let runs = 0
  return {
    run: () => void runs++,
    hit: (label: string, condition = true) => void (condition && counts.set(label, (counts.get(label) ?? 0) + 1)),
    share: (label: string) => {
      const share = (counts.get(label) ?? 0) / Math.max(runs, 1)
      if (process.env.PRINT_SHARES !== undefined) console.log(`share of "${label}": ${share.toFixed(3)} of ${runs}`)
      return share
    },
    runs: () => runs
  }
}

/** A 0/1 mask with at least one real token per row. */
export const mask = (rows: number, cols: number) =>
  fc.array(
    fc.integer({ min: 1, max: cols }).map((n) => Array.from({ length: cols }, (_, i) => (i < n ? 1 : 0))),
    { minLength: rows, maxLength: rows }
  )

/** Central finite differences of `f` at `x` (a flat array) with step h. */
export const numericGradient = (f: (x: Float32Array) => number, x: ArrayLike<number>, h = 1e-2): Array<number> =>
  Array.from(x, (_, i) => {
    const up = Float32Array.from(x)
    const down = Float32Array.from(x)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)
  })

/** |a - b| <= atol + rtol |b| elementwise, with the worst index on failure. */
export const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0): void => {
  for (let i = 0; i < expected.length; i++) {
    const bound = atol + rtol * Math.abs(expected[i])
    if (!(actual[i] === expected[i] || Math.abs(actual[i] - expected[i]) <= bound)) {
      throw new Error(`index ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${bound}); actual [${Array.from(actual)}], expected [${Array.from(expected)}]`)
    }
  }
}
