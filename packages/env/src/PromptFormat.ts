/**
 * What the prompt formats of every environment share (verl style: selected by name): a
 * format renders a prompt from the episode memory and parses the model's answer into the
 * command sent to the environment, whether it kept to the format, and its penalty.
 */
import { ConfigError } from "@epo/core"
import { Effect } from "effect"
import type { EpisodeMemory } from "./Memory.js"

/** What a response parser makes of a model's answer. */
export interface ParsedResponse {
  /** The text sent to the environment; sent even when the format is invalid, as verl-agent does. */
  readonly action: string
  /** Whether the answer kept to the prompt's answer format. */
  readonly valid: boolean
  /** The reward penalty for this answer: the format penalty when invalid, else 0. */
  readonly penalty: number
}

export interface PromptFormat {
  readonly name: string
  render(memory: EpisodeMemory): string
  parse(response: string): ParsedResponse
}

export interface FormatOptions {
  /** Formats with a history: past steps shown with their observation (verl-agent's default 2). */
  readonly historyLength?: number
  /** Formats listing past commands: the last commands shown. */
  readonly recentActions?: number
  /** Penalty reported for an invalid answer (default `invalidActionPenalty`). */
  readonly penalty?: number
}

/** The reward penalty of an answer that breaks the format (verl-agent's and EPO's invalid_action_penalty_coef). */
export const invalidActionPenalty = 0.1

/** The bare command: valid when the trimmed answer is one non-empty line; sent either way. */
export const parseBareCommand = (response: string, options: { readonly penalty?: number } = {}): ParsedResponse => {
  const action = response.trim()
  const valid = action.length > 0 && !action.includes("\n")
  return { action, valid, penalty: valid ? 0 : (options.penalty ?? invalidActionPenalty) }
}

/** A format named `name` from a module's `render` and `parse`, both given the format's options. */
export const fromModule =
  (
    name: string,
    module: {
      readonly render: (memory: EpisodeMemory, options: FormatOptions) => string
      readonly parse: (response: string, options: FormatOptions) => ParsedResponse
    }
  ) =>
  (options: FormatOptions): PromptFormat => ({
    name,
    render: (memory) => module.render(memory, options),
    parse: (response) => module.parse(response, options)
  })

/** An environment's formats by name, and `make`, which builds one or fails with a ConfigError naming `field`. */
export const registry = <Formats extends Readonly<Record<string, (options: FormatOptions) => PromptFormat>>>(formats: Formats, what: string) => {
  const names = Object.keys(formats) as ReadonlyArray<keyof Formats & string>
  const make = (name: string, options: FormatOptions = {}, field = "prompt.format"): Effect.Effect<PromptFormat, ConfigError> =>
    Object.hasOwn(formats, name)
      ? Effect.succeed(formats[name]!(options))
      : Effect.fail(new ConfigError({ field, message: `unknown ${what} "${name}" (known: ${names.join(", ")})` }))
  return { formats, names, make }
}
