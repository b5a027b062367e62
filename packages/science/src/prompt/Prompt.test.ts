import * as fs from "node:fs"
import * as path from "node:path"
import { Memory } from "@epo/env"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { dataDir } from "../Data.js"
import * as ScienceEnvironment from "../ScienceEnvironment.js"
import * as Compact from "./Compact.js"
import * as Epo from "./Epo.js"
import { make } from "./Format.js"

const reference = JSON.parse(fs.readFileSync(path.join(dataDir(), "epo_prompts.json"), "utf8")) as Record<string, string>

/** An independent Python str.format for these templates: split at the literal braces first. */
const format = (template: string, values: Record<string, string | number>): string =>
  template
    .split("{{")
    .map((a) =>
      a
        .split("}}")
        .map((b) => Object.entries(values).reduce((s, [k, v]) => s.split(`{${k}}`).join(String(v)), b))
        .join("}")
    )
    .join("{")

/** Plays `commands` in a science session, recording the memory as the Runner does. */
const play = (commands: ReadonlyArray<string>) => {
  const s = ScienceEnvironment.session({ task: "find-animal", variation: 0 })
  let m = Memory.start(s.task, s.initialObservation, s.admissibleCommands(), s.promptLists())
  const observations = [s.initialObservation]
  for (const c of commands) {
    const t = s.step(c)
    observations.push(t.observation)
    m = Memory.record(m, c, t.observation, s.admissibleCommands(), s.promptLists())
  }
  return { s, m, observations }
}

const repr = (xs: ReadonlyArray<string>) => `[${xs.map((x) => `'${x}'`).join(", ")}]`

describe("EPO's ScienceWorld prompt", () => {
  it("holds the templates of epo_prompts.json verbatim", () => {
    expect(Epo.templateNoHistory).toBe(reference["SCIWORLD_TEMPLATE_NO_HIS"])
    expect(Epo.templateWithHistory).toBe(reference["SCIWORLD_TEMPLATE"])
  })

  it("renders the first step as build_text_obs(init=True) does", () => {
    const { s, m } = play([])
    const available = `Valid_actions: ${repr(s.engine.possibleActions())}, OBJ needs to be replaced with one of the following objects: ${repr(s.engine.possibleObjects())}\n example: <action>focus on door</action>`
    const expected = format(reference["SCIWORLD_TEMPLATE_NO_HIS"], {
      task_description: s.task,
      current_observation: s.initialObservation,
      available_actions: available
    })
    expect(Epo.render(m)).toBe(expected)
    expect(expected).toContain('{"action": "open OBJ", "description": "open a container"},')
    expect(expected).toContain("Valid_actions: ['activate OBJ', 'close OBJ', 'deactivate OBJ', 'dunk OBJ in OBJ'")
    expect(expected.startsWith("\nYou are an expert agent operating in the ScienceWorld environment")).toBe(true)
  })

  it("renders later steps with the action history, numbered as the original numbers it (Step 0 after one step)", () => {
    const { s, m, observations } = play(["look around", "teleport to kitchen", "inventory", "look at agent"])
    const after1 = Memory.record(Memory.start(m.task, observations[0], [], m.lists), "look around", observations[1], [], m.lists)
    expect(Epo.render(after1)).toContain(
      `Below are the most recent 1 observations and the corresponding actions you took: [Step 0, Observation 0: '${observations[0]}', Action 0: 'look around']\nYou are now at step 2 and your current observation is: ${observations[1]}\n`
    )
    const history =
      "[Step 1, Action 1: 'look around']\n[Step 2, Action 2: 'teleport to kitchen']\n" +
      `[Step 3, Observation 3: '${observations[2]}', Action 3: 'inventory']\n[Step 4, Observation 4: '${observations[3]}', Action 4: 'look at agent']`
    const expected = format(reference["SCIWORLD_TEMPLATE"], {
      task_description: s.task,
      step_count: 4,
      history_length: 2,
      action_history: history,
      current_step: 5,
      current_observation: observations[4],
      available_actions: Epo.availableActions(s.engine.possibleActions(), s.engine.possibleObjects())
    })
    expect(Epo.render(m)).toBe(expected)
    expect(Epo.render(m, { historyLength: 0 })).toContain("Your current observation is: ")
  })

  it("writes Python's repr for quotes and escapes", () => {
    expect(Epo.pythonListRepr(["a", "it's", 'say "x"', `both ' "`, "tab\there", "back\\slash"])).toBe(
      `['a', "it's", 'say "x"', 'both \\' "', 'tab\\there', 'back\\\\slash']`
    )
    expect(Epo.pythonFormat("{{\"a\": {x}}} {y} {z}", { x: "{y}", y: 2 })).toBe('{"a": {y}} 2 {z}')
  })

  it("extracts the action as sciworld_projection does", () => {
    expect(Epo.parse("<think>go</think><action> focus on Cat </action>")).toEqual({ action: "focus on Cat", valid: true, penalty: 0 })
    // Missing tags: the last 20 characters are sent, invalid.
    expect(Epo.parse("I would like to look around please")).toEqual({ action: "o look around please", valid: false, penalty: 0.1 })
    expect(Epo.parse("<action>look around")).toMatchObject({ action: "<action>look around", valid: false })
    // No reasoning tags, or a CJK character: the action is kept, the answer is invalid.
    expect(Epo.parse("<action>look around</action>")).toEqual({ action: "look around", valid: false, penalty: 0.1 })
    expect(Epo.parse("<think>看</think><action>look around</action>")).toMatchObject({ action: "look around", valid: false })
    // A closing tag before the opening one: Python's slice is empty.
    expect(Epo.parse("<think></think></action><action>wait")).toEqual({ action: "", valid: true, penalty: 0 })
    expect(Epo.parse("<think></think><action>a</action>", { penalty: 0.5 }).penalty).toBe(0)
    expect(Epo.parse("nothing", { penalty: 0.5 }).penalty).toBe(0.5)
  })
})

describe("compact science prompt", () => {
  it("shows the task, recent commands, the observation with whitespace collapsed, and the objects", () => {
    const { m } = play(["teleport to kitchen"])
    const text = Compact.render(m, { recentActions: 3 })
    const lines = text.split("\n")
    expect(lines[0]).toBe(`Task: ${m.task}`)
    expect(lines[1]).toBe("Previous: teleport to kitchen")
    expect(lines[2]).toMatch(/^Observation: You teleport to the kitchen\.$/)
    expect(lines[3]).toMatch(/^Objects: /)
    expect(lines.at(-1)).toBe("Action:")
    expect(text).not.toMatch(/\t/)
    expect(Compact.compactObservation("a\tbook:\n\u201cIt\u2019s\u201d \u2014 \u00e9")).toBe(`a book: "It's" -- ?`)
    expect(Compact.parse(" focus on cat \n")).toEqual({ action: "focus on cat", valid: true, penalty: 0 })
    expect(Compact.parse("a\nb").valid).toBe(false)
  })

  it("formats are chosen by name; an unknown one is a ConfigError", () => {
    const f = Effect.runSync(make("verl-agent", { historyLength: 2 }))
    expect(f.parse("<think></think><action>wait</action>").action).toBe("wait")
    expect(String(Effect.runSync(Effect.flip(make("notebook", {}, "environment.prompt"))))).toMatch(/unknown science prompt format "notebook"/)
  })
})
