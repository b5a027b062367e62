/**
 * Spec "Full objective": per token the coefficient on grad H is lambda (1 + beta alpha)
 * below the corridor, lambda inside, lambda (1 - beta alpha) above, so under Assumption
 * A.4 (alpha beta_max < 1) the corridor never pushes entropy down; it only weakens the
 * bonus above the cap. Checked on one softmax distribution: the gradient of the entropy
 * part of L_EPO, -lambda (H - beta alpha P(H)), is taken by central finite differences
 * (no use of the analytic formula under test) and compared with -c grad H.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { finite, tally } from "../objective/Support.js"
import { beta, entropy, entropyGradient, softmax } from "./SoftmaxEpo.js"

const hinge = (h: number, reference: number, kappaL: number, kappaR: number) =>
  Math.max(0, kappaL * reference - h) + Math.max(0, h - kappaR * reference)

/** The entropy part of L_EPO for one token, as a function of the logits. */
const entropyLoss = (z: ReadonlyArray<number>, s: Setting) => {
  const h = entropy(softmax(z))
  return -s.lambda * (h - s.beta * s.alpha * hinge(h, s.reference, s.kappaL, s.kappaR))
}

const numericGradient = (f: (z: ReadonlyArray<number>) => number, z: ReadonlyArray<number>, eps = 1e-6) =>
  z.map((_, a) => {
    const up = z.slice()
    const down = z.slice()
    up[a] += eps
    down[a] -= eps
    return (f(up) - f(down)) / (2 * eps)
  })

interface Setting {
  readonly lambda: number
  readonly alpha: number
  readonly beta: number
  readonly kappaL: number
  readonly kappaR: number
  readonly reference: number
}

// Uniform draws (fc.double would put most of alpha and lambda near 0, where the three
// coefficients coincide).
const logits = fc.integer({ min: 2, max: 6 }).chain((m) => fc.array(finite(-5, 5), { minLength: m, maxLength: m }))
const setting = fc.record({
  lambda: finite(1e-3, 1),
  // Assumption A.4 with beta_max = 2: alpha < 1/2.
  alpha: finite(0, 0.499),
  beta: fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 2, max: 300 })).map(([k, total]) => beta(Math.min(k, total), total)),
  kappaL: finite(0, 0.95),
  kappaR: finite(1.05, 3),
  reference: finite(0.01, 1)
})

/** The spec's table. */
const coefficient = (h: number, s: Setting) =>
  h < s.kappaL * s.reference ? s.lambda * (1 + s.beta * s.alpha) : h > s.kappaR * s.reference ? s.lambda * (1 - s.beta * s.alpha) : s.lambda

describe("the corridor's coefficient on grad H", () => {
  it("the analytic dH/dz = -p (log p + H) matches finite differences", () => {
    fc.assert(
      fc.property(logits, (z) => {
        const numeric = numericGradient((x) => entropy(softmax(x)), z)
        entropyGradient(z).forEach((g, a) => expect(g).toBeCloseTo(numeric[a], 7))
      }),
      { numRuns: 300 }
    )
  })

  it("is lambda (1 + beta alpha) below, lambda inside, lambda (1 - beta alpha) above the corridor, and positive", () => {
    const seen = tally()
    fc.assert(
      fc.property(logits, setting, (z, s) => {
        const h = entropy(softmax(z))
        // Away from the kinks, where the finite difference straddles no corner.
        fc.pre(Math.abs(h - s.kappaL * s.reference) > 1e-4 && Math.abs(h - s.kappaR * s.reference) > 1e-4)
        const c = coefficient(h, s)
        expect(c).toBeGreaterThan(0)
        const numeric = numericGradient((x) => entropyLoss(x, s), z)
        const dH = entropyGradient(z)
        numeric.forEach((g, a) => expect(g).toBeCloseTo(-c * dH[a], 7))
        seen.run()
        seen.hit(h < s.kappaL * s.reference ? "below" : h > s.kappaR * s.reference ? "above" : "inside")
        seen.hit("beta alpha >= 0.2", s.beta * s.alpha >= 0.2)
      }),
      { numRuns: 500 }
    )
    for (const label of ["below", "inside", "above", "beta alpha >= 0.2"]) expect(seen.share(label), label).toBeGreaterThan(0.15)
  })

  it("so a small descent step on the entropy part never lowers the entropy", () => {
    fc.assert(
      fc.property(logits, setting, (z, s) => {
        const h = entropy(softmax(z))
        const c = coefficient(h, s)
        const dH = entropyGradient(z)
        const next = z.map((x, a) => x + 1e-3 * c * dH[a])
        expect(entropy(softmax(next))).toBeGreaterThanOrEqual(h - 1e-12)
      }),
      { numRuns: 500 }
    )
  })

  it("without Assumption A.4 (alpha beta >= 1) the corridor does push entropy down above the cap", () => {
    const s: Setting = { lambda: 0.1, alpha: 0.75, beta: 2, kappaL: 0, kappaR: 1.5, reference: 0.3 }
    const z = [0.2, 0, -0.1] // H = 1.09 > 1.5 * 0.3
    const h = entropy(softmax(z))
    expect(h).toBeGreaterThan(s.kappaR * s.reference)
    const descent = numericGradient((x) => entropyLoss(x, s), z).map((g) => -g)
    const next = z.map((x, a) => x + 0.5 * descent[a])
    expect(entropy(softmax(next))).toBeLessThan(h)
  })
})
