/**
 * EPO's ScienceWorld prompt and response projection (WujiangXu/EPO
 * agent_system/environments/prompts/sciworld.py, env_manager.py
 * SciWorldEnvironmentManager.build_text_obs, env_package/sciworld/projection.py). The
 * templates are verbatim copies (a test checks them against
 * ../shared/data/science/epo_prompts.json), filled as Python's str.format fills them.
 */
import { Memory } from "@epo/env"
import { PromptFormats, type ParsedResponse } from "@epo/env"

/** The first step's template (SCIWORLD_TEMPLATE_NO_HIS). */
export const templateNoHistory =
  "\n" +
  "You are an expert agent operating in the ScienceWorld environment, which is a text-based virtual environment centered around accomplishing tasks from the elementary science curriculum.\n" +
  "Your current task is: {task_description}\n" +
  "\n" +
  "Your current observation is: {current_observation}\n" +
  "Here are the actions you may take:\n" +
  "[\n" +
  "{{\"action\": \"open OBJ\", \"description\": \"open a container\"}},\n" +
  "{{\"action\": \"close OBJ\", \"description\": \"close a container\"}},\n" +
  "{{\"action\": \"activate OBJ\", \"description\": \"activate a device\"}},\n" +
  "{{\"action\": \"deactivate OBJ\", \"description\": \"deactivate a device\"}},\n" +
  "{{\"action\": \"connect OBJ to OBJ\", \"description\": \"connect electrical components\"}},\n" +
  "{{\"action\": \"disconnect OBJ\", \"description\": \"disconnect electrical components\"}},\n" +
  "{{\"action\": \"use OBJ [on OBJ]\", \"description\": \"use a device/item\"}},\n" +
  "{{\"action\": \"look around\", \"description\": \"describe the current room\"}},\n" +
  "{{\"action\": \"look at OBJ\", \"description\": \"describe an object in detail\"}},\n" +
  "{{\"action\": \"look in OBJ\", \"description\": \"describe a container's contents\"}},\n" +
  "{{\"action\": \"read OBJ\", \"description\": \"read a note or book\"}},\n" +
  "{{\"action\": \"move OBJ to OBJ\", \"description\": \"move an object to a container\"}},\n" +
  "{{\"action\": \"pick up OBJ\", \"description\": \"move an object to the inventory\"}},\n" +
  "{{\"action\": \"put down OBJ\", \"description\": \"drop an inventory item\"}},\n" +
  "{{\"action\": \"pour OBJ into OBJ\", \"description\": \"pour a liquid into a container\"}},\n" +
  "{{\"action\": \"dunk OBJ into OBJ\", \"description\": \"dunk a container into a liquid\"}},\n" +
  "{{\"action\": \"mix OBJ\", \"description\": \"chemically mix a container\"}},\n" +
  "{{\"action\": \"go to LOC\", \"description\": \"move to a new location\"}},\n" +
  "{{\"action\": \"eat OBJ\", \"description\": \"eat a food\"}},\n" +
  "{{\"action\": \"flush OBJ\", \"description\": \"flush a toilet\"}},\n" +
  "{{\"action\": \"focus on OBJ\", \"description\": \"signal intent on a task object\"}},\n" +
  "{{\"action\": \"wait\", \"description\": \"take no action for 10 iterations\"}},\n" +
  "{{\"action\": \"wait1\", \"description\": \"take no action for 1 iteration\"}},\n" +
  "{{\"action\": \"task\", \"description\": \"describe current task\"}},\n" +
  "{{\"action\": \"inventory\", \"description\": \"list your inventory\"}}\n" +
  "]\n" +
  "\n" +
  "Current available actions:\n" +
  "{available_actions}\n" +
  "\n" +
  "Now it's your turn to take an action.\n" +
  "You should first reason step-by-step about the current situation. This reasoning process MUST be enclosed within <think> </think> tags. \n" +
  "Once you've finished your reasoning, you should choose an appropriate action for the current step and present it within <action> </action> tags.\n"

