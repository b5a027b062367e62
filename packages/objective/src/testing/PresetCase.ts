/**
 * One small batch through every preset, end to end from logits (the fused log-prob /
 * entropy op, the objective, its gradient): the case the cross-backend tests compare.
 */
import * as tf from "@tensorflow/tfjs"
import * as Config from "../Config.js"
import * as Presets from "../Presets.js"
import * as Term from "../Term.js"
import { logProbsAndEntropy } from "../Tokens.js"

const [S, L, V] = [2, 3, 5]
const logits = Array.from({ length: S * L * V }, (_, i) => Math.sin(1.7 * i) * 2)
const tokens = [0, 4, 2, 1, 1, 3]
const context = { step: 2, totalSteps: 10, entropyReference: 1.2, turnEntropyReference: [1.2, 1.2] }

/** The loss then its gradient w.r.t. the [S·L, V] logits, flattened: one tensor the caller reads and disposes. */
export const lossAndGradient = (objective: Term.Term): tf.Tensor1D =>
  tf.tidy(() => {
    const f = (z: tf.Tensor) => {
      const q = logProbsAndEntropy(z, tf.tensor1d(tokens, "int32"), 0.8)
      const logp = q.logp.reshape([S, L]) as tf.Tensor2D
      const batch = {
        logp,
        entropy: q.entropy.reshape([S, L]) as tf.Tensor2D,
        oldLogp: tf.add(tf.tensor2d([[0.1, -0.1, 0.2], [-0.2, 0.05, 0]]), tf.tensor2d([[-1.5, -2, -1], [-1.2, -1.8, -2.2]])) as tf.Tensor2D,
        refLogp: tf.tensor2d([[-1.4, -2.1, -1], [-1.3, -1.7, -2]]),
        advantages: tf.tensor2d([[1, 1, 1], [-1, -1, -1]]),
        mask: tf.tensor2d([[1, 1, 0], [1, 1, 1]]),
        trajectory: Int32Array.from([0, 1]),
        turn: Int32Array.from([0, 1])
      }
      return Term.evaluate(objective, batch, context).value
    }
    const z = tf.tensor2d(logits, [S * L, V])
    return tf.concat([tf.reshape(f(z), [1]), tf.reshape(tf.grad(f)(z), [-1])]) as tf.Tensor1D
  })

/** Every preset by name, with a corridor and turn count the batch above exercises. */
export const objectives = () =>
  Config.presetNames.map(
    (preset) => [preset, Presets.build({ ...Config.defaults(preset), kappaLow: 0.5, kappaHigh: 1.5, maxTurns: 2 } as Config.ObjectiveConfig)] as const
  )

/** `lossAndGradient` read back (asynchronously: WebGPU in Node has no synchronous read). */
export const lossAndGradientValues = async (objective: Term.Term): Promise<Array<number>> => {
  const t = lossAndGradient(objective)
  try {
    return Array.from(await t.data())
  } finally {
    t.dispose()
  }
}
