/**
 * Named pipeline specs. The reproduction presets follow the paper's ALFWorld setup
 * (spec "Training setup of the paper": 16 groups of 8, 50 turns, 150 update steps,
 * AdamW cosine with 10% warm-up and floor 0.2, low_var_kl 0.01, invalid-action penalty
 * 0.1, reward scale 10) with one deliberate difference: the learning rate is 1e-4, not
 * 5e-6, because the policy here is a small transformer, not a pretrained 3B model.
 * `default` is the short run `epo train` does without arguments: a few minutes on two
 * CPU cores, household + transformer policy, PPO+EPO.
 *
 * Presets name the action mode they use. `ppo`, `ppo+epo`, `grpo`, `grpo+epo`,
 * `ppo+entropy`, `grpo+epo-released` and `default` score the admissible commands
 * (`policy.action: "score"`, GLAM/TWOSOME; docs/objectives.md "Action scoring") from the
 * shipped scoring policy with the notebook prompt it was cloned with; the `-generate`
 * presets keep the paper's mode, where the policy writes its command token by token, from
 * the shipped generation policy with its compact prompt. The paper's verl-agent prompt
 * (`--set environment.prompt=verl-agent`) needs a policy trained on it.
 *
 * The science presets (`science-ppo`, `science-ppo+epo`, `science-grpo`,
 * `science-grpo+epo`) train on @epo/science with EPO's ScienceWorld settings; see below.
 *
 * Presets are stored in the JSON form and hold only what differs from the spec's
 * defaults, so `--set objective.preset=ppo` and similar overrides compose.
 */
import { Pretrained } from "@epo/policy"
import type { PipelineSpecInput } from "./Spec.js"

/**
 * The household starting policies shipped in @epo/policy (Pretrained), one per action mode.
 * Scoring learns the inverse temperature of its choice softmax (`policy.scale`), at 300
 * times the learning rate (docs/objectives.md "Action scoring"; 300 ended 14 points up
 * where 100 ended 9 in a PPO probe, docs/results.md).
 */
const scoring = {
  policy: { checkpoint: Pretrained.householdScore, action: "score", normalisation: Pretrained.householdScoreSettings.normalisation, scale: "learned" },
  prompt: { prompt: Pretrained.householdScoreSettings.format, historyLength: Pretrained.householdScoreSettings.historyLength },
  multipliers: { "choice.logScale": 300 }
} as const
const generating = {
  policy: { checkpoint: Pretrained.householdGenerate, action: "generate" },
  prompt: { prompt: Pretrained.householdGeneratePrompt.format, historyLength: Pretrained.householdGeneratePrompt.historyLength },
  multipliers: {}
} as const

const paperSetupOf = (mode: typeof scoring | typeof generating) =>
  ({
    totalSteps: 150,
    environment: { name: "household", split: "train", maxTurns: 50, ...mode.prompt },
    rollout: { groups: 16, groupSize: 8 },
    policy: mode.policy,
    optimizer: { learningRate: 1e-4, schedule: "cosine", warmupRatio: 0.1, minRatio: 0.2, multipliers: mode.multipliers },
    evaluation: { every: 10, splits: ["eval_in_distribution", "eval_out_of_distribution"] }
  }) as const satisfies PipelineSpecInput
const paperSetup = paperSetupOf(scoring)
const paperGenerate = paperSetupOf(generating)

const kl = { estimator: "low_var_kl", coefficient: 0.01 } as const
const critic = { coefficient: 0.5, clip: 0.5 } as const
const ppoAdvantage = { estimator: "gae", gamma: 1, lambda: 1 } as const

/** The paper's four methods: advantage estimator and objective, whatever the action mode. */
const paperMethods = {
  ppo: { algorithm: { advantage: ppoAdvantage }, objective: { preset: "ppo", kl, value: critic } },
  "ppo+epo": { algorithm: { advantage: ppoAdvantage }, objective: { preset: "epo", kl, value: critic } },
  grpo: { algorithm: { advantage: { estimator: "grpo" } }, objective: { preset: "grpo", kl } },
  "grpo+epo": { algorithm: { advantage: { estimator: "grpo" } }, objective: { preset: "epo", kl } }
} as const satisfies Record<string, PipelineSpecInput>

