/**
 * What an environment package contributes to the environments a pipeline spec can name
 * (`environment.name`; the list is @epo/environments, verl style: selected by string):
 * its Environment layer, its splits, its prompt formats and, when it has one, the word
 * vocabulary of a policy trained from scratch on it. Adding an environment is a package
 * exporting one of these; neither this package nor the pipeline changes.
 */
import type { ConfigError } from "@epo/core"
import type { Effect, Layer } from "effect"
import type { Environment } from "./Environment.js"
import type { PromptFormat } from "./PromptFormat.js"

/** The options a spec gives every prompt format: its history window and invalid-answer penalty. */
export interface PromptOptions {
  readonly historyLength: number
  readonly recentActions: number
  readonly penalty: number
}

/**
 * When an episode counts as won (`environment.success`): by the environment's own rule,
 * as the paper's released code computes it, or only when the task's goals are all met.
 * They differ on science, where EPO's rule also wins an episode that passes the tick
 * limit with a partial score (docs/environments.md); household and the corridor win only
 * by completing the task, so both rules are theirs.
 */
export const successRules = ["environment", "completed"] as const
export type SuccessRule = (typeof successRules)[number]

/** What a spec tells an environment's layer: the expert to answer with, and the success rule. */
export interface LayerSettings<Expert extends string = string> {
  readonly expert: Expert
  readonly success: SuccessRule
}

/** `Expert` names the experts a warm start can clone (`warmStart.expert`). */
export interface Registration<Expert extends string = string> {
  readonly name: string
  /** The experts `layer` can answer `expertCommand` with; none: the environment has one, whatever name is asked. */
  readonly experts: ReadonlyArray<Expert>
  readonly layer: (settings: LayerSettings<Expert>) => Layer.Layer<Environment>
  readonly splits: ReadonlyArray<string>
  /** The splits with a fixed evaluation set. */
  readonly evaluationSplits: ReadonlyArray<string>
  /** The prompt formats it renders, by name (`environment.prompt`). */
  readonly promptFormats: ReadonlyArray<string>
  /** The format named `name`; an unknown name is a ConfigError naming `field`. */
  readonly promptFormat: (name: string, options: PromptOptions, field: string) => Effect.Effect<PromptFormat, ConfigError>
  /**
   * The vocabulary of a fresh policy (an "epo-word-vocabulary" file, @epo/policy Vocabulary)
   * and where it came from; none: @epo/policy's household vocabulary, whose character
   * alphabet spells any text.
   */
  readonly vocabulary?: { readonly data: unknown; readonly source: string }
}
