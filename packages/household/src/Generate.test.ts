import { describe, expect, it } from "vitest"
import { NOTHING, receptaclesOf } from "./Game.js"
import { gameOf, splitNames } from "./Splits.js"
import { alfworldSplits, floorPlans } from "./Tables.js"

const games = splitNames.flatMap((split) => Array.from({ length: 150 }, (_, seed) => ({ split, seed, game: gameOf(split, seed) })))
const plan = (n: number) => floorPlans.find((f) => f.floorPlan === n)!
const alfworldSplit = { train: "train", train_types_1_4: "train", eval_types_5_6: "train", eval_in_distribution: "valid_seen", eval_out_of_distribution: "valid_unseen" } as const

describe("generated games", () => {
  it("are played in ALFWorld's rooms of the matching split: its receptacles, doors and spots", () => {
    for (const { split, game } of games) {
      expect(alfworldSplits[alfworldSplit[split]].floorPlans).toContain(game.floorPlan)
      const fp = plan(game.floorPlan)
      expect(game.receptacles).toEqual(fp.receptacles)
      expect(game.spots).toBe(fp.spots)
    }
    // Floor plan 308 (unseen): 6 drawers and 6 shelves, drawers 2 and 3 doorless at one spot.
    const room = games.find((g) => g.game.floorPlan === 308)!.game.receptacles
    expect(room.filter((r) => r.cls === "Drawer").length).toBe(6)
    expect(room.filter((r) => r.cls === "Shelf").length).toBe(6)
    const [d2, d3] = ["drawer 2", "drawer 3"].map((n) => room.find((r) => r.name === n)!)
    expect([d2.openable, d3.openable, d2.spot === d3.spot]).toEqual([false, false, true])
  })

  it("start every object where ALFWorld's games start its class, the goal's away from the target class", () => {
    for (const { game } of games) {
      const fp = plan(game.floorPlan)
      game.objects.forEach((o, i) => {
        const hosts = fp.objects.find((x) => x.cls === o.cls)!.hosts
        const places = receptaclesOf(game, game.initial, i)
        expect(places.length).toBeGreaterThan(0)
        for (const r of places) expect([o.cls, game.receptacles[r].name, hosts.includes(r)]).toEqual([o.cls, game.receptacles[r].name, true])
        if (o.cls === game.goal.object) for (const r of places) expect(game.receptacles[r].cls).not.toBe(game.goal.receptacle)
      })
      expect(game.initial.holding).toBe(NOTHING)
    }
  })

  it("start the goal's objects that are in a fridge cool, and nothing else", () => {
    let cool = 0
    for (const { game } of games) {
      game.objects.forEach((o, i) => {
        const inFridge = receptaclesOf(game, game.initial, i).some((r) => game.receptacles[r].cls === "Fridge")
        expect(game.initial.cool[i]).toBe(o.cls === game.goal.object && inFridge ? 1 : 0)
        cool += game.initial.cool[i]
      })
    }
    expect(cool).toBeGreaterThan(0)
  })

  it("start some objects in two receptacles at once, as ALFWorld's kitchens do", () => {
    const multi = games.filter(({ game }) => game.objects.some((_, i) => receptaclesOf(game, game.initial, i).length > 1))
    expect(multi.length).toBeGreaterThan(games.length / 5)
  })
})
