import { describe, expect, it } from "vitest"
import { escapeHtml, formatNumber, legendEntries, linePlot, niceDomain, niceStep, tickLabel, ticksOf } from "./Plot.js"

describe("linePlot", () => {
  it("maps the data range onto the plot rectangle and skips non-finite points", () => {
    const svg = linePlot({
      title: "t <b>",
      xLabel: "step",
      series: [{ label: "a", color: "#000", points: [[0, 1], [1, Number.NaN], [2, 3]] }]
    })
    const d = /<path d="([^"]+)"/.exec(svg)![1]
    const points = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
    const rect = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number)
    expect(points).toEqual([
      [rect[0], rect[1] + rect[3]],
      [rect[0] + rect[2], rect[1]]
    ])
    expect(svg).toContain("t &lt;b&gt;")
  })

  it("says so when there is no data", () => {
    expect(linePlot({ title: "t", xLabel: "x", series: [{ label: "a", color: "#000", points: [] }] })).toContain("no data")
  })

  it("formats numbers and escapes text", () => {
    expect([formatNumber(null), formatNumber(0.5), formatNumber(1e-5), formatNumber(123456)]).toEqual(["–", "0.5", "1.00e-5", "1.23e+5"])
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
  })
})

/** The tick labels of a plot: y (right-aligned) and x (centred) texts of size 10. */
const tickLabels = (svg: string) => ({
  y: [...svg.matchAll(/text-anchor="end" font-size="10">([^<]+)</g)].map((m) => m[1]),
  x: [...svg.matchAll(/text-anchor="middle" font-size="10">([^<]+)</g)].map((m) => m[1])
})

describe("round ticks", () => {
  it("steps are 1, 2 or 5 times a power of ten, at least 1 on an integer axis", () => {
    expect([niceStep(10, 5), niceStep(1, 5), niceStep(0.3, 5), niceStep(0.0034, 5)]).toEqual([2, 0.2, 0.1, 0.001])
    expect([niceStep(29, 6, true), niceStep(3, 6, true), niceStep(0.75, 6, true), niceStep(149, 6, true)]).toEqual([5, 1, 1, 50])
  })

  it("ticks are exact multiples of the step, domains widen to them, labels carry the step's decimals", () => {
    expect(ticksOf(0, 1, 0.1)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
    expect(ticksOf(0.05, 0.31, 0.1)).toEqual([0.1, 0.2, 0.3])
    expect(niceDomain(0.093, 0.41, 5)).toEqual({ lo: 0, hi: 0.5, step: 0.1 })
    expect(niceDomain(6.70491, 6.70497, 5)).toEqual({ lo: 6.7049, hi: 6.70498, step: 0.00002 })
    expect([tickLabel(0.3, 0.1), tickLabel(2, 0.5), tickLabel(10, 5), tickLabel(6.70494, 0.00002)]).toEqual(["0.3", "2.0", "10", "6.70494"])
    expect([tickLabel(0.00002, 0.00001), tickLabel(3e6, 1e6), tickLabel(0, 1e-5)]).toEqual(["2e-5", "3e+6", "0"])
    // found by the property tests: a domain never narrower than the data, exponent labels as precise as the step
    expect(niceDomain(0.0000989999999998, 0.0000999999999998, 5).lo).toBeLessThanOrEqual(0.0000989999999998)
    expect([tickLabel(0.0001, 2e-7), tickLabel(0.0001002, 2e-7)]).toEqual(["1e-4", "1.002e-4"])
  })

  it("a plot of fractional values over 12 steps has integer x ticks and round y ticks (no 0.09375)", () => {
    const svg = linePlot({
      title: "t",
      xLabel: "update step",
      series: [{ label: "a", color: "#000", points: Array.from({ length: 13 }, (_, k) => [k, 0.09375 + k / 32] as const) }]
    })
    const { x, y } = tickLabels(svg)
    expect(x).toEqual(["0", "2", "4", "6", "8", "10", "12"])
    expect(y).toEqual(["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"])
  })

  it("a constant keeps its sign: 0 is drawn on [0, 1], 2 on [1, 3]", () => {
    const constant = (v: number) => tickLabels(linePlot({ title: "t", xLabel: "x", series: [{ label: "a", color: "#000", points: [[0, v], [1, v]] }] })).y
    expect(constant(0)).toEqual(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    expect(constant(2)).toEqual(["1.0", "1.5", "2.0", "2.5", "3.0"])
  })

  it("yInclude widens the axis; real x values get fractional ticks only when asked", () => {
    const points = [[0, 0.3], [1, 0.5]] as const
    expect(tickLabels(linePlot({ title: "t", xLabel: "x", yInclude: [0], series: [{ label: "a", color: "#000", points }] })).y[0]).toBe("0.0")
    expect(tickLabels(linePlot({ title: "t", xLabel: "x", series: [{ label: "a", color: "#000", points }] })).x).toEqual(["0", "1"])
    expect(tickLabels(linePlot({ title: "t", xLabel: "x", integerX: false, series: [{ label: "a", color: "#000", points }] })).x).toEqual(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
  })
})

describe("bands and legends", () => {
  it("a band is a shaded closed path from its upper to its lower edge; the axis covers it", () => {
    const svg = linePlot({
      title: "t",
      xLabel: "x",
      series: [{ label: "m", color: "#123456", points: [[0, 1], [1, 1]], band: [[0, 0, 2], [1, 0.5, 1.5]] }]
    })
    const d = /<path d="(M[^"]+Z)" fill="#123456" fill-opacity="0.16"/.exec(svg)![1]
    const rect = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number)
    const [left, top, w, h] = rect
    const corners = [...d.matchAll(/([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
    // upper edge left to right (2, then 1.5), lower edge right to left (0.5, then 0); y spans 0..2
    expect(corners).toEqual([
      [left, top],
      [left + w, top + h / 4],
      [left + w, top + (3 * h) / 4],
      [left, top + h]
    ])
  })

  it("one legend entry per distinct label, colour and dash; none for an empty label; a band-only series shows a swatch", () => {
    const series = [
      { label: "ppo", color: "#1", points: [[0, 1]] as const },
      { label: "ppo", color: "#1", points: [[1, 2]] as const },
      { label: "ppo", color: "#1", dashed: true, points: [[1, 2]] as const },
      { label: "", color: "#2", points: [[1, 2]] as const },
      { label: "corridor", color: "#3", points: [], band: [[0, 0, 1]] as const }
    ]
    expect(legendEntries(series).map((s) => [s.label, s.dashed === true])).toEqual([
      ["ppo", false],
      ["ppo", true],
      ["corridor", false]
    ])
    expect(linePlot({ title: "t", xLabel: "x", series })).toMatch(/<rect x="\d+" y="[\d.]+" width="14" height="8" fill="#3"/)
  })
})
