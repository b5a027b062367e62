/**
 * The household prompt formats keyed by name (verl style), so a pipeline config selects
 * one by string (@epo/env PromptFormats): "verl-agent" is verl-agent's ALFWorld prompt,
 * "compact" the prompt for small models (bare commands), "notebook" the compact prompt with
 * what the agent has seen so far.
 */
import { PromptFormats } from "@epo/env"
import * as Compact from "./Compact.js"
import * as Notebook from "./Notebook.js"
import * as VerlAgent from "./VerlAgent.js"

export type { FormatOptions, PromptFormat } from "@epo/env"

const registry = PromptFormats.registry(
  {
    "verl-agent": PromptFormats.fromModule("verl-agent", VerlAgent),
    compact: PromptFormats.fromModule("compact", Compact),
    notebook: PromptFormats.fromModule("notebook", Notebook)
  },
  "prompt format"
)

export const formats = registry.formats
export type FormatName = keyof typeof formats
export const formatNames = registry.names
/** The format registered under `name`; an unknown name is a ConfigError naming `field`. */
export const make = registry.make
