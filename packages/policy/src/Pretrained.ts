/**
 * Checkpoints shipped with the package (no download at run time): the household starting
 * policies, the stand-ins for the paper's instruction-tuned LLM, one per action mode.
 *
 * `householdGenerate`: a 2-layer, width-64 transformer (context 640, its own 819-token
 * vocabulary) cloned from the exploring expert on 1,000 training games as generated
 * text, with the compact prompt and the last 4 commands. It writes its command token by
 * token (the paper's mode) and wins about 1 held-out game in 10 (docs/policy.md, "Warm
 * start"; the household engine has since gained ALFWorld's real rooms).
 */
import { fileURLToPath } from "node:url"

const shipped = (name: string): string => fileURLToPath(new URL(`../pretrained/${name}`, import.meta.url))

export const householdGenerate: string = shipped("household-generate")

/** The prompt the generation checkpoint was cloned with. */
export const householdGeneratePrompt = { format: "compact", historyLength: 4 } as const
