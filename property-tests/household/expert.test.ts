/**
 * The two experts on generated games of every task type and split, from the start and
 * from states reached by random play.
 *
 * - oracle (reads the full state): wins every game within 20 steps.
 * - explorer (the default; knows only the task, the room, the games' tables and what it
 *   has seen): always wins, in at most two steps per receptacle plus the plan, and within
 *   ALFWorld's 50 steps except where the object lies deep in a large room (the games
 *   pinned below; docs/environments.md gives the measured rate). It never uses what it
 *   has not seen: it takes only objects it has seen, and moving unseen objects between
 *   unseen receptacles never changes its command.
 *
 * Random play can make a game unwinnable (hands holding a teddy bear, which nothing can
 * contain); there both experts answer undefined.
 */
import { Random } from "@epo/core"
import { Expert, Game, type HouseholdSession, Splits, Tables } from "@epo/household"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fork, gameArb, randomWalk, sessionOf, stuck } from "./walk.js"

/** Plays the session's expert until done; every command must be valid and the game won. */
const solve = (s: HouseholdSession): number => {
  const before = s.stepCount
  while (!s.isDone) {
    const c = s.expertCommand()
    expect(c).toBeDefined()
    const t = s.step(c!)
    expect([c, t.valid]).toEqual([c, true])
  }
  expect([s.gameId, s.isWon]).toEqual([s.gameId, true])
  return s.stepCount - before
}

/** Search reveals each receptacle once (go to, open); the plan adds at most 16 steps (pick two, after a drop). */
const explorerBound = (s: HouseholdSession) => 2 * s.game.receptacles.length + 16

/** Seeds 0-59 of every split and every evaluation game. */
const fixedGames = (): Array<{ split: Splits.SplitName; seed: number }> =>
  Splits.splitNames.flatMap((split) =>
    [...new Set([...Array.from({ length: 60 }, (_, i) => i), ...Splits.evaluationSeeds(split)])].map((seed) => ({ split, seed }))
  )

/**
 * The fixed games the explorer cannot win within 50 steps: the goal objects lie only in
 * the last closed cabinets or drawers of the kitchens of floor plans 5, 16 and 30 (39 to
 * 54 receptacles, 25 to 42 of them behind doors), each costing two steps to look into.
 */
const pinnedBeyond50 = [
  "household/eval_in_distribution/135",
  "household/eval_in_distribution/36",
  "household/eval_types_5_6/103",
  "household/eval_types_5_6/49"
]

describe("oracle expert", () => {
  it("wins the first games of every split, and every evaluation game, from the start within 20 steps", () => {
    const lengths: Record<string, number> = {}
    for (const g of fixedGames()) {
      const s = sessionOf(g, 50, "oracle")
      const n = solve(s)
      lengths[s.taskType] = Math.max(lengths[s.taskType] ?? 0, n)
    }
    expect(Object.keys(lengths).sort()).toEqual([...Tables.taskTypes].sort())
    for (const n of Object.values(lengths)) expect(n).toBeLessThanOrEqual(20)
  })

  it("wins any game from any state reached by random play, within the remaining steps", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 30 }), (g, walkSeed, n) => {
        const s = sessionOf(g, 50, "oracle")
        randomWalk(s, n, walkSeed)
        if (s.isWon) return
        if (stuck(s)) {
          expect(s.expertCommand()).toBeUndefined()
          return
        }
        expect(solve(s)).toBeLessThanOrEqual(20)
      }),
      { numRuns: 200 }
    )
  })
})

describe("explorer expert", () => {
  it("wins the first games of every split and every evaluation game within 50 steps, but for the pinned ones", () => {
    const beyond: Array<string> = []
    const types = new Set<string>()
    for (const g of fixedGames()) {
      const s = sessionOf(g, 200)
      const n = solve(s)
      expect(n).toBeLessThanOrEqual(explorerBound(s))
      types.add(s.taskType)
      if (n > 50) beyond.push(s.gameId)
    }
    expect(types.size).toBe(6)
    expect(beyond.sort()).toEqual(pinnedBeyond50)
  })

  it("wins any game from any state reached by random play, within two steps per receptacle plus the plan", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 30 }), (g, walkSeed, n) => {
        const s = sessionOf(g, 1000)
        randomWalk(s, n, walkSeed)
        if (s.isWon) return
        if (stuck(s)) {
          expect(s.expertCommand()).toBeUndefined()
          return
        }
        expect(solve(s)).toBeLessThanOrEqual(explorerBound(s))
      }),
      { numRuns: 200 }
    )
  })

  it("wins within a fresh 50 steps from at least 99% of 400 fixed reachable states (measured 99.8%)", () => {
    let won = 0
    let total = 0
    for (let k = 0; k < 400; k++) {
      const rng = Random.Stream.fromSeed(k)
      const s = sessionOf({ split: Splits.splitNames[k % 5], seed: rng.int(Splits.seedsPerSplit) }, 1000)
      randomWalk(s, rng.int(31), k)
      if (s.isWon || stuck(s)) continue
      const f = fork(s, 50)
      while (!f.isDone) f.step(f.expertCommand()!)
      total++
      if (f.isWon) won++
    }
    expect(won / total).toBeGreaterThanOrEqual(0.99)
  })

  it("takes only objects it has seen, and its commands do not depend on unseen objects", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), (g, walkSeed, n, m) => {
        const s = sessionOf(g, 1000)
        randomWalk(s, n, walkSeed)
        const rng = Random.Stream.fromSeed(walkSeed + 1)
        for (let k = 0; k < m && !s.isDone && !stuck(s); k++) {
          const c = s.expertCommand()!
          const { game, state } = s
          const R = game.receptacles.length
          const take = /^take .+ from (.+)$/.exec(c)
          if (take !== null) {
            const r = game.receptacles.findIndex((x) => x.name === take[1])
            expect([c, state.seen[r]]).toEqual([c, 1])
          }
          // Move every unseen object (in unseen receptacles only) to an unseen receptacle where it can be.
          const shuffled = Game.cloneState(state)
          const unseen = game.receptacles.flatMap((_, r) => (state.seen[r] === 0 ? [r] : []))
          for (let o = 0; o < game.objects.length; o++) {
            const places = Game.receptaclesOf(game, state, o)
            if (o === state.holding || places.some((r) => state.seen[r] === 1)) continue
            for (const r of places) shuffled.inside[o * R + r] = 0
            shuffled.inside[o * R + rng.pick(unseen.filter((r) => Tables.canBeIn(game.receptacles[r].cls, game.objects[o].cls)))] = 1
          }
          if (!Game.goalHolds(game, shuffled)) expect(Expert.explorer(game, shuffled)).toBe(c)
          s.step(c)
        }
      }),
      { numRuns: 150 }
    )
  })
})
