import { describe, expect, it } from "vitest"
import { colorAt, heatmap, rangeOf } from "./Heatmap.js"

const cellsOf = (svg: string) =>
  [...(/<g shape-rendering="crispEdges">(.*?)<\/g>/.exec(svg)?.[1] ?? "").matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]{6})"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    fill: m[5]
  }))

describe("heatmap", () => {
  it("viridis: the ends and a midpoint between stops", () => {
    expect([colorAt(0), colorAt(1), colorAt(-3), colorAt(7)]).toEqual(["#440154", "#fde725", "#440154", "#fde725"])
    // t = 0.5 is halfway from #26828e to #1f9e89
    expect(colorAt(0.5)).toBe("#23908c")
  })

  it("one cell per value, turn 0 in the top row, steps left to right; no cell where there is no value", () => {
    const svg = heatmap({
      title: "m",
      xLabel: "update step",
      yLabel: "turn index",
      scaleLabel: "entropy",
      columns: [0, 1, 2],
      values: [
        [1, 2, 3],
        [3, null, 1]
      ]
    })
    const cells = cellsOf(svg)
    expect(cells).toHaveLength(5)
    const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b)
    const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => a - b)
    expect([xs.length, ys.length]).toEqual([3, 2])
    const at = (col: number, row: number) => cells.find((c) => c.x === xs[col] && c.y === ys[row])?.fill
    expect([at(0, 0), at(1, 0), at(2, 0), at(0, 1), at(1, 1), at(2, 1)]).toEqual([colorAt(0), colorAt(0.5), colorAt(1), colorAt(1), undefined, colorAt(0)])
    // the colour scale: 48 slices and round tick labels, the axes integer ticks
    expect(svg.match(/<g shape-rendering="crispEdges">/g)).toHaveLength(2)
    expect([...svg.matchAll(/font-size="10">([^<]+)</g)].map((m) => m[1])).toEqual(["0", "1", "2", "0", "1", "1.0", "1.5", "2.0", "2.5", "3.0"])
    expect(svg).toContain(">entropy</text>")
  })

  it("a shared range fixes the colours across heatmaps; no values: 'no data'", () => {
    const range = rangeOf([[[1, null]], [[null, 5]]])
    expect(range).toEqual([1, 5])
    const svg = heatmap({ title: "m", xLabel: "x", yLabel: "y", scaleLabel: "s", columns: [3], values: [[3]], range: range! })
    expect(cellsOf(svg).map((c) => c.fill)).toEqual([colorAt(0.5)])
    expect(rangeOf([[[null]]])).toBeNull()
    expect(heatmap({ title: "m", xLabel: "x", yLabel: "y", scaleLabel: "s", columns: [], values: [] })).toContain("no data")
  })
})
