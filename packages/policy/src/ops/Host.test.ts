import { describe, expect, it } from "vitest"
import { bufferPool, sizeClass } from "./Host.js"

describe("host buffer pool", () => {
  it("size classes cover a length and waste at most a quarter of it", () => {
    expect(sizeClass(1)).toBe(1024)
    expect(sizeClass(1024)).toBe(1024)
    expect(sizeClass(1025)).toBe(1280)
    expect(sizeClass(4096)).toBe(4096)
    expect(sizeClass(4097)).toBe(5120)
    expect(sizeClass(6000)).toBe(6144)
    for (let n = 1025; n < 200_000; n += 997) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n)
      expect(sizeClass(n)).toBeLessThanOrEqual(1.25 * n)
    }
  })

  it("reuses a buffer given back for a length of the same class", () => {
    const pool = bufferPool(1 << 20)
    const a = pool.take(3000)
    expect(a.length).toBe(3000)
    pool.give(a)
    expect(pool.bytes()).toBe(4 * 3072)
    const b = pool.take(2900)
    expect(b.length).toBe(2900)
    expect(b.buffer).toBe(a.buffer)
    expect(pool.bytes()).toBe(0)
    expect(pool.take(2900).buffer).not.toBe(a.buffer)
  })

  it("holds at most its capacity however many lengths come back, keeping the latest", () => {
    const capacity = 64 * 1024
    const pool = bufferPool(capacity)
    // Lengths that vary with every call, as sequence lengths do between batches.
    const given = Array.from({ length: 200 }, (_, i) => pool.take(1000 + 37 * i))
    for (const b of given) {
      pool.give(b)
      expect(pool.bytes()).toBeLessThanOrEqual(capacity)
    }
    expect(pool.bytes()).toBeGreaterThan(capacity / 2)
    const last = given[given.length - 1]
    expect(pool.take(last.length).buffer).toBe(last.buffer)
    expect(pool.take(given[0].length).buffer).not.toBe(given[0].buffer)
  })

  it("never keeps a buffer larger than its capacity", () => {
    const pool = bufferPool(4096)
    pool.give(pool.take(2000))
    expect(pool.bytes()).toBe(0)
  })
})
