/**
 * A compact prompt for small models trained from scratch (the science counterpart of
 * @epo/household's compact prompt): the task, optionally the last few commands sent, the
 * current observation with its whitespace collapsed (tabs and line breaks become single
 * spaces) and its few non-ASCII characters (the books' typographic quotes and dashes)
 * folded to ASCII, and the objects the agent can refer to; no reasoning. The answer is the bare
 * command. The full valid-action list (hundreds of commands) is left out: it is what the
 * `score` action mode ranks, and it would not fit a small model's context.
 */
import { Memory, PromptFormats } from "@epo/env"

const ascii: Readonly<Record<string, string>> = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "--", "\u2013": "-" }

/** An observation with its whitespace collapsed and non-ASCII characters folded ("?" for any other). */
export const compactObservation = (observation: string): string =>
  observation
    .replace(/\s+/g, " ")
    .replace(/[^\x20-\x7e]/g, (c) => ascii[c] ?? "?")
    .trim()

export interface RenderOptions {
  /** How many of the last commands sent to show (default 0: none). */
  readonly recentActions?: number
}

/**
 * The prompt, e.g. "Task: Your task is to find a(n) animal. ...\nObservation: This room
 * is called the kitchen. ...\nObjects: agent, air, ...\nAction:"
 */
export const render = (memory: Memory.EpisodeMemory, options: RenderOptions = {}): string => {
  const k = options.recentActions ?? 0
  const recent = k > 0 ? Memory.recent(memory, k) : []
  const objects = memory.lists?.["possibleObjects"] ?? []
  return [
    `Task: ${compactObservation(memory.task)}`,
    ...(recent.length > 0 ? [`Previous: ${recent.map((e) => e.action).join(" | ")}`] : []),
    `Observation: ${compactObservation(memory.observation)}`,
    ...(objects.length > 0 ? [`Objects: ${objects.join(", ")}`] : []),
    "Action:"
  ].join("\n")
}

/** The bare command: valid when the trimmed answer is one non-empty line; sent either way. */
export const parse = PromptFormats.parseBareCommand
