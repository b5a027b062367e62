/**
 * What the science package contributes to a registry of environments (the pipeline's
 * Environments.ts): its Environment layer, splits, prompt formats and the vocabulary of a
 * policy trained from scratch on it. The pipeline adds it as one entry.
 */
import type { Environment } from "@epo/env"
import type { Layer } from "effect"
import vocabulary from "./data/science-vocab.json" with { type: "json" }
import * as Prompt from "./prompt/index.js"
import * as ScienceEnvironment from "./ScienceEnvironment.js"
import { splitNames } from "./Splits.js"

export const registration = {
  name: "science",
  /** The environment; its expert is the gold agent (Gold.ts), whatever expert name is asked. */
  layer: (): Layer.Layer<Environment> => ScienceEnvironment.layer,
  splits: splitNames,
  evaluationSplits: ["eval_in_distribution", "eval_out_of_distribution"],
  /** "verl-agent" (EPO's ScienceWorld prompt, tagged answers) and "compact" (bare commands). */
  promptFormats: Prompt.formatNames,
  promptFormat: Prompt.make,
  /** The word vocabulary (an "epo-word-vocabulary" file) for fresh policies: built by scripts/build-vocab.ts. */
  vocabulary: vocabulary as unknown,
  vocabularySource: "packages/science/src/data/science-vocab.json"
} as const
