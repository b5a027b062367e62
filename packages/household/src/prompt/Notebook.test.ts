import { Memory } from "@epo/env"
import { describe, expect, it } from "vitest"
import * as HouseholdEnvironment from "../HouseholdEnvironment.js"
import * as Scene from "../Scene.js"
import * as Notebook from "./Notebook.js"

const reset =
  "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see a cabinet 10, a cabinet 9, a countertop 1, and a microwave 1.\n\nYour task is to: put a hot egg in countertop."
const steps: ReadonlyArray<readonly [string, string]> = [
  ["go to cabinet 9", "You arrive at cabinet 9. The cabinet 9 is closed."],
  ["open cabinet 9", "You open the cabinet 9. The cabinet 9 is open. In it, you see a egg 2, a egg 1, and a mug 1."],
  ["take egg 1 from cabinet 9", "You pick up the egg 1 from the cabinet 9."],
  ["go to microwave 1", "You arrive at microwave 1. The microwave 1 is closed."],
  ["heat egg 1 with microwave 1", "You heat the egg 1 using the microwave 1."]
]
const memories = steps.reduce((ms, [action, observation]) => [...ms, Memory.record(ms.at(-1)!, action, observation, ["look"])], [
  Memory.start("put a hot egg in countertop.", reset, ["look"])
])

describe("Notebook", () => {
  it("at reset: the task, empty hands, every receptacle unseen (by name, then number), the first sentence of the room", () => {
    expect(Notebook.render(memories[0])).toBe(
      [
        "Task: put a hot egg in countertop.",
        "Holding: nothing",
        "Unseen: cabinet 9, cabinet 10, countertop 1, microwave 1",
        "Observation: You are in the middle of a room.",
        "Action:"
      ].join("\n")
    )
  })

  it("keeps what each observation revealed, updated by the agent's own take and heat", () => {
    expect(Notebook.render(memories[2])).toBe(
      [
        "Task: put a hot egg in countertop.",
        "Holding: nothing",
        "At: cabinet 9",
        "Seen: cabinet 9: egg 2, egg 1, mug 1",
        "Unseen: cabinet 10, countertop 1, microwave 1",
        "Previous: go to cabinet 9 | open cabinet 9",
        "Observation: You open the cabinet 9. The cabinet 9 is open. In it, you see a egg 2, a egg 1, and a mug 1.",
        "Action:"
      ].join("\n")
    )
    expect(Notebook.render(memories[5], { recentActions: 1 })).toBe(
      [
        "Task: put a hot egg in countertop.",
        "Holding: egg 1 (hot)",
        "At: microwave 1",
        "Seen: cabinet 9: egg 2, mug 1",
        "Unseen: cabinet 10, countertop 1, microwave 1",
        "Previous: heat egg 1 with microwave 1",
        "Observation: You heat the egg 1 using the microwave 1.",
        "Action:"
      ].join("\n")
    )
  })

  it("cooling after heating leaves the object cool only; a move empties the hands and lists the object there", () => {
    const notes = [
      "You cool the egg 1 using the fridge 1.",
      "You arrive at countertop 1. On the countertop 1, you see a knife 1.",
      "You move the egg 1 to the countertop 1."
    ].reduce(Notebook.read, Notebook.notesOf(memories[5]))
    expect(notes.holding).toBeUndefined()
    expect(notes.contents.get("countertop 1")).toEqual(["knife 1", "egg 1"])
    expect(Notebook.read(Notebook.notesOf(memories[5]), "You cool the egg 1 using the fridge 1.").states).toEqual(["cool"])
  })

  it("an object moved where it still is (it started in two receptacles) is listed there once", () => {
    const notes = [
      "You arrive at stoveburner 3. On the stoveburner 3, you see a pot 1.",
      "On the stoveburner 1, you see a pot 1.",
      "You pick up the pot 1 from the stoveburner 1.",
      "You move the pot 1 to the stoveburner 3."
    ].reduce(Notebook.read, Notebook.notesOf(memories[0]))
    expect([notes.contents.get("stoveburner 1"), notes.contents.get("stoveburner 3")]).toEqual([[], ["pot 1"]])
  })

  it("the notes hold exactly what the engine says the agent has seen, with the receptacles' true contents (random play)", () => {
    for (const seed of [3, 17, 42, 101, 250]) {
      const session = HouseholdEnvironment.session("train", seed)
      let memory = Memory.start(session.task, session.initialObservation, session.admissibleCommands())
      for (let turn = 0; turn < 40; turn++) {
        const commands = session.admissibleCommands()
        const command = commands[(seed * 7919 + turn * 104729) % commands.length]
        const t = session.step(command)
        memory = Memory.record(memory, command, t.observation, session.admissibleCommands())
        const scene = Scene.saveSession(session)
        const notes = Notebook.notesOf(memory)
        expect([...notes.contents.keys()].sort(), `seed ${seed} turn ${turn}`).toEqual([...(scene.agent.seen ?? [])].sort())
        expect(notes.receptacles.slice().sort()).toEqual(scene.receptacles.map((r) => r.name).sort())
        for (const [receptacle, objects] of notes.contents)
          expect(objects.slice().sort(), `${receptacle} at seed ${seed} turn ${turn}`).toEqual(
            scene.objects.filter((o) => o.location === receptacle || o.alsoIn?.includes(receptacle)).map((o) => o.name).sort()
          )
        const held = scene.objects.find((o) => o.location === "held")
        expect(notes.holding).toBe(held?.name)
        if (t.done) break
      }
    }
  })
})
