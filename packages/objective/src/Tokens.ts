/**
 * Per-token quantities from logits `[..., V]` and helpers for the row layout.
 *
 * Both quantities are differentiable on every backend, wasm included: the taken token's
 * log-prob is selected by a one-hot select-and-sum (the wasm backend cannot
 * differentiate `tf.gather`), and the entropy is built from `logSoftmax`, whose
 * gradient tfjs defines in closed form.
 */
import * as tf from "@tensorflow/tfjs"

// Floor for log-probs inside the entropy: a token with logit -Infinity has p = 0 and
// log p = -Infinity, and 0 * -Infinity is NaN; clamping log p keeps p * log p = 0 there.
const LOG_FLOOR = -1e4

const scaled = (logits: tf.Tensor, temperature: number): tf.Tensor => (temperature === 1 ? logits : tf.div(logits, temperature))

// The taken token's entry of a `[..., V]` log-softmax. A select, not a one-hot product:
// an entry of -Infinity (a masked word) times 0 would be NaN.
const select = (logSoftmax: tf.Tensor, ids: tf.Tensor): tf.Tensor => {
  const taken = tf.cast(tf.oneHot(ids, logSoftmax.shape[logSoftmax.shape.length - 1]), "bool")
  return tf.sum(tf.where(taken, logSoftmax, tf.zerosLike(logSoftmax)), -1)
}

/**
 * log p(token) with p = softmax(logits / temperature), for each position.
 * `logits` `[..., V]`, `tokens` `[...]` int32 ids -> `[...]` float32.
 * Computed as sum_v where(onehot(token)_v, logSoftmax(z)_v, 0) (differentiable on wasm).
 */
export const logProbs = (logits: tf.Tensor, tokens: tf.Tensor, temperature = 1): tf.Tensor =>
  tf.tidy(() => select(tf.logSoftmax(scaled(logits, temperature)), tf.cast(tokens, "int32")))

/**
 * Token entropy H = logsumexp(z) - sum_v softmax(z)_v z_v with z = logits / temperature
 * (spec §Setting), in the equivalent, numerically stable form H = -sum_v p_v log p_v with
 * log p = logSoftmax(z) (the max is subtracted inside logSoftmax). `[..., V]` -> `[...]`.
 * Logits of -Infinity (masked vocabulary entries) contribute exactly 0.
 */
export const entropy = (logits: tf.Tensor, temperature = 1): tf.Tensor =>
  tf.tidy(() => {
    const logp = tf.logSoftmax(scaled(logits, temperature))
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), tf.maximum(logp, LOG_FLOOR)), -1))
  })

// The fused op returns logp and H stacked on a last axis of 2 (tfjs custom gradients
// have a single output). Its backward pass is the closed form, with z' = z / T,
// p = softmax(z'), and upstream gradients g_logp, g_H:
//   dlogp/dz' = onehot - p,   dH/dz' = -p (log p + H),
//   dz = (g_logp onehot - p (g_logp + g_H (log p + H))) / T,
// about a third of the passes over [.., V] that autodiff through logSoftmax takes.
const fused = (tokens: tf.Tensor, temperature: number) =>
  tf.customGrad((logits, save) => {
    const z = logits as tf.Tensor
    const logSoftmax = tf.logSoftmax(scaled(z, temperature))
    const ids = tf.cast(tokens, "int32")
    const logp = select(logSoftmax, ids)
    const h = tf.neg(tf.sum(tf.mul(tf.exp(logSoftmax), tf.maximum(logSoftmax, LOG_FLOOR)), -1))
    // The ids are saved too: the caller's token tensor may be gone by the backward pass.
    ;(save as tf.GradSaveFunc)([logSoftmax, h, ids])
    return {
      value: tf.stack([logp, h], -1),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [savedLogSoftmax, savedH, savedIds] = saved
        const [gLogp, gH] = tf.unstack(dy, -1).map((g) => tf.expandDims(g, -1))
        const centred = tf.add(tf.maximum(savedLogSoftmax, LOG_FLOOR), tf.expandDims(savedH, -1))
        const inner = tf.add(gLogp, tf.mul(gH, centred))
        const onehot = tf.oneHot(savedIds, savedLogSoftmax.shape[savedLogSoftmax.shape.length - 1])
        const dz = tf.sub(tf.mul(onehot, gLogp), tf.mul(tf.exp(savedLogSoftmax), inner))
        return temperature === 1 ? dz : tf.div(dz, temperature)
      }
    }
  })

