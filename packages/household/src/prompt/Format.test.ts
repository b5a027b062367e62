import { it } from "@effect/vitest"
import { ConfigError } from "@epo/core"
import { Memory } from "@epo/env"
import { Effect } from "effect"
import { expect } from "vitest"
import * as Compact from "./Compact.js"
import { formatNames, make } from "./Format.js"
import * as Notebook from "./Notebook.js"
import * as VerlAgent from "./VerlAgent.js"

const memory = Memory.record(Memory.start("find it.", "start", ["look"]), "look", "here", ["look", "wait"])

it.effect("formats are selected by name and carry their options", () =>
  Effect.gen(function* () {
    expect(formatNames).toEqual(["verl-agent", "compact", "notebook"])
    const verl = yield* make("verl-agent", { historyLength: 0, penalty: 0.3 })
    expect(verl.render(memory)).toBe(VerlAgent.render(memory, { historyLength: 0 }))
    expect(verl.parse("<action>look</action>")).toEqual({ action: "look", valid: false, penalty: 0.3 })
    const compact = yield* make("compact", { recentActions: 1 })
    expect(compact.render(memory)).toBe(Compact.render(memory, { recentActions: 1 }))
    expect(compact.parse("look").valid).toBe(true)
    const notebook = yield* make("notebook", { recentActions: 2 })
    expect(notebook.render(memory)).toBe(Notebook.render(memory, { recentActions: 2 }))
    expect(notebook.parse(" look ")).toEqual({ action: "look", valid: true, penalty: 0 })
  })
)

it.effect("an unknown format is a ConfigError naming the field", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(make("toString", {}, "rollout.prompt"))
    expect(error).toBeInstanceOf(ConfigError)
    expect(String(error)).toBe('invalid configuration at rollout.prompt: unknown prompt format "toString" (known: verl-agent, compact, notebook)')
  })
)
