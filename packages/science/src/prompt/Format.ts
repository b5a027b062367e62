/**
 * The science prompt formats keyed by name, under the names of @epo/household's registry
 * so that a pipeline spec's `environment.prompt` means the same kind of prompt in either
 * environment: "verl-agent" is EPO's ScienceWorld prompt (EPO is built on verl-agent; its
 * answers are "<think>…</think><action>…</action>"), "compact" the prompt for small models
 * (bare commands).
 */
import { ConfigError } from "@epo/core"
import type { EpisodeMemory } from "@epo/env"
import { Effect } from "effect"
import * as Compact from "./Compact.js"
import * as Epo from "./Epo.js"
import type { ParsedResponse } from "./Parsed.js"

export interface PromptFormat {
  readonly name: string
  render(memory: EpisodeMemory): string
  parse(response: string): ParsedResponse
}

export interface FormatOptions {
  /** verl-agent (EPO): past steps shown with their observation (default 2). */
  readonly historyLength?: number
  /** compact: last commands shown (default 0). */
  readonly recentActions?: number
  /** Penalty reported for an invalid answer (default 0.1). */
  readonly penalty?: number
}

export const formats = {
  "verl-agent": (o: FormatOptions): PromptFormat => ({
    name: "verl-agent",
    render: (memory) => Epo.render(memory, o),
    parse: (response) => Epo.parse(response, o)
  }),
  compact: (o: FormatOptions): PromptFormat => ({
    name: "compact",
    render: (memory) => Compact.render(memory, o),
    parse: (response) => Compact.parse(response, o)
  })
} as const

export type FormatName = keyof typeof formats

export const formatNames = Object.keys(formats) as ReadonlyArray<FormatName>

/** The format registered under `name`; an unknown name is a ConfigError naming `field`. */
export const make = (name: string, options: FormatOptions = {}, field = "prompt.format"): Effect.Effect<PromptFormat, ConfigError> =>
  Object.hasOwn(formats, name)
    ? Effect.succeed(formats[name as FormatName](options))
    : Effect.fail(new ConfigError({ field, message: `unknown science prompt format "${name}" (known: ${formatNames.join(", ")})` }))
