/**
 * The science prompt formats keyed by name, under the names of @epo/household's registry
 * so that a pipeline spec's `environment.prompt` means the same kind of prompt in either
 * environment: "verl-agent" is EPO's ScienceWorld prompt (EPO is built on verl-agent; its
 * answers are "<think>…</think><action>…</action>"), "compact" the prompt for small models
 * (bare commands).
 */
import { PromptFormats } from "@epo/env"
import * as Compact from "./Compact.js"
import * as Epo from "./Epo.js"

export type { FormatOptions, PromptFormat } from "@epo/env"

const registry = PromptFormats.registry(
  {
    "verl-agent": PromptFormats.fromModule("verl-agent", Epo),
    compact: PromptFormats.fromModule("compact", Compact)
  },
  "science prompt format"
)

export const formats = registry.formats
export type FormatName = keyof typeof formats
export const formatNames = registry.names
/** The format registered under `name`; an unknown name is a ConfigError naming `field`. */
export const make = registry.make
