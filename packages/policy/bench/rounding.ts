/** The benches' printed figures: one or three decimals, and the median of the rounds. */
export const round1 = (x: number): number => Math.round(x * 10) / 10
export const round3 = (x: number): number => Math.round(x * 1000) / 1000
/** The middle value (the upper of the two middle ones for an even count). */
export const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
