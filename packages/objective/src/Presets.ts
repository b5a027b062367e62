/**
 * The named objectives, each one expression over the Term combinators, and the
 * registry that builds one from a configuration.
 *
 * EPO (paper v2 Eq. 6), to be minimised:
 *   L_EPO = L_clip - lambda * (L_H - beta_k * L_smooth)
 * which reads, term by term,
 *   sum(policyLoss, scale(sum(entropy, scale(smoothing, -beta_k)), -lambda)).
 */
import { ConfigError } from "@epo/core"
import { Effect } from "effect"
import type { EpoConfig, EpoReleasedConfig, GrpoConfig, KlConfig, ObjectiveConfig, PpoConfig, PresetName, ValueConfig } from "./Config.js"
import { decode } from "./Config.js"
import * as StepSchedule from "./StepSchedule.js"
import { type EvalContext, metric, named, overHorizon, scale, sum, type Term } from "./Term.js"
import * as Terms from "./Terms.js"

type PolicyFields = Pick<PpoConfig, "policyLoss" | "clipLow" | "clipHigh" | "dualClip" | "lossAggregation">

/** The policy-gradient term, reported as `policy_loss`. */
export const policyTerm = (c: PolicyFields): Term =>
  named(Terms.policyLoss({ loss: c.policyLoss, clipLow: c.clipLow, clipHigh: c.clipHigh, dualClip: c.dualClip }, c.lossAggregation), "policy_loss")

/**
 * The optional KL and value terms: `kl_coef * KL` (metric `kl`), aggregated like the
 * policy loss (verl's actor applies its loss_agg_mode to both), and `vf_coef * L_V`
 * (metric `value_loss`, token-mean: verl's critic default).
 */
const auxiliaryTerms = (c: PolicyFields & { readonly kl?: KlConfig | undefined; readonly value?: ValueConfig | undefined }): Array<Term> => [
  ...(c.kl === undefined || c.kl.coefficient === 0 ? [] : [scale(named(Terms.kl(c.kl.estimator, c.lossAggregation), "kl"), c.kl.coefficient)]),
  ...(c.value === undefined || c.value.coefficient === 0 ? [] : [scale(named(Terms.valueLoss(c.value.clip), "value_loss"), c.value.coefficient)])
]

/** PPO: L = L_clip - entropy_coeff * L_H (+ kl_coef * KL + vf_coef * L_V). */
export const ppo = (c: PpoConfig | GrpoConfig): Term =>
  sum(policyTerm(c), scale(named(Terms.entropy(c.entropyAggregation), "entropy"), -c.entropyCoefficient), ...auxiliaryTerms(c))

/** GRPO-style: PPO's clipped surrogate plus a KL loss to the reference policy (default low_var_kl, 0.01). */
export const grpo = (c: GrpoConfig): Term => ppo(c)

/** beta_k of Eq. 5 for the run's horizon K = context.totalSteps. */
export const epoBeta = (gamma: number): ((context: EvalContext) => number) => overHorizon((totalSteps) => StepSchedule.epoBeta({ totalSteps, gamma }))

/**
 * EPO, paper v2 Eq. 6: L_clip - lambda * (L_H - beta_k * L_smooth), with L_H and L_smooth
 * multi-turn means (Eq. 2, 4) and the hinge corridor of Eq. 3 around the entropy
 * history's reference. Metrics: policy_loss, entropy (L_H), smoothing (L_smooth),
 * beta (beta_k), plus the policy loss's pg_clipfrac and ppo_kl.
 */
export const epo = (c: EpoConfig): Term => {
  const beta = epoBeta(c.gamma)
  const corridor = { kappaLow: c.kappaLow, kappaHigh: c.kappaHigh, alpha: c.alpha }
  return sum(
    policyTerm(c),
    scale(
      sum(
        named(Terms.entropy(c.entropyAggregation), "entropy"),
        scale(named(Terms.smoothing(corridor, c.entropyAggregation), "smoothing"), (context) => -beta(context))
      ),
      -c.lambda
    ),
    metric("beta", (_, context) => beta(context)),
    ...auxiliaryTerms(c)
  )
}

/**
 * The released code's variant: the same shape as Eq. 6 but with verl's token-mean
 * entropy, the indicator penalty alpha * 1[H outside the corridor] (a constant: zero
 * gradient, so training equals PPO with an entropy bonus), a per-turn reference
 * (context.turnEntropyReference), the two-phase weight w_k with K = scheduleSteps, and
 * smoothing only for batches holding a turn >= maxTurns // 2. Metrics as `epo`, with
 * `smoothing_weight` (w_k) instead of `beta`.
 */
export const epoReleased = (c: EpoReleasedConfig): Term => {
  const weight = StepSchedule.releasedTwoPhase({ totalSteps: c.scheduleSteps })
  const penalty = { kappaLow: c.kappaLow, kappaHigh: c.kappaHigh, alpha: c.alpha, maxTurns: c.maxTurns }
  return sum(
    policyTerm(c),
    scale(
      sum(
        named(Terms.entropy(c.entropyAggregation), "entropy"),
        scale(named(Terms.releasedSmoothing(penalty, c.entropyAggregation), "smoothing"), (context) => -weight(context.step))
      ),
      -c.entropyCoefficient
    ),
    metric("smoothing_weight", (_, context) => weight(context.step)),
    ...auxiliaryTerms(c)
  )
}

/** The registry of presets keyed by name. */
export const presets: { readonly [P in PresetName]: (config: Extract<ObjectiveConfig, { preset: P }>) => Term } = {
  ppo,
  grpo,
  epo,
  "epo-released": epoReleased
}

/** Builds the objective a (decoded) configuration names. */
export const build = (config: ObjectiveConfig): Term => (presets[config.preset] as (c: ObjectiveConfig) => Term)(config)

/** Decodes, validates and builds: a bad configuration is a ConfigError naming the field. */
export const fromConfig = (input: unknown, path = "objective"): Effect.Effect<Term, ConfigError> => Effect.map(decode(input, path), build)
