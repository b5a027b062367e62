/**
 * The update step of the policy bench: the torch reference configuration's forward,
 * token statistics, PPO clip + entropy bonus + EPO hinge loss (torch_reference.py `step`,
 * written inline), backward, global-norm clip at 1.0 and one AdamW step.
 */
import { Random } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import * as Config from "../src/Config.js"
import { causalMask } from "../src/ops/Attention.js"
import { tokenStats } from "../src/ops/TokenStats.js"
import * as AdamW from "../src/optim/AdamW.js"
import * as Params from "../src/Params.js"
import * as Transformer from "../src/Transformer.js"

// The torch reference's objective constants.
const eps = 0.2
const lambda = 1e-3
const alpha = 0.1
const beta = 1.5
const hRef = 5.0
const kappaL = 0.0
const kappaR = 2.0

/** Per-token PPO clip - λ (H - β α hinge), masked token mean (torch_reference.py `step`). */
export const loss = (logp: tf.Tensor, entropy: tf.Tensor, oldLogp: tf.Tensor, adv: tf.Tensor, mask: tf.Tensor): tf.Scalar => {
  const ratio = tf.exp(tf.sub(logp, oldLogp))
  const pg = tf.neg(tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - eps, 1 + eps), adv)))
  const hinge = tf.add(tf.relu(tf.sub(kappaL * hRef, entropy)), tf.relu(tf.sub(entropy, kappaR * hRef)))
  const perToken = tf.sub(pg, tf.mul(lambda, tf.sub(entropy, tf.mul(beta * alpha, hinge))))
  return tf.div(tf.sum(tf.mul(perToken, mask)), tf.sum(mask))
}

export interface UpdateBench {
  readonly batch: number
  readonly tokens: number
  /** One update step; returns the loss. */
  readonly step: () => number
  /** Mean milliseconds per step over the bench's steps. */
  readonly time: () => number
  readonly dispose: () => void
}

/** The step's inputs, drawn as torch_reference.py draws them (other seeds). */
export interface Inputs {
  readonly tokens: Transformer.Tokens
  readonly targets: Int32Array
  readonly oldLogp: tf.Tensor1D
  readonly adv: tf.Tensor1D
  readonly tokenMask: tf.Tensor1D
}

export const inputs = (c: Config.PolicyConfig, batch: number): Inputs => {
  const T = c.context
  const N = batch * T
  const s = Random.Stream.fromSeed(1)
  const ids = Int32Array.from({ length: N }, () => s.int(c.vocab))
  const targets = Int32Array.from({ length: N }, () => s.int(c.vocab))
  const positions = Int32Array.from({ length: N }, (_, i) => i % T)
  return {
    tokens: { batch, time: T, ids, positions, mask: causalMask(T) },
    targets,
    oldLogp: tf.tensor1d(Float32Array.from({ length: N }, () => -Math.log(c.vocab) + 0.01 * s.normal())),
    adv: tf.tensor1d(Float32Array.from({ length: N }, () => s.normal())),
    tokenMask: tf.tensor1d(Float32Array.from({ length: N }, () => (s.next() < 0.5 ? 1 : 0)))
  }
}

export const updateBench = (steps: number, batch = 16): UpdateBench => {
  const c = Config.reference
  const vars = Params.init(c, Random.key(0))
  const { tokens, targets, oldLogp, adv, tokenMask } = inputs(c, batch)
  const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ maxGradNorm: 1.0 })))
  let state = opt.init(vars)
  const step = () => {
    const { value, grads } = tf.variableGrads(() => {
      const { hidden } = Transformer.forward(vars, c, tokens)
      const stats = tokenStats(Transformer.logits(vars, hidden), targets, 1)
      const [logp, entropy] = tf.unstack(stats, 1)
      return loss(logp, entropy, oldLogp, adv, tokenMask)
    })
    const named = new Map([...vars].map(([name, v]) => [name, grads[v.name]]))
    state = AdamW.step(opt, vars, named, state, 1e-4).state
    const l = value.dataSync()[0]!
    tf.dispose([value, ...Object.values(grads)])
    return l
  }
  return {
    batch,
    tokens: tokens.ids.length,
    step,
    time: () => {
      step()
      const t0 = performance.now()
      for (let i = 0; i < steps; i++) step()
      return (performance.now() - t0) / steps
    },
    dispose: () => {
      AdamW.dispose(state)
      Params.dispose(vars)
      tf.dispose([oldLogp, adv, tokenMask])
    }
  }
}
