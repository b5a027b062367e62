import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { rankByLogit } from "./Sampling.js"

/** The plain ranking: a comparator sort by decreasing logit, ties by increasing index. */
const plain = (logits: ArrayLike<number>) => Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b)

describe("ranking tokens by logit", () => {
  it("equals the comparator sort for float32 logits with ties, ±0 and infinities, and for float64 logits", () => {
    const float32 = fc.oneof(fc.float({ noNaN: true }), fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity))
    fc.assert(
      fc.property(fc.oneof(fc.array(float32, { maxLength: 40 }), fc.array(fc.double({ noNaN: true }), { maxLength: 40 })), (logits) => {
        expect(Array.from(rankByLogit(logits))).toEqual(plain(logits))
        expect(Array.from(rankByLogit(Float32Array.from(logits)))).toEqual(plain(Float32Array.from(logits)))
      }),
      { numRuns: 500 }
    )
  })

  it("a vocabulary of 512 by hand: the largest first, equal logits in index order", () => {
    const logits = new Float32Array(512)
    logits[300] = 2
    logits[7] = 1
    logits[9] = 1
    logits[0] = -1
    const order = rankByLogit(logits)
    expect(Array.from(order.subarray(0, 5))).toEqual([300, 7, 9, 1, 2])
    expect(order[511]).toBe(0)
  })
})
