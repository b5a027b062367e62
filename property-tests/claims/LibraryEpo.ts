/**
 * The toy policy of SoftmaxEpo.ts trained by @epo/objective itself: the `epo` preset
 * (Presets.build of a decoded configuration), per-token log-probs and entropies from the
 * logits by `Tokens.logProbsAndEntropy`, the reference from `EntropyHistory.paper`, and
 * `Term.valueAndGrads` for the gradient, in the order docs/objectives.md prescribes
 * (read the reference, update, then record the step's token-mean entropy).
 *
 * The batch makes the library's sampled objective equal the oracle's exact one: one
 * trajectory, turn t is row t with m tokens, token a of row t is action a (every
 * "token" of a row has the same entropy H_t, so the multi-turn mean is (1/n) sum_t H_t),
 * advantage A_ta = m p_ta (r_ta - E_{p_t} r_t) and ratio 1, so that the token-mean PPO
 * term has the gradient of -(1/n) sum_t E_{p_t}[r_t].
 */
import { Config, EntropyHistory, Presets, Term, Tokens } from "@epo/objective"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { type EpoHyper, softmax, type Trace } from "./SoftmaxEpo.js"

export const trainWithLibrary = (initial: ReadonlyArray<ReadonlyArray<number>>, rewards: ReadonlyArray<ReadonlyArray<number>>, hyper: EpoHyper): Trace => {
  const [n, m] = [initial.length, initial[0].length]
  const config = Effect.runSync(Config.decode({ preset: "epo", lambda: hyper.lambda, alpha: hyper.alpha, kappaLow: hyper.kappaL, kappaHigh: hyper.kappaR }))
  const objective = Presets.build(config)
  const logits = tf.variable(tf.tensor2d(initial.map((z) => [...z])))
  const actions = tf.tensor2d(Array.from({ length: n }, () => [...Array(m).keys()]), undefined, "int32")
  const mask = tf.ones([n, m]) as tf.Tensor2D
  const layout = { trajectory: new Int32Array(n), turn: Int32Array.from(Array.from({ length: n }, (_, t) => t)) }
  const quantities = () => Tokens.logProbsAndEntropy(tf.tile(tf.expandDims(logits, 1), [1, m, 1]), actions)
  let history = EntropyHistory.paper.init()
  const entropies: Array<Array<number>> = []
  const references: Array<number | undefined> = []
  const entropyRows = () => tf.tidy(() => (quantities().entropy.arraySync() as number[][]).map((row) => row[0]))
  try {
    for (let k = 0; k < hyper.totalSteps; k++) {
      const reference = EntropyHistory.paper.reference(history)
      const p = (logits.arraySync() as number[][]).map(softmax)
      const advantages = tf.tensor2d(p.map((pt, t) => {
        const expected = pt.reduce((s, q, a) => s + q * rewards[t][a], 0)
        return pt.map((q, a) => m * q * (rewards[t][a] - expected))
      }))
      const [oldLogp, entropy] = tf.tidy(() => {
        const q = quantities()
        return [q.logp, q.entropy]
      })
      entropies.push((entropy.arraySync() as number[][]).map((row) => row[0]))
      references.push(reference)
      const result = Effect.runSync(
        Term.valueAndGrads(objective, { step: k, totalSteps: hyper.totalSteps, entropyReference: reference }, () => {
          const q = quantities()
          return { logp: q.logp as tf.Tensor2D, entropy: q.entropy as tf.Tensor2D, oldLogp: oldLogp as tf.Tensor2D, advantages, mask, ...layout }
        }, [logits])
      )
      tf.tidy(() => logits.assign(tf.sub(logits, tf.mul(Object.values(result.grads)[0], hyper.eta))))
      tf.dispose([...Object.values(result.grads), advantages, oldLogp])
      history = EntropyHistory.paper.update(history, Tokens.maskedMean(entropy as tf.Tensor2D, mask))
      entropy.dispose()
    }
    entropies.push(entropyRows())
    return { entropies, references }
  } finally {
    tf.dispose([logits, actions, mask])
  }
}
