/**
 * What the household package contributes to the environments a pipeline spec can name
 * (@epo/env Registration, listed by @epo/environments): the household engine, and
 * @epo/env's corridor game rendered with the household prompts (a seconds-long stand-in
 * for tests and smoke runs). Both train fresh policies on @epo/policy's household
 * vocabulary (no `vocabulary` of their own).
 */
import { Corridor, type LayerSettings, type Registration } from "@epo/env"
import { type ExpertName, expertNames } from "./Expert.js"
import * as HouseholdEnvironment from "./HouseholdEnvironment.js"
import * as Prompt from "./prompt/index.js"
import { splitNames, splits } from "./Splits.js"

const prompts = { promptFormats: Prompt.formatNames, promptFormat: Prompt.make }

export const registration = {
  name: "household",
  /** "explorer" (ALFWorld's handcoded strategy) or "oracle" (the shortest, knows where objects are). */
  experts: expertNames,
  // A household episode is won only by completing the task: both success rules are this one.
  layer: ({ expert }: LayerSettings<ExpertName>) => HouseholdEnvironment.layerWith({ expert }),
  splits: splitNames,
  evaluationSplits: splitNames.filter((s) => Object.keys(splits[s].evaluation).length > 0),
  ...prompts
} as const satisfies Registration<ExpertName>

export const corridor = {
  name: "corridor",
  experts: [],
  layer: () => Corridor.layer,
  splits: Corridor.splits,
  evaluationSplits: Corridor.splits,
  ...prompts
} as const satisfies Registration<never>
