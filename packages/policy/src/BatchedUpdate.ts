/**
 * One policy-update step that reads nothing on the host, so it runs on the webgpu
 * backend (where Node has no synchronous read): the batched formulation (./Batched.ts),
 * its per-token statistics (@epo/objective `Tokens.logProbsAndEntropy`, in tfjs ops with
 * a closed-form backward, tested on webgpu), a loss of them, backward, and AdamW's
 * on-device update with the global-norm clip (./optim/AdamW.ts `stepOnDevice`).
 *
 *   (logp, H) = Tokens.logProbsAndEntropy(Batched.logits(Batched.forward(θ)), targets)
 *   g = ∇θ loss(logp, H);  θ, (m, v) ← AdamW(clip(g), θ, m, v)
 *
 * The loss and the gradient norm come back as scalar tensors, to be read once the step is
 * queued (`await t.data()`), so a GPU never waits on the host inside the step.
 */
import * as Objective from "@epo/objective"
import * as tf from "@tensorflow/tfjs"
import * as Batched from "./Batched.js"
import { type PolicyConfig } from "./Config.js"
import * as AdamW from "./optim/AdamW.js"
import { type Variables } from "./Params.js"
import { type Tokens } from "./Transformer.js"

/** A scalar loss of the per-token log-probabilities and entropies, each [N]. */
export type TokenLoss = (logp: tf.Tensor1D, entropy: tf.Tensor1D) => tf.Scalar

export interface StepResult {
  readonly state: AdamW.AdamWState
  /** The loss before the step (the caller disposes it). */
  readonly loss: tf.Scalar
  /** The global gradient norm before clipping (the caller disposes it). */
  readonly gradNorm: tf.Scalar
}

/**
 * Updates `vars` in place by one AdamW step on `loss`; frees `state` and returns the next
 * one. `targets`: the token whose log-probability is taken at each of the B·T positions.
 */
export const step = (
  opt: AdamW.AdamW,
  vars: Variables,
  c: PolicyConfig,
  tokens: Tokens,
  targets: tf.Tensor1D,
  loss: TokenLoss,
  state: AdamW.AdamWState,
  learningRate: number
): StepResult => {
  const { value, grads } = tf.variableGrads(() => {
    const { logp, entropy } = Objective.Tokens.logProbsAndEntropy(Batched.logits(vars, Batched.forward(vars, c, tokens)), targets)
    return loss(logp as tf.Tensor1D, entropy as tf.Tensor1D)
  }, [...vars.values()])
  const named = new Map([...vars].map(([name, v]) => [name, grads[v.name]!]))
  const next = AdamW.stepOnDevice(opt, vars, named, state, learningRate)
  tf.dispose(Object.values(grads))
  return { state: next.state, loss: value, gradNorm: next.gradNorm }
}
