/**
 * Minimal inline-SVG line plots for reports: no scripts, no external assets, so a report
 * is one self-contained HTML file. Axes carry ticks at round numbers (1, 2 or 5 times a
 * power of ten; integers on integer axes such as update steps), and a series can carry a
 * shaded band (a confidence interval, a corridor).
 */

export interface Series {
  readonly label: string
  readonly points: ReadonlyArray<readonly [number, number]>
  readonly color: string
  readonly dashed?: boolean
  /** A shaded band [x, low, high] under the line, e.g. a 95% confidence interval. */
  readonly band?: ReadonlyArray<readonly [number, number, number]>
}

export interface PlotOptions {
  readonly title: string
  readonly xLabel: string
  readonly series: ReadonlyArray<Series>
  readonly width?: number
  readonly height?: number
  /** Whether x only takes integer values (update steps, turn indices): integer ticks. Default true. */
  readonly integerX?: boolean
  /** Values the y axis must include (e.g. 0 for a success rate). */
  readonly yInclude?: ReadonlyArray<number>
}

export const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** A short, readable number for tables. */
export const formatNumber = (x: number | null | undefined): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–"
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2)
  return Number(x.toPrecision(4)).toString()
}

/**
 * The round tick spacing for a span: the smallest of 1, 2, 5 (times 10^k) that gives at
 * most `target` intervals; at least 1 on an integer axis.
 */
export const niceStep = (span: number, target: number, integer = false): number => {
  const raw = span / Math.max(1, target)
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  // toPrecision drops float noise: 2 * 10 ** -5 is 0.000019999999999999998
  const step = [1, 2, 5, 10].map((f) => Number((f * magnitude).toPrecision(2))).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * magnitude
  return integer ? Math.max(1, Math.round(step)) : step
}

/** Decimals that show every multiple of `step` exactly (0.05 -> 2, 2 -> 0). */
const decimalsOf = (step: number): number => Math.max(0, -Math.floor(Math.log10(step) + 1e-9))

/** `x` rounded to the decimals of `step`, without float noise (0.30000000000000004 -> 0.3). */
const onGrid = (x: number, step: number): number => Number(x.toFixed(Math.min(20, decimalsOf(step))))

/** The multiples of `step` in [lo, hi]. */
export const ticksOf = (lo: number, hi: number, step: number): Array<number> => {
  const first = Math.ceil(lo / step - 1e-9)
  const last = Math.floor(hi / step + 1e-9)
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => onGrid((first + i) * step, step))
}

/** [lo, hi] widened to multiples of a round step, with that step (never narrower than the data). */
export const niceDomain = (lo: number, hi: number, target: number, integer = false) => {
  const step = niceStep(hi - lo, target, integer)
  return { lo: Math.min(lo, onGrid(Math.floor(lo / step) * step, step)), hi: Math.max(hi, onGrid(Math.ceil(hi / step) * step, step)), step }
}

/**
 * A tick label: as many decimals as the step needs; exponent notation for magnitudes
 * beyond 1e6 or below 1e-3, where zero is plain "0" (beside 1e-5 and 2e-5, not "0.00000").
 */
export const tickLabel = (x: number, step: number): string => {
  const a = Math.max(Math.abs(x), step)
  if (a >= 1e6 || a < 1e-3) {
    if (x === 0) return "0"
    // the significant digits that tell multiples of the step apart: 1.002e-4 beside 1e-4
    const digits = Math.floor(Math.log10(Math.abs(x))) - Math.floor(Math.log10(step) + 1e-9) + 1
    return Number(x.toPrecision(Math.min(21, Math.max(1, digits)))).toExponential()
  }
  return onGrid(x, step).toFixed(decimalsOf(step))
}

/** A pair of numbers as an SVG coordinate. */
const xy = (x: number, y: number) => `${x.toFixed(1)},${y.toFixed(1)}`

const finitePoints = (s: Series) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
const finiteBand = (s: Series) => (s.band ?? []).filter(([x, lo, hi]) => Number.isFinite(x) && Number.isFinite(lo) && Number.isFinite(hi))

