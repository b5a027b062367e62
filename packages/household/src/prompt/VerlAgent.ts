/**
 * verl-agent's ALFWorld prompt and response projection (GiGPO, arXiv 2505.10978; the
 * setup EPO trains with). The two templates are verl-agent's `ALFWORLD_TEMPLATE_NO_HIS`
 * and `ALFWORLD_TEMPLATE` verbatim (agent_system/environments/prompts/alfworld.py),
 * including their leading newline, the space before a line break and the typo
 * "observaitons": a model fine-tuned on verl-agent prompts sees the same text here.
 */
import { Memory } from "@epo/env"
import { PromptFormats, type ParsedResponse } from "@epo/env"

/** The first step's template (no history). */
export const templateNoHistory =
  "\nYou are an expert agent operating in the ALFRED Embodied Environment.\n" +
  "Your current observation is: {current_observation}\n" +
  "Your admissible actions of the current situation are: [{admissible_actions}].\n" +
  "\n" +
  "Now it's your turn to take an action.\n" +
  "You should first reason step-by-step about the current situation. This reasoning process MUST be enclosed within <think> </think> tags. \n" +
  "Once you've finished your reasoning, you should choose an admissible action for current step and present it within <action> </action> tags.\n"

/** Later steps' template: task, step count and the most recent (observation, action) pairs. */
export const templateWithHistory =
  "\nYou are an expert agent operating in the ALFRED Embodied Environment. Your task is to: {task_description}\n" +
  "Prior to this step, you have already taken {step_count} step(s). Below are the most recent {history_length} observaitons and the corresponding actions you took: {action_history}\n" +
  "You are now at step {current_step} and your current observation is: {current_observation}\n" +
  "Your admissible actions of the current situation are: [{admissible_actions}].\n" +
  "\n" +
  "Now it's your turn to take an action.\n" +
  "You should first reason step-by-step about the current situation. This reasoning process MUST be enclosed within <think> </think> tags. \n" +
  "Once you've finished your reasoning, you should choose an admissible action for current step and present it within <action> </action> tags.\n"

/** verl-agent's `env.history_length` default for ALFWorld. */
export const defaultHistoryLength = 2


// Python's str.format for our templates: one pass, so inserted text is never re-expanded.
const fill = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))

/** Admissible commands as verl-agent lists them: quoted, joined by "\n ", without "help". */
export const formatAdmissible = (commands: ReadonlyArray<string>): string =>
  commands
    .filter((c) => c !== "help")
    .map((c) => `'${c}'`)
    .join("\n ")

/** The recent history as verl-agent's `SimpleMemory.fetch` writes it, one pair per line. */
export const formatHistory = (entries: ReadonlyArray<Memory.NumberedEntry>): string =>
  entries.map((e) => `[Observation ${e.step}: '${e.observation}', Action ${e.step}: '${e.action}']`).join("\n")

export interface RenderOptions {
  /** Past (observation, action) pairs shown; 0 or less always uses the first-step template. */
  readonly historyLength?: number
}

/** The prompt for the memory's current step: a pure function of the memory. */
export const render = (memory: Memory.EpisodeMemory, options: RenderOptions = {}): string => {
  const historyLength = options.historyLength ?? defaultHistoryLength
  const admissible = formatAdmissible(memory.admissibleCommands)
  const steps = Memory.stepCount(memory)
  if (steps === 0 || historyLength <= 0)
    return fill(templateNoHistory, { current_observation: memory.observation, admissible_actions: admissible })
  const recent = Memory.recent(memory, historyLength)
  return fill(templateWithHistory, {
    task_description: memory.task,
    step_count: steps,
    history_length: recent.length,
    action_history: formatHistory(recent),
    current_step: steps + 1,
    current_observation: memory.observation,
    admissible_actions: admissible
  })
}

export interface ParseOptions {
  /** Penalty reported for an invalid format; verl-agent's default 0.1. */
  readonly penalty?: number
}

const cjk = /[\u4e00-\u9fff]/

/**
 * verl-agent's `alfworld_projection` for one response. The response is lowercased; the
 * action is the trimmed text between the first `<action>` and the first `</action>` after
 * it. Valid needs both action tags, both `<think>` and `</think>`, and no CJK character.
 * Without an action block the last 30 characters of the lowercased response are still
 * sent to the environment (which then answers "Nothing happens."). One deliberate
 * difference: verl-agent takes the first `</action>` anywhere, so a closing tag before
 * the opening one yields an empty but "valid" action; here that is malformed.
 */
export const parse = (response: string, options: ParseOptions = {}): ParsedResponse => {
  const penalty = options.penalty ?? PromptFormats.invalidActionPenalty
  const lower = response.toLowerCase()
  const start = lower.indexOf("<action>")
  const end = start === -1 ? -1 : lower.indexOf("</action>", start + "<action>".length)
  if (end === -1) return { action: lower.slice(-30), valid: false, penalty }
  const action = lower.slice(start + "<action>".length, end).trim()
  const valid = response.includes("<think>") && response.includes("</think>") && !cjk.test(response)
  return { action, valid, penalty: valid ? 0 : penalty }
}
