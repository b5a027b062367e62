/**
 * Aggregations: how a per-token `[S, L]` quantity becomes the scalar a loss minimises.
 * verl's four modes (`agg_loss` in verl/trainer/ppo/core_algos.py) and the multi-turn
 * mean of EPO Eq. 2. Every one reads only real tokens (mask = 1), so extra padding
 * columns never change the result (except `seq-mean-token-sum-norm`, whose divisor is
 * the padded length in verl; fix it with `seqMeanTokenSumNormWith(horizon)`).
 *
 * When the batch carries `totals` (a micro-batch of a larger optimiser batch), the means
 * divide by the larger batch's counts: the micro-batches' results then add up to the
 * whole batch's result, and so do their gradients (gradient accumulation without the
 * bias of averaging per-micro-batch means).
 */
import * as tf from "@tensorflow/tfjs"
import type { Layout } from "./TokenBatch.js"
import { trajectoryCount } from "./Tokens.js"

/** Reduces a `[S, L]` per-token quantity to a scalar, given the mask and row layout. */
export type Aggregation = (values: tf.Tensor2D, layout: Layout) => tf.Scalar

/** sum(x * m) / sum(m): every real token of the batch weighs the same (verl "token-mean"). */
export const tokenMean: Aggregation = (values, { mask, totals }) =>
  tf.tidy(() => tf.div(tf.sum(tf.mul(values, mask)), totals === undefined ? tf.maximum(tf.sum(mask), 1) : Math.max(totals.tokens, 1)) as tf.Scalar)

/** The number of rows a seq-mean divides by: the batch's, or the optimiser batch's. */
const rowCount = ({ mask, totals }: Layout): number => Math.max(totals?.rows ?? mask.shape[0], 1)

/** (1/S) sum_s sum_i x_si m_si: token sum per row, mean over rows (verl "seq-mean-token-sum"). */
export const seqMeanTokenSum: Aggregation = (values, layout) =>
  tf.tidy(() => tf.div(tf.sum(tf.mul(values, layout.mask)), rowCount(layout)) as tf.Scalar)

/**
 * (1/S) sum_s (sum_i x_si m_si / sum_i m_si): token mean per row, mean over rows (verl
 * "seq-mean-token-mean"). Every row counts in the mean, as in verl; a row without real
 * tokens contributes 0 instead of verl's 0/0.
 */
export const seqMeanTokenMean: Aggregation = (values, layout) =>
  tf.tidy(() => tf.div(tf.sum(tf.div(tf.sum(tf.mul(values, layout.mask), 1), tf.maximum(tf.sum(layout.mask, 1), 1))), rowCount(layout)) as tf.Scalar)

/**
 * sum_s sum_i x_si m_si / horizon (verl "seq-mean-token-sum-norm", Dr. GRPO). verl
 * divides by the padded length L; a constant horizon makes the result padding-invariant
 * (and micro-batches, padded to their own lengths, add up only with a horizon).
 */
export const seqMeanTokenSumNormWith =
  (horizon?: number): Aggregation =>
  (values, { mask }) => {
    const divisor = horizon ?? mask.shape[1]
    return tf.tidy(() => tf.div(tf.sum(tf.mul(values, mask)), divisor) as tf.Scalar)
  }

export const seqMeanTokenSumNorm: Aggregation = seqMeanTokenSumNormWith()

/**
 * The per-row weights of the multi-turn mean as a constant `[S]` vector:
 * w_s = 1 / (B * T_{j(s)}) for rows with at least one real token, 0 otherwise, where
 * T_j counts the non-empty rows of trajectory j and B the trajectories having one (the
 * optimiser batch's count when the layout carries totals).
 * Built in-graph from the mask (no readback) and a constant membership matrix; indicators
 * use tf.step (zero gradient) because tfjs comparison ops have no gradient and would make
 * any loss whose inputs reach them undifferentiable.
 */
const multiTurnRowWeights = ({ mask, trajectory, totals }: Layout): tf.Tensor1D =>
  tf.tidy(() => {
    const rows = trajectory.length
    const slots = Math.max(trajectoryCount(trajectory), 1)
    const membership = new Float32Array(rows * slots)
    trajectory.forEach((j, s) => (membership[s * slots + j] = 1))
    const member = tf.tensor2d(membership, [rows, slots])
    const nonEmpty = tf.step(tf.sum(mask, 1))
    const turns = tf.matMul(nonEmpty.reshape([1, rows]), member).reshape([slots]) // T_j
    const trajectories = totals === undefined ? tf.maximum(tf.sum(tf.step(turns)), 1) : tf.scalar(Math.max(totals.trajectories, 1)) // B
    const turnsOfRow = tf.matMul(member, turns.reshape([slots, 1])).reshape([rows]) // T_{j(s)}
    return tf.div(nonEmpty, tf.mul(tf.maximum(turnsOfRow, 1), trajectories)) as tf.Tensor1D
  })

/**
 * The multi-turn mean, EPO Eq. 2: (1/B) sum_j (1/T_j) sum_t (1/|tau_jt|) sum_i x_jti.
 * Token mean inside a row (turn), mean over the rows of a trajectory, mean over
 * trajectories. Rows without real tokens are not turns of the mean.
 */
export const multiTurnMean: Aggregation = (values, layout) =>
  tf.tidy(() => {
    const rowMeans = tf.div(tf.sum(tf.mul(values, layout.mask), 1), tf.maximum(tf.sum(layout.mask, 1), 1))
    return tf.sum(tf.mul(rowMeans, multiTurnRowWeights(layout))) as tf.Scalar
  })

export const aggregationNames = [
  "token-mean",
  "seq-mean-token-sum",
  "seq-mean-token-mean",
  "seq-mean-token-sum-norm",
  "multi-turn-mean"
] as const

export type AggregationName = (typeof aggregationNames)[number]

/** The registry, keyed by verl's mode names (plus "multi-turn-mean"). */
export const aggregations: Readonly<Record<AggregationName, Aggregation>> = {
  "token-mean": tokenMean,
  "seq-mean-token-sum": seqMeanTokenSum,
  "seq-mean-token-mean": seqMeanTokenMean,
  "seq-mean-token-sum-norm": seqMeanTokenSumNorm,
  "multi-turn-mean": multiTurnMean
}

/** An aggregation given by registry name or as a function. */
export type AggregationLike = AggregationName | Aggregation

export const resolve = (aggregation: AggregationLike): Aggregation =>
  typeof aggregation === "string" ? aggregations[aggregation] : aggregation
