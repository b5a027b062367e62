import { describe, expect, it } from "vitest"
import * as Memory from "./Memory.js"

describe("Memory", () => {
  const m0 = Memory.start("find it.", "obs0", ["a", "b"])
  const m3 = ["a", "b", "a"].reduce((m, action, i) => Memory.record(m, action, `obs${i + 1}`, ["a"]), m0)

  it("record pairs the observation acted on with the action, and does not mutate", () => {
    expect(m0.entries).toEqual([])
    expect(Memory.stepCount(m3)).toBe(3)
    expect(m3.entries).toEqual([
      { observation: "obs0", action: "a" },
      { observation: "obs1", action: "b" },
      { observation: "obs2", action: "a" }
    ])
    expect(m3.observation).toBe("obs3")
    expect(m3.admissibleCommands).toEqual(["a"])
    expect(m3.task).toBe("find it.")
  })

  it("recent returns the last window entries numbered from 1", () => {
    expect(Memory.recent(m3, 2)).toEqual([
      { step: 2, observation: "obs1", action: "b" },
      { step: 3, observation: "obs2", action: "a" }
    ])
    expect(Memory.recent(m3, 10).map((e) => e.step)).toEqual([1, 2, 3])
    expect(Memory.recent(m3, 0)).toEqual([])
    expect(Memory.recent(m0, 2)).toEqual([])
  })

  it("carries a session's prompt lists when given, and has no lists key otherwise", () => {
    const lists = { objects: ["door", "agent"] }
    const m = Memory.record(Memory.start("t", "o0", ["a"], lists), "a", "o1", ["a"], { objects: ["agent"] })
    expect(m.lists).toEqual({ objects: ["agent"] })
    expect(Object.hasOwn(m3, "lists")).toBe(false)
  })
})
