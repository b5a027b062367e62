/**
 * Tiny pipeline specs for tests: the corridor environment of @epo/env, a one-layer
 * transformer of width 16, a few steps on the cpu backend (bitwise reproducible).
 */
import type { PipelineSpecInput } from "../spec/Spec.js"

const base = {
  name: "tiny",
  seed: 7,
  backend: "cpu",
  totalSteps: 4,
  environment: { name: "corridor", split: "train", maxTurns: 3, prompt: "compact", historyLength: 1 },
  rollout: { groups: 2, groupSize: 2, maxNewTokens: 3 },
  policy: { model: { dModel: 16, layers: 1, heads: 2, context: 96 } },
  optimizer: { learningRate: 3e-3, warmupRatio: 0 },
  update: { epochs: 2, miniBatchSize: 5 },
  evaluation: { every: 2, splits: ["eval"], games: 2 },
  checkpoints: { every: 2, keep: 2 }
} as const satisfies PipelineSpecInput

/** GRPO advantages, the EPO objective with a KL term to the reference policy. */
export const grpoEpo = {
  ...base,
  algorithm: { advantage: { estimator: "grpo" } },
  objective: { preset: "epo", kl: { coefficient: 0.01 } }
} as const satisfies PipelineSpecInput

/** PPO with a critic (GAE over turns, value loss) and an adaptive KL controller. */
export const ppoCritic = {
  ...base,
  totalSteps: 2,
  algorithm: { advantage: { estimator: "gae", gamma: 1, lambda: 1 } },
  objective: { preset: "ppo", value: { coefficient: 0.5, clip: 0.5 }, kl: { coefficient: 0.01 } },
  klControl: { kind: "adaptive", target: 0.01, horizon: 100 }
} as const satisfies PipelineSpecInput

/** A tiny spec whose policy scores the admissible commands instead of generating. */
export const scoring = <S extends PipelineSpecInput>(spec: S) => ({ ...spec, policy: { ...spec.policy, action: "score" as const } }) satisfies PipelineSpecInput