/**
 * Both per-token quantities from one log-softmax, `{ logp, entropy }`, with a fused
 * closed-form backward pass (cheaper in time and in saved memory than autodiff through
 * `logProbs` and `entropy`, which serve as its reference in the tests).
 */
export const logProbsAndEntropy = (
  logits: tf.Tensor,
  tokens: tf.Tensor,
  temperature = 1
): { readonly logp: tf.Tensor; readonly entropy: tf.Tensor } => {
  const [logp, h] = tf.tidy(() => tf.unstack(fused(tokens, temperature)(logits), -1))
  return { logp, entropy: h }
}

/** The response mask `[S, L]`: row s has `lengths[s]` real tokens, then padding. */
export const responseMask = (lengths: ArrayLike<number>, length: number): tf.Tensor2D => {
  const data = new Float32Array(lengths.length * length)
  for (let s = 0; s < lengths.length; s++) data.fill(1, s * length, s * length + Math.min(lengths[s], length))
  return tf.tensor2d(data, [lengths.length, length])
}

/**
 * Row metadata for trajectories laid out consecutively, turn by turn:
 * `turnsPerTrajectory = [2, 3]` gives trajectory `[0, 0, 1, 1, 1]`, turn `[0, 1, 0, 1, 2]`.
 */
export const rowLayout = (turnsPerTrajectory: ReadonlyArray<number>): { readonly trajectory: Int32Array; readonly turn: Int32Array } => {
  const rows = turnsPerTrajectory.reduce((a, b) => a + b, 0)
  const trajectory = new Int32Array(rows)
  const turn = new Int32Array(rows)
  let s = 0
  turnsPerTrajectory.forEach((turns, j) => {
    for (let t = 0; t < turns; t++, s++) {
      trajectory[s] = j
      turn[s] = t
    }
  })
  return { trajectory, turn }
}

/** The number of trajectory slots B = max id + 1 (0 for an empty batch). */
export const trajectoryCount = (trajectory: Int32Array): number => trajectory.reduce((m, j) => Math.max(m, j + 1), 0)

/** Broadcasts one value per row over the row's L tokens: `[S]` -> `[S, L]`. */
export const broadcastRows = (perRow: ArrayLike<number>, length: number): tf.Tensor2D => {
  const data = new Float32Array(perRow.length * length)
  for (let s = 0; s < perRow.length; s++) data.fill(perRow[s], s * length, (s + 1) * length)
  return tf.tensor2d(data, [perRow.length, length])
}

/**
 * Masked token mean of a `[S, L]` tensor, read back as a number (a synchronous
 * readback). The entropy history records this value of `entropy` after each step (Hbar_m).
 */
export const maskedMean = (values: tf.Tensor2D, mask: tf.Tensor2D): number =>
  tf.tidy(() => tf.div(tf.sum(tf.mul(values, mask)), tf.maximum(tf.sum(mask), 1)).dataSync()[0])

/**
 * Masked token mean per turn index, read back: entry t is the mean over all real tokens
 * of rows with turn t, or undefined when no row of turn t has a token. The released
 * code's per-turn entropy history records this.
 */
export const maskedMeanByTurn = (values: tf.Tensor2D, mask: tf.Tensor2D, turn: Int32Array): Array<number | undefined> => {
  const [rowSums, rowCounts] = tf.tidy(() => [tf.sum(tf.mul(values, mask), 1), tf.sum(mask, 1)])
  const sums = rowSums.dataSync()
  const counts = rowCounts.dataSync()
  tf.dispose([rowSums, rowCounts])
  const turns = turn.reduce((m, t) => Math.max(m, t + 1), 0)
  const total = new Float64Array(turns)
  const count = new Float64Array(turns)
  turn.forEach((t, s) => {
    total[t] += sums[s]
    count[t] += counts[s]
  })
  return Array.from(total, (x, t) => (count[t] > 0 ? x / count[t] : undefined))
}
