/**
 * Entropy histories: the reference Hbar that EPO's smoothing corridor is centred on.
 * optax-style `{ init, update }` pairs over plain state with a Schema (checkpointable).
 *
 * - `paper` (v2 Eq. 4): after step m record Hbar_m (token-mean batch entropy); the
 *   reference at step k is (1/k) sum_{m<k} Hbar_m, the current step excluded;
 *   undefined at k = 0 (the smoothing term is then 0).
 * - `released` (the authors' code): one history per turn index; each turn's list is
 *   left-padded with zeros to the longest one, so turn t's reference is
 *   (sum of recorded per-turn means) / (number of steps); the current step is included
 *   (update with the current batch first, then read the reference).
 */
import { Schema } from "effect"

export const PaperState = Schema.Struct({
  /** sum_{m<k} Hbar_m */
  total: Schema.Finite,
  /** k: the number of recorded steps */
  steps: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
})
export type PaperState = typeof PaperState.Type

// Object.freeze rather than `as const`: Stryker does not mutate code under a type
// assertion, so an `as const` object's functions would escape mutation testing.
export const paper = Object.freeze({
  init: (): PaperState => ({ total: 0, steps: 0 }),
  /** Records the step's token-mean entropy Hbar_k. */
  update: (state: PaperState, meanEntropy: number): PaperState => ({ total: state.total + meanEntropy, steps: state.steps + 1 }),
  /** Hbar^{W_k}: the mean of the recorded steps, or undefined before the first. */
  reference: (state: PaperState): number | undefined => (state.steps === 0 ? undefined : state.total / state.steps)
})

export const ReleasedState = Schema.Struct({
  /** Number of recorded steps (the length of the zero-padded histories). */
  steps: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Per turn index: the sum of its recorded per-turn batch means (absent turns add 0). */
  totals: Schema.Array(Schema.Finite)
})
export type ReleasedState = typeof ReleasedState.Type

export const released = Object.freeze({
  init: (): ReleasedState => ({ steps: 0, totals: [] }),
  /**
   * Records the step's per-turn mean entropies (index = turn; undefined where the batch
   * has no token of that turn, which records 0 like the zero padding).
   */
  update: (state: ReleasedState, meanEntropyByTurn: ReadonlyArray<number | undefined>): ReleasedState => {
    const turns = Math.max(state.totals.length, meanEntropyByTurn.length)
    return {
      steps: state.steps + 1,
      totals: Array.from({ length: turns }, (_, t) => (state.totals[t] ?? 0) + (meanEntropyByTurn[t] ?? 0))
    }
  },
  /** The per-turn references (index = turn); empty before the first step. */
  reference: (state: ReleasedState): Array<number> => state.totals.map((total) => (state.steps === 0 ? 0 : total / state.steps))
})