/** Later steps' template (SCIWORLD_TEMPLATE). */
export const templateWithHistory =
  "\n" +
  "You are an expert agent operating in the ScienceWorld environment, which is a text-based virtual environment centered around accomplishing tasks from the elementary science curriculum.\n" +
  "Your current task is: {task_description}\n" +
  "\n" +
  "Prior to this step, you have already taken {step_count} step(s). Below are the most recent {history_length} observations and the corresponding actions you took: {action_history}\n" +
  "You are now at step {current_step} and your current observation is: {current_observation}\n" +
  "Here are the actions you may take:\n" +
  "[\n" +
  "{{\"action\": \"open OBJ\", \"description\": \"open a container\"}},\n" +
  "{{\"action\": \"close OBJ\", \"description\": \"close a container\"}},\n" +
  "{{\"action\": \"activate OBJ\", \"description\": \"activate a device\"}},\n" +
  "{{\"action\": \"deactivate OBJ\", \"description\": \"deactivate a device\"}},\n" +
  "{{\"action\": \"connect OBJ to OBJ\", \"description\": \"connect electrical components\"}},\n" +
  "{{\"action\": \"disconnect OBJ\", \"description\": \"disconnect electrical components\"}},\n" +
  "{{\"action\": \"use OBJ [on OBJ]\", \"description\": \"use a device/item\"}},\n" +
  "{{\"action\": \"look around\", \"description\": \"describe the current room\"}},\n" +
  "{{\"action\": \"look at OBJ\", \"description\": \"describe an object in detail\"}},\n" +
  "{{\"action\": \"look in OBJ\", \"description\": \"describe a container's contents\"}},\n" +
  "{{\"action\": \"read OBJ\", \"description\": \"read a note or book\"}},\n" +
  "{{\"action\": \"move OBJ to OBJ\", \"description\": \"move an object to a container\"}},\n" +
  "{{\"action\": \"pick up OBJ\", \"description\": \"move an object to the inventory\"}},\n" +
  "{{\"action\": \"put down OBJ\", \"description\": \"drop an inventory item\"}},\n" +
  "{{\"action\": \"pour OBJ into OBJ\", \"description\": \"pour a liquid into a container\"}},\n" +
  "{{\"action\": \"dunk OBJ into OBJ\", \"description\": \"dunk a container into a liquid\"}},\n" +
  "{{\"action\": \"mix OBJ\", \"description\": \"chemically mix a container\"}},\n" +
  "{{\"action\": \"go to LOC\", \"description\": \"move to a new location\"}},\n" +
  "{{\"action\": \"eat OBJ\", \"description\": \"eat a food\"}},\n" +
  "{{\"action\": \"flush OBJ\", \"description\": \"flush a toilet\"}},\n" +
  "{{\"action\": \"focus on OBJ\", \"description\": \"signal intent on a task object\"}},\n" +
  "{{\"action\": \"wait\", \"description\": \"take no action for 10 iterations\"}},\n" +
  "{{\"action\": \"wait1\", \"description\": \"take no action for 1 iteration\"}},\n" +
  "{{\"action\": \"task\", \"description\": \"describe current task\"}},\n" +
  "{{\"action\": \"inventory\", \"description\": \"list your inventory\"}}\n" +
  "]\n" +
  "\n" +
  "Current available actions:\n" +
  "{available_actions}\n" +
  "\n" +
  "Now it's your turn to take an action. You should first reason step-by-step about the current situation. This reasoning process MUST be enclosed within <think> </think> tags.\n" +
  "Once you've finished your reasoning, you should choose an appropriate action for the current step and present it within <action> </action> tags.\n"

/** build_text_obs's default history_length. */
export const defaultHistoryLength = 2


/** Python's str.format for these templates, in one pass: {name} is replaced, {{ and }} become braces. */
export const pythonFormat = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{\{|\}\}|\{(\w+)\}/g, (whole, name: string | undefined) =>
    whole === "{{" ? "{" : whole === "}}" ? "}" : name !== undefined && name in values ? String(values[name]) : whole
  )

/** Python's repr of a list of strings (quotes chosen as Python chooses them). */
export const pythonListRepr = (xs: ReadonlyArray<string>): string =>
  `[${xs
    .map((s) => {
      const q = s.includes("'") && !s.includes('"') ? '"' : "'"
      const body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")
      return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q
    })
    .join(", ")}]`

