/**
 * Properties of the household engine: determinism, exact admissibility, containment of
 * moved objects, scene JSON round trips.
 */
import { Random } from "@epo/core"
import { HouseholdSession, Scene, Splits, Tables } from "@epo/household"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fork, gameArb, randomWalk, sessionOf } from "./walk.js"

const snapshot = (s: ReturnType<typeof sessionOf>) => JSON.stringify(Scene.saveSession(s))

describe("household engine properties", () => {
  it("the same seed gives the same game and the same transcript", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), (g, walkSeed) => {
        expect(Scene.save(Splits.gameOf(g.split, g.seed))).toEqual(Scene.save(Splits.gameOf(g.split, g.seed)))
        const a = sessionOf(g)
        const b = sessionOf(g)
        expect(a.initialObservation).toBe(b.initialObservation)
        expect(randomWalk(a, 30, walkSeed)).toEqual(randomWalk(b, 30, walkSeed))
      }),
      { numRuns: 60 }
    )
  })

  it("every admissible command succeeds, and the list is sorted and free of duplicates", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 25 }), (g, walkSeed, n) => {
        const s = sessionOf(g)
        randomWalk(s, n, walkSeed)
        if (s.isDone) return
        const cmds = s.admissibleCommands()
        expect([...cmds].sort()).toEqual(cmds)
        expect(new Set(cmds).size).toBe(cmds.length)
        for (const c of cmds) {
          const t = fork(s).step(c)
          expect(t.valid).toBe(true)
          expect(t.observation).not.toBe("Nothing happens.")
        }
      }),
      { numRuns: 80 }
    )
  })

  it("anything not admissible is 'Nothing happens.' and changes nothing", () => {
    // Near misses of admissible commands, commands of other states, and arbitrary text.
    const mutate = (c: string, k: number): string => {
      switch (k % 6) {
        case 0:
          return c.replace(/\d+/, (d) => String(Number(d) + 7))
        case 1:
          return c.toUpperCase()
        case 2:
          return c.replace(" ", "  ")
        case 3:
          return `${c}.`
        case 4:
          return c.replace(/^(\w+)/, (v) => ({ take: "move", move: "take", open: "close", close: "open" })[v] ?? `${v}s`)
        default:
          return c.split(" ").reverse().join(" ")
      }
    }
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 20 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }), fc.string(), (g, walkSeed, n, picks, junk) => {
        const s = sessionOf(g)
        randomWalk(s, n, walkSeed)
        if (s.isDone) return
        const cmds = s.admissibleCommands()
        const other = sessionOf(g)
        randomWalk(other, 10, walkSeed + 1)
        const candidates = [
          junk,
          ...picks.map(([i, k]) => mutate(cmds[i % cmds.length], k)),
          ...other.admissibleCommands()
        ].filter((c) => !cmds.includes(c.trim()))
        for (const c of candidates) {
          const before = snapshot(s)
          const steps = s.stepCount
          if (s.isDone) return
          const t = s.step(c)
          expect([c, t.observation, t.valid, t.reward]).toEqual([c, "Nothing happens.", false, 0])
          expect(snapshot(s)).toBe(before)
          expect(s.stepCount).toBe(steps + 1)
          expect(s.admissibleCommands()).toEqual(cmds)
        }
      }),
      { numRuns: 80 }
    )
  })

  it("an object only ever enters a receptacle that can contain it (ALFWorld's canContain)", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), (g, walkSeed) => {
        const s = sessionOf(g, 200)
        const { receptacles, objects } = s.game
        const R = receptacles.length
        const rng = Random.Stream.fromSeed(walkSeed)
        while (!s.isDone) {
          const before = s.state.inside.slice()
          s.step(rng.pick(s.admissibleCommands()))
          s.state.inside.forEach((v, i) => {
            if (v === 1 && before[i] === 0) {
              const [o, r] = [Math.floor(i / R), i % R]
              expect([objects[o].cls, receptacles[r].cls, Tables.contains(receptacles[r].cls, objects[o].cls)]).toEqual([
                objects[o].cls,
                receptacles[r].cls,
                true
              ])
            }
          })
        }
      }),
      { numRuns: 60 }
    )
  })

  it("scene JSON round-trips from any reachable state", () => {
    fc.assert(
      fc.property(gameArb, fc.nat(), fc.integer({ min: 0, max: 40 }), (g, walkSeed, n) => {
        const s = sessionOf(g)
        randomWalk(s, n, walkSeed)
        if (s.isWon) return
        const json = Scene.saveSession(s)
        const game = Effect.runSync(Scene.load(JSON.parse(JSON.stringify(json))))
        expect(Scene.save(game)).toEqual(json)
        const copy = fork(s)
        const restored = new HouseholdSession(game, { gameId: s.gameId })
        expect(restored.admissibleCommands()).toEqual(copy.admissibleCommands())
        for (const c of copy.admissibleCommands()) expect(fork(restored).step(c)).toEqual(fork(copy).step(c))
      }),
      { numRuns: 60 }
    )
  })
})