/*
 * Science (ScienceWorld, @epo/science): EPO's settings for it (30 turns, 16 groups of 8,
 * 150 steps, EPO's alpha 0.05) from the shipped science policy (a clone of the gold agent,
 * @epo/policy Pretrained), and evaluation on the first 128 games of the IID (dev) and OOD
 * (test) sets, which cover every task. One deliberate difference from EPO: an episode is
 * won only when the task is completed (`environment.success: "completed"`), because under
 * EPO's rule teleporting to the workshop and waiting past the 100-tick limit wins nearly
 * every game, and PPO learns exactly that (docs/environments.md, docs/results.md;
 * `--set environment.success=environment` restores EPO's rule).
 */
const scienceSetup = {
  totalSteps: 150,
  environment: {
    name: "science",
    split: "train",
    maxTurns: 30,
    prompt: Pretrained.scienceGeneratePrompt.format,
    historyLength: Pretrained.scienceGeneratePrompt.historyLength,
    success: "completed"
  },
  policy: { checkpoint: Pretrained.scienceGenerate, action: "generate" },
  rollout: { groups: 16, groupSize: 8, maxNewTokens: 24 },
  optimizer: { learningRate: 1e-4, schedule: "cosine", warmupRatio: 0.1, minRatio: 0.2 },
  evaluation: { every: 10, splits: ["eval_in_distribution", "eval_out_of_distribution"], games: 128 }
} as const satisfies PipelineSpecInput

const scienceAlpha = 0.05

/** A +EPO method on science: the paper's objective with ScienceWorld's alpha. */
const scienceEpo = <M extends "ppo+epo" | "grpo+epo">(method: M) =>
  ({
    ...scienceSetup,
    name: `science-${method}` as const,
    ...paperMethods[method],
    objective: { ...paperMethods[method].objective, alpha: scienceAlpha }
  }) as const

export const sciencePresets = {
  "science-ppo": { ...scienceSetup, name: "science-ppo", ...paperMethods.ppo },
  "science-ppo+epo": scienceEpo("ppo+epo"),
  "science-grpo": { ...scienceSetup, name: "science-grpo", ...paperMethods.grpo },
  "science-grpo+epo": scienceEpo("grpo+epo")
} as const satisfies Record<string, PipelineSpecInput>

export const presets = {
  default: {
    name: "default",
    totalSteps: 24,
    environment: { name: "household", split: "train", maxTurns: 30, ...scoring.prompt },
    rollout: { groups: 4, groupSize: 4 },
    policy: scoring.policy,
    algorithm: { advantage: ppoAdvantage },
    objective: { preset: "epo", kl, value: critic, lossAggregation: "multi-turn-mean" },
    optimizer: { learningRate: 3e-4, warmupRatio: 0, multipliers: scoring.multipliers },
    update: { epochs: 1, miniBatchSize: 64 },
    evaluation: { every: 12, splits: ["eval_in_distribution"], games: 64, temperature: 1, seed: 0 },
    checkpoints: { every: 12, keep: 2 }
  },
  ppo: { ...paperSetup, name: "ppo", ...paperMethods.ppo },
  "ppo+epo": { ...paperSetup, name: "ppo+epo", ...paperMethods["ppo+epo"] },
  /** The paper's ablation: PPO with EPO's entropy bonus (lambda 0.001, multi-turn mean) and no smoothing. */
  "ppo+entropy": {
    ...paperSetup,
    name: "ppo+entropy",
    algorithm: { advantage: ppoAdvantage },
    objective: { preset: "ppo", kl, value: critic, entropyCoefficient: 0.001, entropyAggregation: "multi-turn-mean" }
  },
  grpo: { ...paperSetup, name: "grpo", ...paperMethods.grpo },
  "grpo+epo": { ...paperSetup, name: "grpo+epo", ...paperMethods["grpo+epo"] },
  "grpo+epo-released": {
    ...paperSetup,
    name: "grpo+epo-released",
    algorithm: { advantage: { estimator: "grpo" } },
    objective: { preset: "epo-released", kl, maxTurns: 50 }
  },
  "ppo-generate": { ...paperGenerate, name: "ppo-generate", ...paperMethods.ppo },
  "ppo+epo-generate": { ...paperGenerate, name: "ppo+epo-generate", ...paperMethods["ppo+epo"] },
  "grpo-generate": { ...paperGenerate, name: "grpo-generate", ...paperMethods.grpo },
  "grpo+epo-generate": { ...paperGenerate, name: "grpo+epo-generate", ...paperMethods["grpo+epo"] },
  ...sciencePresets
} as const satisfies Record<string, PipelineSpecInput>

export type PresetName = keyof typeof presets
export const presetNames = Object.keys(presets) as ReadonlyArray<PresetName>
export const isPresetName = (name: string): name is PresetName => Object.hasOwn(presets, name)
