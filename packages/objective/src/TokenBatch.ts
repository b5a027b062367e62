/**
 * The multi-turn token batch (CONTRACTS.md): S rows, one row = one turn of one
 * trajectory (the policy's response at that turn), padded to L response tokens. Every
 * per-token tensor is float32 `[S, L]`; per-row metadata are plain `Int32Array`s.
 * This module owns the TypeScript type; the policy and pipeline import it.
 */
import { ShapeError } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"

export interface TokenBatch {
  /** log pi_theta(token) under the current policy; differentiable. */
  readonly logp: tf.Tensor2D
  /** Token entropy of the current policy (from logits / temperature); differentiable. */
  readonly entropy: tf.Tensor2D
  /** log pi_old(token) under the rollout policy; constant. */
  readonly oldLogp: tf.Tensor2D
  /** log pi_ref(token) under the reference policy; constant; needed by KL terms. */
  readonly refLogp?: tf.Tensor2D | undefined
  /** Per-token advantage (usually the row's advantage broadcast over its tokens). */
  readonly advantages: tf.Tensor2D
  /** 1 for real response tokens, 0 for padding. */
  readonly mask: tf.Tensor2D
  /** Critic values V_theta; differentiable; needed by the value loss. */
  readonly values?: tf.Tensor2D | undefined
  /** Critic values at rollout time; constant. */
  readonly oldValues?: tf.Tensor2D | undefined
  /** Critic targets; constant. */
  readonly returns?: tf.Tensor2D | undefined
  /** Trajectory id of each row (0..B-1 within the batch). */
  readonly trajectory: Int32Array
  /** Turn index of each row within its trajectory. */
  readonly turn: Int32Array
  /**
   * Set when this batch is one micro-batch of a larger optimiser batch (gradient
   * accumulation): that batch's counts. Aggregations divide by them instead of this
   * batch's own, so the micro-batches' values, metrics and gradients add up to the whole
   * batch's. Micro-batches must keep every trajectory whole (the multi-turn mean's T_j).
   */
  readonly totals?: BatchTotals | undefined
}

/** The counts of an optimiser batch that aggregations divide by (see `TokenBatch.totals`). */
export interface BatchTotals {
  /** Real tokens (mask = 1). */
  readonly tokens: number
  /** Rows, empty ones included (verl's seq-mean modes count every row). */
  readonly rows: number
  /** Trajectories with at least one real token. */
  readonly trajectories: number
}

/** The totals of the rows whose real-token counts are `lengths`, of trajectories `trajectory`. */
export const totalsOf = (lengths: ArrayLike<number>, trajectory: ArrayLike<number>): BatchTotals => {
  let tokens = 0
  const nonEmpty = new Set<number>()
  for (let s = 0; s < lengths.length; s++) {
    tokens += lengths[s]
    if (lengths[s] > 0) nonEmpty.add(trajectory[s])
  }
  return { tokens, rows: lengths.length, trajectories: nonEmpty.size }
}

/** The per-token tensor fields of a batch. */
export type TensorField = "logp" | "entropy" | "oldLogp" | "refLogp" | "advantages" | "mask" | "values" | "oldValues" | "returns"

/** The optional tensor fields: a term that needs one declares it (`Term.requires`). */
export type OptionalField = "refLogp" | "values" | "oldValues" | "returns"

export const tensorFields: ReadonlyArray<TensorField> = [
  "logp",
  "entropy",
  "oldLogp",
  "refLogp",
  "advantages",
  "mask",
  "values",
  "oldValues",
  "returns"
]

/** What aggregations read: the mask, the row metadata and the optimiser batch's totals. */
export type Layout = Pick<TokenBatch, "mask" | "trajectory" | "turn" | "totals">

/**
 * The first problem with a batch's shapes, or undefined: every present tensor is a
 * float32 `[S, L]` like `mask`, the metadata have length S and are non-negative, and every
 * field in `required` is present. The error names the field (`TokenBatch.<field>`).
 */
