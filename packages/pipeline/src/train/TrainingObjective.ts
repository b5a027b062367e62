/**
 * The objective a run minimises, as a service: the pipeline asks it for the step's Term
 * given the KL controller's current coefficient. `fromConfig` builds a preset of
 * @epo/objective from the spec; `custom` provides any Term written in user code (see
 * docs/pipelines.md), so swapping objectives is a one-line Layer change.
 */
import { Config, Presets, type Term } from "@epo/objective"
import { Context, Layer } from "effect"

export interface TrainingObjectiveShape {
  /** A label for metrics and reports ("epo", "ppo", or the custom objective's name). */
  readonly name: string
  /** The objective at a KL coefficient (the controller's; undefined when the run has no KL term). */
  readonly term: (klCoefficient: number | undefined) => Term.Term
}

export class TrainingObjective extends Context.Service<TrainingObjective, TrainingObjectiveShape>()("@epo/pipeline/TrainingObjective") {}

/** The preset a (decoded) objective configuration names; the KL coefficient follows the controller. */
export const fromConfig = (config: Config.ObjectiveConfig): Layer.Layer<TrainingObjective> =>
  Layer.succeed(TrainingObjective, {
    name: config.preset,
    term: (klCoefficient) =>
      Presets.build(config.kl === undefined || klCoefficient === undefined ? config : { ...config, kl: { ...config.kl, coefficient: klCoefficient } })
  })

/** A Term from user code. Its KL term, if any, is its own business: the controller's coefficient is ignored. */
export const custom = (name: string, term: Term.Term): Layer.Layer<TrainingObjective> => Layer.succeed(TrainingObjective, { name, term: () => term })
