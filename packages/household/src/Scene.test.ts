import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Scene from "./Scene.js"
import { gameOf } from "./Splits.js"
import { HouseholdSession } from "./Engine.js"
import { kitchen, loadSync, roomOf, thing } from "./testing.js"

const errorOf = (input: unknown): string => {
  const r = Effect.runSync(Effect.result(Scene.load(input)))
  if (r._tag === "Success") throw new Error("expected a ConfigError")
  return r.failure.toString()
}

const edit = (f: (s: any) => void): unknown => {
  const s = structuredClone(kitchen) as any
  f(s)
  return s
}

describe("Scene", () => {
  it("round-trips a generated game and a hand-written scene", () => {
    const game = gameOf("train", 5)
    const json = Scene.save(game)
    expect(Scene.save(loadSync(json))).toEqual(json)
    expect(loadSync(JSON.parse(JSON.stringify(json)))).toEqual(game)
    expect(Scene.save(loadSync(kitchen))).toEqual({
      ...kitchen,
      // saved in listing order: classes alphabetically, numbers descending
      receptacles: [kitchen.receptacles[1], kitchen.receptacles[0], ...kitchen.receptacles.slice(2)],
      objects: [kitchen.objects[1], kitchen.objects[0], ...kitchen.objects.slice(2)]
    })
  })

  it("names the path of a Schema error", () => {
    expect(errorOf(edit((s) => (s.objects[2].hot = "yes")))).toContain(`["objects"][2]["hot"]`)
    expect(errorOf(edit((s) => (s.goal.type = "pick_and_slice")))).toContain(`["goal"]["type"]`)
    expect(errorOf(edit((s) => delete s.agent))).toContain(`["agent"]`)
    expect(errorOf(edit((s) => (s.agent.seen = "fridge 1")))).toContain(`["agent"]["seen"]`)
  })

  it("names the path of a semantic error", () => {
    const cases: Array<[(s: any) => void, string]> = [
      [(s) => (s.receptacles[0].class = "Spaceship"), "receptacles[0].class"],
      [(s) => (s.receptacles[1].name = "cabinet 1"), "receptacles[1].name"],
      [(s) => (s.receptacles[2].name = "counter 1"), "receptacles[2].name"],
      [(s) => (s.receptacles[2].open = true), "receptacles[2].open"],
      [(s) => (s.receptacles[2].openable = true), "receptacles[2].openable: a CounterTop has no door"],
      [(s) => ((s.receptacles[0].openable = false), (s.receptacles[0].open = true)), "receptacles[0].open"],
      [(s) => (s.objects[2].alsoIn = ["countertop 1"]), "objects[2].alsoIn"],
      [(s) => (s.objects[2].alsoIn = ["garage 1"]), "objects[2].alsoIn[0]"],
      [(s) => (s.objects[2].takenFrom = ["countertop 1"]), "objects[2].takenFrom[0]"],
      [(s) => (s.objects[2].at = ["fridge 1", "fridge 1"]), "objects[2].at[1]: duplicate"],
      [(s) => (s.objects[2].insideObject = "apple 1"), "objects[2].insideObject"],
      [(s) => (s.objects[2].sliced = true), "objects[2].sliced"],
      [(s) => (s.objects.push({ ...s.objects[0], name: "houseplant 1", class: "HousePlant", location: "held" })), "cannot be picked up"],
      [(s) => (s.objects[0].location = "stove 1"), "objects[0].location"],
      [(s) => ((s.objects[0].location = "held"), (s.objects[1].location = "held")), "objects[1].location"],
      [(s) => (s.objects[2].hot = true), "objects[2].hot"],
      [(s) => ((s.objects[0].hot = true), (s.objects[0].cool = true)), "objects[0].cool"],
      [(s) => (s.objects[3].class = "Spaceship"), "objects[3].class"],
      [(s) => (s.agent.location = "garage 1"), "agent.location"],
      [(s) => (s.agent.seen = ["fridge 1", "garage 1"]), "agent.seen[1]"],
      [(s) => (s.agent.seen = ["fridge 1", "fridge 1"]), "agent.seen[1]: duplicate"],
      [(s) => (s.goal.receptacle = "Toilet"), "goal.receptacle"],
      [(s) => (s.goal.object = "Knife"), "goal.object"],
      [(s) => (s.goal.lamp = "DeskLamp"), "goal.lamp"],
      [(s) => (s.receptacles = s.receptacles.filter((r: any) => r.class !== "Microwave")), "goal.type"],
      [
        (s) => ((s.objects[0].location = "diningtable 1"), (s.objects[0].hot = true)),
        "invalid configuration at goal: the goal already holds"
      ]
    ]
    for (const [f, path] of cases) expect(errorOf(edit(f))).toContain(path)
  })

  it("takes a room's doors, shared spots and ALFWorld's names (floor plan 420 has a SinkBasin named bathtubbasin 1)", () => {
    const scene: Scene.SceneJson = {
      ...kitchen,
      floorPlan: 420,
      roomType: "Bathroom",
      receptacles: roomOf(420),
      objects: [thing("soapbar 1", "SoapBar", "toilet 1"), thing("spraybottle 1", "SprayBottle", "sidetable 1", { alsoIn: ["drawer 1"] })],
      goal: { type: "pick_clean_then_place_in_recep", object: "SoapBar", receptacle: "SideTable", lamp: null, template: 0 }
    }
    const game = loadSync(scene)
    expect(game.receptacles.find((r) => r.name === "bathtubbasin 1")!.cls).toBe("SinkBasin")
    // Listed where its object id (Bathtub|...) sorts: first.
    expect(new HouseholdSession(game, { gameId: "household/test" }).initialObservation).toContain("you see a bathtubbasin 1, a drawer 1,")
    expect(Scene.save(loadSync(Scene.save(game)))).toEqual(Scene.save(game))
    expect(errorOf({ ...scene, receptacles: [...scene.receptacles, { name: "bathtubbasin 2", class: "Cabinet", open: false }] })).toContain(
      `"bathtubbasin 2" is not an instance name of class Cabinet`
    )
  })

  it("rejects text that is not JSON with a ConfigError", () => {
    const r = Effect.runSync(Effect.result(Scene.parse("{ nope")))
    expect(r._tag === "Failure" && r.failure.toString()).toMatch(/^invalid configuration at scene: not JSON/)
  })
})
