/**
 * Prompt formats keyed by name (verl style), so a pipeline config selects one by string:
 * a format renders a prompt from the episode memory and parses the model's answer.
 */
import { ConfigError } from "@epo/core"
import type { EpisodeMemory } from "@epo/env"
import { Effect } from "effect"
import * as Compact from "./Compact.js"
import * as Notebook from "./Notebook.js"
import type { ParsedResponse } from "./Parsed.js"
import * as VerlAgent from "./VerlAgent.js"

export interface PromptFormat {
  readonly name: string
  render(memory: EpisodeMemory): string
  parse(response: string): ParsedResponse
}

export interface FormatOptions {
  /** verl-agent: past (observation, action) pairs shown (default 2). */
  readonly historyLength?: number
  /** compact: last commands shown (default 0); notebook: likewise (default 3). */
  readonly recentActions?: number
  /** Penalty reported for an invalid answer (default 0.1). */
  readonly penalty?: number
}

export const formats = {
  "verl-agent": (o: FormatOptions): PromptFormat => ({
    name: "verl-agent",
    render: (memory) => VerlAgent.render(memory, o),
    parse: (response) => VerlAgent.parse(response, o)
  }),
  compact: (o: FormatOptions): PromptFormat => ({
    name: "compact",
    render: (memory) => Compact.render(memory, o),
    parse: (response) => Compact.parse(response, o)
  }),
  notebook: (o: FormatOptions): PromptFormat => ({
    name: "notebook",
    render: (memory) => Notebook.render(memory, o),
    parse: (response) => Notebook.parse(response, o)
  })
} as const

export type FormatName = keyof typeof formats

export const formatNames = Object.keys(formats) as ReadonlyArray<FormatName>

/** The format registered under `name`; an unknown name is a ConfigError naming `field`. */
export const make = (name: string, options: FormatOptions = {}, field = "prompt.format"): Effect.Effect<PromptFormat, ConfigError> =>
  Object.hasOwn(formats, name)
    ? Effect.succeed(formats[name as FormatName](options))
    : Effect.fail(new ConfigError({ field, message: `unknown prompt format "${name}" (known: ${formatNames.join(", ")})` }))
