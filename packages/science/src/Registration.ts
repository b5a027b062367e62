/**
 * What the science package contributes to the environments a pipeline spec can name
 * (@epo/env Registration, listed by @epo/environments): its Environment layer, splits,
 * prompt formats and the vocabulary of a policy trained from scratch on it.
 */
import type { Environment, LayerSettings, Registration } from "@epo/env"
import type { Layer } from "effect"
import vocabulary from "./data/science-vocab.json" with { type: "json" }
import * as Prompt from "./prompt/index.js"
import * as ScienceEnvironment from "./ScienceEnvironment.js"
import { splitNames } from "./Splits.js"

export const registration = {
  name: "science",
  /** One expert: the gold agent (Gold.ts), whatever expert name is asked. */
  experts: [],
  layer: ({ success }: LayerSettings): Layer.Layer<Environment> => ScienceEnvironment.layerWith({ success }),
  splits: splitNames,
  evaluationSplits: ["eval_in_distribution", "eval_out_of_distribution"],
  /** "verl-agent" (EPO's ScienceWorld prompt, tagged answers) and "compact" (bare commands). */
  promptFormats: Prompt.formatNames,
  promptFormat: Prompt.make,
  /** The word vocabulary (an "epo-word-vocabulary" file) for fresh policies: built by scripts/build-vocab.ts. */
  vocabulary: { data: vocabulary as unknown, source: "packages/science/src/data/science-vocab.json" }
} as const satisfies Registration<never>
