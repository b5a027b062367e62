/**
 * An inline-SVG heatmap with a colour scale legend: rows are turn indices (turn 0 at the
 * top), columns update steps, each cell one value (a mean token entropy). Several
 * heatmaps share a colour scale when given the same `range`, so they can be compared.
 */
import { escapeHtml, niceStep, tickLabel, ticksOf } from "./Plot.js"

export interface HeatmapOptions {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  /** The column positions (update steps), ascending integers. */
  readonly columns: ReadonlyArray<number>
  /** values[row][column]; null where there is no value (no episode reached that turn). */
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>
  /** The value range the colour scale spans (default: the values' own). */
  readonly range?: readonly [number, number]
  readonly scaleLabel: string
  readonly width?: number
  readonly height?: number
}

// viridis (perceptually uniform, readable in grey and by colour-blind readers), 10 stops
const viridis = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"].map((h) => [
  parseInt(h.slice(1, 3), 16),
  parseInt(h.slice(3, 5), 16),
  parseInt(h.slice(5, 7), 16)
])

/** The viridis colour at t in [0, 1] (clamped), as #rrggbb. */
export const colorAt = (t: number): string => {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (viridis.length - 1)
  const i = Math.min(viridis.length - 2, Math.floor(u))
  const f = u - i
  return `#${viridis[i].map((c, k) => Math.round(c + f * (viridis[i + 1][k] - c)).toString(16).padStart(2, "0")).join("")}`
}

/** The range of the finite values of several grids (for a shared colour scale); null if none. */
export const rangeOf = (grids: ReadonlyArray<ReadonlyArray<ReadonlyArray<number | null>>>): readonly [number, number] | null => {
  const all = grids.flat(2).filter((v): v is number => v !== null && Number.isFinite(v))
  return all.length === 0 ? null : [Math.min(...all), Math.max(...all)]
}

export const heatmap = (options: HeatmapOptions): string => {
  const width = options.width ?? 440
  const height = options.height ?? 260
  const m = { left: 56, right: 78, top: 28, bottom: 40 }
  const title = `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(options.title)}</text>`
  const range = options.range ?? rangeOf([options.values])
  const rows = options.values.length
  if (range === null || rows === 0 || options.columns.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" font-family="sans-serif">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="12" fill="#777">no data</text></svg>`
  const [lo, hi] = range[0] === range[1] ? [range[0] - 0.5, range[1] + 0.5] : range
  const pw = width - m.left - m.right
  const ph = height - m.top - m.bottom
  const first = options.columns[0]
  const span = options.columns[options.columns.length - 1] - first + 1
  const cw = pw / span
  const rh = ph / rows
  const cells = options.values
    .flatMap((row, r) =>
      options.columns.map((step, c) => {
        const v = row[c]
        return v === null || v === undefined || !Number.isFinite(v)
          ? ""
          : `<rect x="${(m.left + (step - first) * cw).toFixed(1)}" y="${(m.top + r * rh).toFixed(1)}" width="${(cw + 0.3).toFixed(1)}" height="${(rh + 0.3).toFixed(1)}" fill="${colorAt((v - lo) / (hi - lo))}"/>`
      })
    )
    .join("")
  const xStep = niceStep(span - 1 || 1, 6, true)
  const xticks = ticksOf(first, first + span - 1, xStep)
    .map((s) => {
      const x = (m.left + (s - first + 0.5) * cw).toFixed(1)
      return `<line x1="${x}" x2="${x}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#999"/><text x="${x}" y="${m.top + ph + 15}" text-anchor="middle" font-size="10">${tickLabel(s, xStep)}</text>`
    })
    .join("")
  const yStep = niceStep(rows - 1 || 1, 6, true)
  const yticks = ticksOf(0, rows - 1, yStep)
    .map((t) => {
      const y = (m.top + (t + 0.5) * rh).toFixed(1)
      return `<line x1="${m.left - 4}" x2="${m.left}" y1="${y}" y2="${y}" stroke="#999"/><text x="${m.left - 6}" y="${(Number(y) + 3.5).toFixed(1)}" text-anchor="end" font-size="10">${tickLabel(t, yStep)}</text>`
    })
    .join("")
  // the colour scale: a bar of 48 slices from lo (bottom) to hi (top), ticks at round values
  const bar = { x: m.left + pw + 14, w: 12 }
  const slices = 48
  const barSvg = `<g shape-rendering="crispEdges">${Array.from({ length: slices }, (_, i) => {
    const y = m.top + ph - ((i + 1) * ph) / slices
    return `<rect x="${bar.x}" y="${y.toFixed(1)}" width="${bar.w}" height="${(ph / slices + 0.3).toFixed(1)}" fill="${colorAt((i + 0.5) / slices)}"/>`
  }).join("")}</g>`
  const vStep = niceStep(hi - lo, 5)
  const vticks = ticksOf(lo, hi, vStep)
    .map((v) => {
      const y = (m.top + ph - ((v - lo) / (hi - lo)) * ph).toFixed(1)
      return `<line x1="${bar.x + bar.w}" x2="${bar.x + bar.w + 4}" y1="${y}" y2="${y}" stroke="#555"/><text x="${bar.x + bar.w + 6}" y="${(Number(y) + 3.5).toFixed(1)}" font-size="10">${tickLabel(v, vStep)}</text>`
    })
    .join("")
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" font-family="sans-serif">${title}` +
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="#eeeeee"/><g shape-rendering="crispEdges">${cells}</g>` +
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>${xticks}${yticks}` +
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 28}" text-anchor="middle" font-size="10" fill="#555">${escapeHtml(options.xLabel)}</text>` +
    `<text transform="translate(14,${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="10" fill="#555">${escapeHtml(options.yLabel)}</text>` +
    `${barSvg}<rect x="${bar.x}" y="${m.top}" width="${bar.w}" height="${ph}" fill="none" stroke="#999"/>${vticks}` +
    `<text transform="translate(${width - 6},${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="10" fill="#555">${escapeHtml(options.scaleLabel)}</text></svg>`
  )
}