/** Legend entries: one per distinct (label, colour, dash, band-only); none for an empty label. */
export const legendEntries = (series: ReadonlyArray<Series>): Array<Series> => {
  const seen = new Set<string>()
  return series.filter((s) => {
    if (s.label === "") return false
    const id = `${s.label}|${s.color}|${s.dashed === true}|${s.points.length === 0 && s.band !== undefined}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

/** An SVG line plot; series without finite points are listed in the legend but not drawn. */
export const linePlot = (options: PlotOptions): string => {
  const width = options.width ?? 440
  const legend = legendEntries(options.series)
  const columns = legend.length > 6 ? 3 : 2
  const legendRows = Math.ceil(legend.length / columns)
  const m = { left: 56, right: 14, top: 28, bottom: 40 + 14 * legendRows }
  const height = (options.height ?? 220) + 14 * legendRows
  const points = options.series.flatMap(finitePoints)
  const bands = options.series.flatMap(finiteBand)
  const title = `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(options.title)}</text>`
  if (points.length === 0 && bands.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" font-family="sans-serif">${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="12" fill="#777">no data</text></svg>`
  const xs = [...points.map((p) => p[0]), ...bands.map((b) => b[0])]
  const ys = [...points.map((p) => p[1]), ...bands.flatMap((b) => [b[1], b[2]]), ...(options.yInclude ?? [])]
  const integerX = options.integerX ?? true
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)]
  let [ylo, yhi] = [Math.min(...ys), Math.max(...ys)]
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1]
  // a constant keeps its sign on the axis (a success rate of 0 gets [0, 1], not [-0.5, 0.5])
  if (ylo === yhi) [ylo, yhi] = ylo === 0 ? [0, 1] : [ylo - Math.abs(ylo) / 2, yhi + Math.abs(yhi) / 2]
  const y = niceDomain(ylo, yhi, 5)
  const xStep = niceStep(x1 - x0, 6, integerX)
  const pw = width - m.left - m.right
  const ph = height - m.top - m.bottom
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw
  const sy = (v: number) => m.top + ph - ((v - y.lo) / (y.hi - y.lo)) * ph
  const grid = ticksOf(y.lo, y.hi, y.step)
    .map((v) => `<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#eee"/><text x="${m.left - 4}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" font-size="10">${tickLabel(v, y.step)}</text>`)
    .join("")
  const xticks = ticksOf(x0, x1, xStep)
    .map((x) => `<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#999"/><text x="${sx(x).toFixed(1)}" y="${m.top + ph + 15}" text-anchor="middle" font-size="10">${tickLabel(x, xStep)}</text>`)
    .join("")
  const shaded = options.series
    .map((s) => {
      const band = finiteBand(s)
      if (band.length === 0) return ""
      const upper = band.map(([x, , hi]) => xy(sx(x), sy(hi)))
      const lower = band.map(([x, lo]) => xy(sx(x), sy(lo))).reverse()
      return band.length === 1
        ? `<line x1="${sx(band[0][0]).toFixed(1)}" x2="${sx(band[0][0]).toFixed(1)}" y1="${sy(band[0][1]).toFixed(1)}" y2="${sy(band[0][2]).toFixed(1)}" stroke="${s.color}" stroke-opacity="0.35" stroke-width="6"/>`
        : `<path d="M${[...upper, ...lower].join("L")}Z" fill="${s.color}" fill-opacity="0.16" stroke="none"/>`
    })
    .join("")
  const lines = options.series
    .map((s) => {
      const pts = finitePoints(s)
      if (pts.length === 0) return ""
      const d = pts.map(([x, v], i) => `${i === 0 ? "M" : "L"}${xy(sx(x), sy(v))}`).join("")
      const dots = pts.length <= 40 && s.dashed !== true ? pts.map(([x, v]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="2" fill="${s.color}"/>`).join("") : ""
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed === true ? ' stroke-dasharray="5,3"' : ""}/>${dots}`
    })
    .join("")
  const cell = Math.floor(pw / columns)
  const maxChars = Math.floor((cell - 24) / 5.6)
  const legendSvg = legend
    .map((s, i) => {
      const x = m.left + (i % columns) * cell
      const ly = m.top + ph + 44 + Math.floor(i / columns) * 14
      const swatch =
        s.points.length === 0 && s.band !== undefined
          ? `<rect x="${x}" y="${ly - 8}" width="14" height="8" fill="${s.color}" fill-opacity="0.25"/>`
          : `<line x1="${x}" x2="${x + 14}" y1="${ly - 3}" y2="${ly - 3}" stroke="${s.color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="4,2"' : ""}/>`
      const label = s.label.length > maxChars ? s.label.slice(0, maxChars - 1) + "…" : s.label
      return `${swatch}<text x="${x + 18}" y="${ly}" font-size="10">${escapeHtml(label)}<title>${escapeHtml(s.label)}</title></text>`
    })
    .join("")
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" font-family="sans-serif">${title}` +
    `${grid}${xticks}<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>` +
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 28}" text-anchor="middle" font-size="10" fill="#555">${escapeHtml(options.xLabel)}</text>` +
    `${shaded}${lines}${legendSvg}</svg>`
  )
}
