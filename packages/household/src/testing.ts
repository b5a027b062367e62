/**
 * Helpers for tests of this package and its property tests: a small hand-written
 * kitchen scene, the receptacles of a real floor plan as scene JSON, and loading scene
 * JSON synchronously.
 */
import { Effect } from "effect"
import { HouseholdSession } from "./Engine.js"
import type { Game } from "./Game.js"
import * as Scene from "./Scene.js"
import { floorPlans } from "./Tables.js"

/** A small kitchen: heat an apple and put it on the dining table. */
export const kitchen: Scene.SceneJson = {
  format: "epo-household-scene/1",
  floorPlan: 1,
  roomType: "Kitchen",
  receptacles: [
    { name: "cabinet 1", class: "Cabinet", open: false },
    { name: "cabinet 2", class: "Cabinet", open: false },
    { name: "countertop 1", class: "CounterTop", open: false },
    { name: "diningtable 1", class: "DiningTable", open: false },
    { name: "fridge 1", class: "Fridge", open: false },
    { name: "microwave 1", class: "Microwave", open: false },
    { name: "sinkbasin 1", class: "SinkBasin", open: false }
  ],
  objects: [
    { name: "apple 1", class: "Apple", location: "countertop 1", hot: false, cool: false, clean: false, toggled: false },
    { name: "apple 2", class: "Apple", location: "fridge 1", hot: false, cool: false, clean: false, toggled: false },
    { name: "knife 1", class: "Knife", location: "countertop 1", hot: false, cool: false, clean: false, toggled: false },
    { name: "mug 1", class: "Mug", location: "cabinet 1", hot: false, cool: false, clean: false, toggled: false }
  ],
  agent: { location: null },
  goal: { type: "pick_heat_then_place_in_recep", object: "Apple", receptacle: "DiningTable", lamp: null, template: 0 }
}

export const loadSync = (scene: unknown): Game => Effect.runSync(Scene.load(scene))

export const sessionOf = (scene: unknown, maxSteps?: number): HouseholdSession =>
  new HouseholdSession(loadSync(scene), { gameId: "household/test", maxSteps })

/** The receptacles of an ALFWorld floor plan as scene JSON (doors per instance, shared spots labelled), all closed. */
export const roomOf = (floorPlan: number): Scene.SceneJson["receptacles"] => {
  const fp = floorPlans.find((f) => f.floorPlan === floorPlan)!
  return fp.receptacles.map((r) => ({ name: r.name, class: r.cls, open: false, openable: r.openable, spot: r.spot }))
}

/** An object of scene JSON with every attribute false. */
export const thing = (name: string, cls: string, location: string, extra: Partial<Scene.SceneJson["objects"][number]> = {}) => ({
  name,
  class: cls,
  location,
  hot: false,
  cool: false,
  clean: false,
  toggled: false,
  ...extra
})
