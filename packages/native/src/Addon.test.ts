/**
 * The addon on plain typed arrays (offsets are bytes into the given memory): hand-computed
 * products, LayerNorm, GELU and column sums; bad calls throw a RangeError naming the
 * problem instead of touching memory they do not own.
 */
import { describe, expect, it } from "vitest"
import { load } from "./Addon.js"

const loaded = load()

describe.skipIf(loaded._tag === "Absent")("the native addon", () => {
  const addon = loaded._tag === "Loaded" ? loaded.addon : undefined!
  const none = -1
  const one = Int32Array.of(0)

  it("sgemm with transposes, a bias, activations and a broadcast batch", () => {
    // a = [[1, 2], [3, 4]] at 0, b = [[5, 6], [7, 8]] at 16 bytes, c at 32, bias [1, -100] at 48.
    const mem = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 1, -100, 0, 0)
    const c = () => Array.from(mem.subarray(8, 12))
    addon.gemm(mem, false, false, 2, 2, 2, 0, one, 16, one, 32, 1, none, 0, 0, 0, none, 0)
    expect(c()).toEqual([19, 22, 43, 50])
    addon.gemm(mem, false, true, 2, 2, 2, 0, one, 16, one, 32, 1, none, 0, 0, 0, none, 0)
    expect(c()).toEqual([17, 23, 39, 53])
    addon.gemm(mem, true, false, 2, 2, 2, 0, one, 16, one, 32, 1, none, 0, 0, 0, none, 0)
    expect(c()).toEqual([26, 30, 38, 44])
    addon.gemm(mem, false, false, 2, 2, 2, 0, one, 16, one, 32, 1, 48, 2, 1, 0, none, 0) // + bias, relu
    expect(c()).toEqual([20, 0, 44, 0])
    addon.gemm(mem, false, false, 2, 2, 2, 0, one, 16, one, 32, 1, 48, 2, 4, 0.5, none, 0) // + bias, leaky relu 0.5
    expect(c()).toEqual([20, -39, 44, -25])
    // Two products sharing b (index 0 twice): a's rows as two [1, 2] matrices.
    addon.gemm(mem, false, false, 1, 2, 2, 0, Int32Array.of(0, 1), 16, Int32Array.of(0, 0), 32, 2, none, 0, 0, 0, none, 0)
    expect(c()).toEqual([19, 22, 43, 50])
    // k = 0: the product is zero (plus the bias).
    addon.gemm(mem, false, false, 2, 2, 0, 0, one, 16, one, 32, 1, 48, 2, 0, 0, none, 0)
    expect(c()).toEqual([1, -100, 1, -100])
  })

  it("LayerNorm, GELU and column sums by hand", () => {
    // x = [1, 2, 3] at 0, g = [1, 1, 2] at 12, b = [0, 0, 1] at 24, y at 36, stats at 48.
    const mem = Float32Array.of(1, 2, 3, 1, 1, 2, 0, 0, 1, 0, 0, 0, 0, 0)
    addon.layerNormForward(mem, 0, 12, 24, 1, 3, 0, 36, 48)
    const r = Math.sqrt(3 / 2)
    expect(Array.from(mem.subarray(9, 12)).map((v) => v.toFixed(5))).toEqual([-r, 0, 2 * r + 1].map((v) => v.toFixed(5)))
    expect(Array.from(mem.subarray(12, 14)).map((v) => v.toFixed(5))).toEqual([2, 1 / Math.sqrt(2 / 3)].map((v) => v.toFixed(5)))
    // gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); gelu'(0) = ½.
    const g = Float32Array.of(0, 1, -2, 0, 0, 0, 0, 0, 0)
    addon.gelu(g, 0, 3, 12, 24)
    const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))
    expect(Array.from(g.subarray(3, 6)).map((v) => v.toFixed(6))).toEqual([0, 1, -2].map((x) => gelu(x).toFixed(6)))
    expect(g[6]).toBeCloseTo(0.5, 6)
    expect(g[7]).toBeCloseTo((gelu(1 + 1e-3) - gelu(1 - 1e-3)) / 2e-3, 4)
    const s = Float32Array.of(1, 2, 3, 4, 5, 6, 0, 0, 0)
    addon.columnSum(s, 0, 2, 3, 24)
    expect(Array.from(s.subarray(6))).toEqual([5, 7, 9])
  })

  it("attention of one head over two positions by hand", () => {
    // qkv rows (q | k | v), d = 1: position 0 (0 | 0 | 1), position 1 (1 | ln 3 | 3); causal mask.
    const mem = Float32Array.of(0, 0, 1, 1, Math.log(3), 3, 0, -1e9, 0, 0, 0, 0, 0, 0, 0, 0)
    addon.attentionForward(mem, 0, 24, 1, 1, 2, 1, 1, true, 40, 48)
    // query 1 sees keys 0 and 1 with scores 0 and ln 3: weights ¼ and ¾, output ¼·1 + ¾·3.
    expect(mem[10]).toBeCloseTo(1, 6)
    expect(mem[11]).toBeCloseTo(2.5, 6)
    // Without a mask (mask rows 0): the plain causal mask, the same outputs.
    mem.fill(0, 10, 16)
    addon.attentionForward(mem, 0, -1, 0, 1, 2, 1, 1, true, 40, 48)
    expect([mem[10], mem[11]!.toFixed(6)]).toEqual([1, (2.5).toFixed(6)])
    expect(() => addon.attentionForward(mem, 0, -1, 0, 1, 2, 1, 1, false, 40, 48)).toThrow(/causal must be set/)
  })

  it("bad calls throw a RangeError naming the problem", () => {
    const mem = new Float32Array(8)
    expect(() => addon.columnSum(mem, 0, 4, 4, 0)).toThrow(/overrun the 32-byte memory/)
    expect(() => addon.columnSum(mem, 2, 1, 1, 0)).toThrow(/not a non-negative multiple of 4/)
    expect(() => addon.gelu(mem, 0, -1, 0, -1)).toThrow(/must be ≥ 0/)
    expect(() => (addon.gelu as (...a: Array<unknown>) => void)(mem, 0, 1)).toThrow(/expected 5 arguments, got 3/)
    expect(() => addon.gemm(mem, false, false, 1, 1, 1, 0, Int32Array.of(9), 0, one, 0, 1, none, 0, 0, 0, none, 0)).toThrow(/matrix index out of range/)
    expect(() => addon.setThreads(0)).toThrow(RangeError)
    expect(() => (addon.gelu as (...a: Array<unknown>) => void)({}, 0, 1, 0, -1)).toThrow(/ArrayBuffer or a typed array/)
  })
})

it("an absent addon is explained with what to install", () => {
  if (loaded._tag === "Absent") expect(loaded.reason).toContain("libdnnl-dev")
  else expect(loaded.addon.info().onednn).toMatch(/^\d+\.\d+\.\d+$/)
})
