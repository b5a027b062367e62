/**
 * A compact prompt for small models trained from scratch: the task, the current
 * observation and the admissible commands, with optionally the last few commands sent;
 * no reasoning. The answer is the bare command. ALFWorld's reset banner and the task
 * sentence are cut from the observation (the task has its own line) and whitespace is
 * collapsed, so the prompt stays a few dozen tokens.
 */
import { Memory, PromptFormats } from "@epo/env"

const banner = "-= Welcome to TextWorld, ALFRED! =-"
const taskMarker = "Your task is to: "

/** An observation without the reset banner and task sentence, whitespace collapsed. */
export const compactObservation = (observation: string): string => {
  const withoutBanner = observation.startsWith(banner) ? observation.slice(banner.length) : observation
  const at = withoutBanner.indexOf(taskMarker)
  const withoutTask = at === -1 ? withoutBanner : withoutBanner.slice(0, at)
  return withoutTask.replace(/\s+/g, " ").trim()
}

export interface RenderOptions {
  /** How many of the last commands sent to show (default 0: none). */
  readonly recentActions?: number
}

/**
 * The prompt, e.g.
 * "Task: put some soapbottle on toilet.\nObservation: ...\nCommands: go to toilet 1 | look\nAction:"
 */
export const render = (memory: Memory.EpisodeMemory, options: RenderOptions = {}): string => {
  const k = options.recentActions ?? 0
  const recent = k > 0 ? Memory.recent(memory, k) : []
  return [
    `Task: ${memory.task}`,
    ...(recent.length > 0 ? [`Previous: ${recent.map((e) => e.action).join(" | ")}`] : []),
    `Observation: ${compactObservation(memory.observation)}`,
    `Commands: ${memory.admissibleCommands.filter((c) => c !== "help").join(" | ")}`,
    "Action:"
  ].join("\n")
}

/** The bare command: valid when the trimmed answer is one non-empty line; sent either way. */
export const parse = PromptFormats.parseBareCommand
