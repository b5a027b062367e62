/**
 * The optimiser as a service: AdamW of @epo/policy with global-norm clipping and the
 * spec's learning-rate schedule (linear warm-up, then cosine to minRatio * peak, or
 * constant). The schedule is a pure function of the update step; the optimiser state is
 * tensors the checkpoint stores.
 */
import { StepSchedule } from "@epo/objective"
import { AdamW } from "@epo/policy"
import type * as tf from "@tensorflow/tfjs"
import { Context, Layer } from "effect"
import type { PipelineSpec } from "../spec/Spec.js"

export interface OptimiserShape {
  readonly name: string
  readonly learningRate: StepSchedule.StepSchedule
  readonly init: (params: ReadonlyMap<string, tf.Tensor>) => AdamW.AdamWState
  /**
   * Applies one update to `params` in place, frees `state` and returns the new state and
   * the gradient norm before clipping: a number, or on a backend without synchronous reads
   * (webgpu) a scalar tensor that the caller reads and disposes.
   */
  readonly step: (
    params: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    state: AdamW.AdamWState,
    learningRate: number
  ) => { readonly state: AdamW.AdamWState; readonly gradNorm: number | tf.Scalar }
}

export class Optimiser extends Context.Service<Optimiser, OptimiserShape>()("@epo/pipeline/Optimiser") {}

/** The learning rate at each update step of a spec (verl's warm-up + cosine with min_lr_ratio). */
export const schedule = (spec: PipelineSpec): StepSchedule.StepSchedule => {
  const o = spec.optimizer
  const warmupSteps = Math.floor(o.warmupRatio * spec.totalSteps)
  return o.schedule === "constant"
    ? StepSchedule.constant(o.learningRate)
    : StepSchedule.cosine({ peak: o.learningRate, totalSteps: spec.totalSteps, warmupSteps, minRatio: o.minRatio })
}

export const adamw = (spec: PipelineSpec): Layer.Layer<Optimiser> => {
  const o = spec.optimizer
  const transform = AdamW.adamw({
    b1: o.beta1,
    b2: o.beta2,
    eps: o.epsilon,
    weightDecay: o.weightDecay,
    ...(o.gradClip > 0 ? { maxGradNorm: o.gradClip } : {}),
    multipliers: o.multipliers
  })
  return Layer.succeed(Optimiser, {
    name: "adamw",
    learningRate: schedule(spec),
    init: transform.init,
    step: (params, grads, state, learningRate) => AdamW.stepOnBackend(transform, params, grads, state, learningRate)
  })
}