/** The {available_actions} text EPO's worker builds from get_possible_actions() and get_possible_objects(). */
export const availableActions = (possibleActions: ReadonlyArray<string>, possibleObjects: ReadonlyArray<string>): string =>
  `Valid_actions: ${pythonListRepr(possibleActions)}, OBJ needs to be replaced with one of the following objects: ${pythonListRepr(possibleObjects)}\n example: <action>focus on door</action>`

/**
 * The history as build_text_obs writes it: every step's action, the last `historyLength`
 * with the observation acted on. Its numbering is kept as the original computes it: the
 * recent steps are numbered from len - historyLength + 1, so with fewer past steps than
 * the window the first one is "Step 0" (after one step, the history is "[Step 0, ...]").
 */
export const formatHistory = (entries: ReadonlyArray<Memory.Entry>, historyLength: number): string => {
  const recentStart = entries.length - historyLength
  let out = ""
  for (let j = 0; j < recentStart; j++) out += `\n[Step ${j + 1}, Action ${j + 1}: '${entries[j].action}']`
  entries.slice(Math.max(0, recentStart)).forEach((e, j) => {
    const k = recentStart + j + 1
    out += `\n[Step ${k}, Observation ${k}: '${e.observation}', Action ${k}: '${e.action}']`
  })
  return pythonStrip(out)
}

const pythonWhitespace =
  /^[\t\n\v\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g
/** Python's str.strip() without arguments (the characters str.isspace accepts). */
const pythonStrip = (s: string): string => s.replace(pythonWhitespace, "")

export interface RenderOptions {
  /** Past steps shown with their observation (history_length, default 2); 0 or less always uses the first-step template. */
  readonly historyLength?: number
}

const listOf = (memory: Memory.EpisodeMemory, key: string): ReadonlyArray<string> => memory.lists?.[key] ?? []

/** The prompt for the memory's current step (a pure function of the memory). */
export const render = (memory: Memory.EpisodeMemory, options: RenderOptions = {}): string => {
  const historyLength = options.historyLength ?? defaultHistoryLength
  const available = availableActions(listOf(memory, "possibleActions"), listOf(memory, "possibleObjects"))
  const steps = Memory.stepCount(memory)
  if (steps === 0 || historyLength <= 0)
    return pythonFormat(templateNoHistory, { task_description: memory.task, current_observation: memory.observation, available_actions: available })
  return pythonFormat(templateWithHistory, {
    task_description: memory.task,
    step_count: steps,
    history_length: Math.min(historyLength, steps),
    action_history: formatHistory(memory.entries, historyLength),
    current_step: steps + 1,
    current_observation: memory.observation,
    available_actions: available
  })
}

export interface ParseOptions {
  /** Penalty reported for an answer that fails the projection; EPO's 0.1. */
  readonly penalty?: number
}

const cjk = /[\u4e00-\u9fff]/

/** Python's s[-n:] (code points, not UTF-16 units). */
const lastCodePoints = (s: string, n: number): string => {
  const cps = Array.from(s)
  return cps.slice(Math.max(0, cps.length - n)).join("")
}

/** Python's s[a:b] for 0 <= a, b: an empty string when b <= a. */
const pySlice = (s: string, a: number, b: number): string => (b <= a ? "" : s.slice(a, b))

/**
 * sciworld_projection for one response (not meta-think). The action is the stripped text
 * between the first "<action>" and the first "</action>" (empty when the closing tag comes
 * first, as Python's slice gives); without either tag the last 20 characters are sent and
 * the answer is invalid. Valid also needs "<think>" and "</think>" and no CJK character.
 * Unlike verl-agent's ALFWorld projection, the response is not lower-cased.
 */
export const parse = (response: string, options: ParseOptions = {}): ParsedResponse => {
  const penalty = options.penalty ?? PromptFormats.invalidActionPenalty
  const start = response.indexOf("<action>")
  const end = response.indexOf("</action>")
  if (start === -1 || end === -1) return { action: lastCodePoints(response, 20), valid: false, penalty }
  const action = pythonStrip(pySlice(response, start + "<action>".length, end))
  const valid = response.includes("<think>") && response.includes("</think>") && !cjk.test(response)
  return { action, valid, penalty: valid ? 0 : penalty }
}