export const check = (batch: TokenBatch, required: ReadonlyArray<OptionalField> = []): ShapeError | undefined => {
  const shape = batch.mask.shape
  if (shape.length !== 2) return new ShapeError({ what: "TokenBatch.mask", expected: "[S, L]", actual: shape })
  const [rows, length] = shape
  const expected = `[${rows}, ${length}] (float32, as mask)`
  for (const field of tensorFields) {
    const t = batch[field]
    if (t === undefined) {
      if (required.includes(field as OptionalField)) return new ShapeError({ what: `TokenBatch.${field}`, expected: `[${rows}, ${length}] (required by the objective)`, actual: [] })
      continue
    }
    if (t.shape.length !== 2 || t.shape[0] !== rows || t.shape[1] !== length || t.dtype !== "float32") {
      return new ShapeError({ what: `TokenBatch.${field}`, expected, actual: t.shape })
    }
  }
  for (const field of ["trajectory", "turn"] as const) {
    const ids = batch[field]
    if (ids.length !== rows) return new ShapeError({ what: `TokenBatch.${field}`, expected: `[${rows}] (one per row)`, actual: [ids.length] })
    const bad = ids.findIndex((v) => v < 0)
    if (bad >= 0) return new ShapeError({ what: `TokenBatch.${field}[${bad}]`, expected: "a non-negative id", actual: [ids[bad]] })
  }
  if (batch.totals !== undefined) {
    for (const [field, least] of [["tokens", 0], ["rows", rows], ["trajectories", 0]] as const) {
      const v = batch.totals[field]
      if (!Number.isInteger(v) || v < least) return new ShapeError({ what: `TokenBatch.totals.${field}`, expected: `an integer >= ${least}`, actual: [v] })
    }
  }
  return undefined
}

/** `check` as an Effect: the batch itself, or the ShapeError naming the bad field. */
export const validate = (batch: TokenBatch, required: ReadonlyArray<OptionalField> = []): Effect.Effect<TokenBatch, ShapeError> => {
  const error = check(batch, required)
  return error === undefined ? Effect.succeed(batch) : Effect.fail(error)
}

/** The number of rows S and padded length L. */
export const dimensions = (batch: Pick<TokenBatch, "mask">): { readonly rows: number; readonly length: number } => ({
  rows: batch.mask.shape[0],
  length: batch.mask.shape[1]
})

/** Plain nested-array form of a batch (tests, examples, small synthetic batches). */
export interface BatchArrays {
  readonly logp: ReadonlyArray<ReadonlyArray<number>>
  readonly entropy: ReadonlyArray<ReadonlyArray<number>>
  readonly oldLogp?: ReadonlyArray<ReadonlyArray<number>>
  readonly refLogp?: ReadonlyArray<ReadonlyArray<number>>
  readonly advantages: ReadonlyArray<ReadonlyArray<number>>
  readonly mask: ReadonlyArray<ReadonlyArray<number>>
  readonly values?: ReadonlyArray<ReadonlyArray<number>>
  readonly oldValues?: ReadonlyArray<ReadonlyArray<number>>
  readonly returns?: ReadonlyArray<ReadonlyArray<number>>
  readonly trajectory: ReadonlyArray<number>
  readonly turn: ReadonlyArray<number>
}

/**
 * A batch of new tensors from nested arrays (the caller owns and disposes them, e.g.
 * inside tf.tidy). `oldLogp` defaults to `logp` (on-policy: ratio 1).
 */
export const fromArrays = (arrays: BatchArrays): TokenBatch => {
  const t = (x: ReadonlyArray<ReadonlyArray<number>> | undefined) => (x === undefined ? undefined : tf.tensor2d(x.map((r) => [...r]), undefined, "float32"))
  return {
    logp: t(arrays.logp)!,
    entropy: t(arrays.entropy)!,
    oldLogp: t(arrays.oldLogp ?? arrays.logp)!,
    refLogp: t(arrays.refLogp),
    advantages: t(arrays.advantages)!,
    mask: t(arrays.mask)!,
    values: t(arrays.values),
    oldValues: t(arrays.oldValues),
    returns: t(arrays.returns),
    trajectory: Int32Array.from(arrays.trajectory),
    turn: Int32Array.from(arrays.turn)
  }
}

/** Disposes every tensor of a batch. */
export const dispose = (batch: TokenBatch): void => {
  for (const field of tensorFields) batch[field]?.dispose()
}
