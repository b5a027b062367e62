/** Shared arbitraries for the household property tests: games and random admissible walks. */
import { Random } from "@epo/core"
import { type Expert, HouseholdSession, Splits, Tables } from "@epo/household"
import fc from "fast-check"

export const splitArb = fc.constantFrom(...Splits.splitNames)
export const seedArb = fc.integer({ min: 0, max: Splits.seedsPerSplit - 1 })
export const gameArb = fc.record({ split: splitArb, seed: seedArb })

export const sessionOf = (g: { split: Splits.SplitName; seed: number }, maxSteps = 50, expert?: Expert.ExpertName) =>
  new HouseholdSession(Splits.gameOf(g.split, g.seed), { gameId: Splits.gameId(g.split, g.seed), maxSteps, expert })

/** Plays `n` uniformly random admissible commands (stops early once done); returns the transcript. */
export const randomWalk = (s: HouseholdSession, n: number, walkSeed: number): Array<string> => {
  const rng = Random.Stream.fromSeed(walkSeed)
  const out: Array<string> = []
  for (let i = 0; i < n && !s.isDone; i++) {
    const c = rng.pick(s.admissibleCommands())
    out.push(`> ${c}`, s.step(c).observation)
  }
  return out
}

/** A copy of a session in its current state (same game and expert, fresh step count). */
export const fork = (s: HouseholdSession, maxSteps?: number): HouseholdSession =>
  new HouseholdSession(s.game, { gameId: s.gameId, state: s.state, maxSteps, expert: s.expert })

/**
 * Whether random play has made the game unwinnable: the hands hold an object the goal
 * does not need and that no receptacle of the room can contain (a teddy bear, a paper
 * towel roll), so they can never be emptied.
 */
export const stuck = (s: HouseholdSession): boolean => {
  const h = s.state.holding
  if (h === -1) return false
  const cls = s.game.objects[h].cls
  return cls !== s.game.goal.object && !s.game.receptacles.some((r) => Tables.contains(r.cls, cls))
}
