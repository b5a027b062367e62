/**
 * Experts: handcoded policies that replan from scratch at every step, so they also
 * recover after another policy's moves. Two, selected by name:
 *
 * - "explorer" (the default): like ALFWorld's handcoded expert
 *   (alfworld/agents/expert/handcoded_expert.py) it knows only what an agent can know:
 *   the goal, the room's receptacle list, the games' tables (where each object class can
 *   be found, the appliances) and what the episode has revealed (`WorldState.seen`: the
 *   receptacles whose contents it has seen; the held object; the states its own heat /
 *   cool / clean commands gave objects). It searches the receptacles where what it looks
 *   for can be, opens closed ones, and takes only objects it has seen. Its demonstrations
 *   are what a policy that reads only the observations can imitate.
 * - "oracle": reads the full world state (where every object is, even inside closed
 *   receptacles) and walks straight to the goal object: the shortest demonstrations.
 *
 * Both follow the same plan (ALFWorld's subgoals): put down a held object the goal does
 * not need; fetch a goal object; heat / cool / clean it at an appliance; move it to the
 * target (pick two: to the target instance already holding most goal objects), or for
 * look tasks take it to a lamp of the goal class and use it. Everything at the agent's
 * spot is used without moving. An expert answers undefined once the goal holds, and when
 * it can no longer be reached: the hands hold an object nothing can contain (a teddy bear,
 * a paper towel roll) that the goal does not need.
 */
import { type Game, type WorldState, NOTHING, goalCondition, goalHolds, goalInstances } from "./Game.js"
import { canBeIn, contains, instanceNumber } from "./Tables.js"

export type Expert = (game: Game, state: WorldState) => string | undefined

const processor: Readonly<Record<string, readonly [string, string]>> = {
  pick_clean_then_place_in_recep: ["SinkBasin", "clean"],
  pick_heat_then_place_in_recep: ["Microwave", "heat"],
  pick_cool_then_place_in_recep: ["Fridge", "cool"]
}

/** Receptacle indices of a class, lowest instance number first (listing order is descending). */
const instances = (game: Game, cls: string): Array<number> => {
  const out: Array<number> = []
  for (let r = game.receptacles.length - 1; r >= 0; r--) if (game.receptacles[r].cls === cls) out.push(r)
  return out
}

/**
 * The plan shared by both experts, over the receptacles in which the expert may know an
 * object to be (`knownIn(o, r)`); `search(cls)` is what to do when no known object of
 * class `cls` is left to take (the oracle never needs it).
 */
const plan = (
  game: Game,
  s: WorldState,
  knownIn: (o: number, r: number) => boolean,
  search: (cls: string) => string
): string | undefined => {
  if (goalHolds(game, s)) return undefined
  const g = game.goal
  const rec = game.receptacles
  const obj = game.objects
  const here = s.agent
  const closed = (r: number) => rec[r].openable && s.opened[r] === 0
  // Steps to reach the inside of r: a `go to` unless it is at this spot, an `open` if it is closed.
  const cost = (r: number) => (rec[r].spot === here ? 0 : 1) + (closed(r) ? 1 : 0)
  const cheapest = (rs: ReadonlyArray<number>): number => {
    let best = -1
    for (const r of rs) if (best === -1 || cost(r) < cost(best)) best = r
    return best
  }
  // Appliances and lamps work whatever the door: one at this spot, else the first.
  const nearest = (rs: ReadonlyArray<number>): number => rs.find((r) => rec[r].spot === here) ?? rs[0]
  // Go to r, open it if it is closed, then do `then`.
  const reach = (r: number, then: string): string =>
    rec[r].spot !== here ? `go to ${rec[r].name}` : closed(r) ? `open ${rec[r].name}` : then
  const knownPlaces = (o: number) => instancesOf(rec.length, (r) => knownIn(o, r))
  const { objects: goalObjects, lamps } = goalInstances(game)

  // The pick-two target: the instance already holding most (known) goal objects.
  const twoTarget = (): number => {
    let best = -1
    let bestCount = -1
    for (const r of instances(game, g.receptacle!)) {
      let n = 0
      for (const o of goalObjects) if (knownIn(o, r)) n++
      if (n > bestCount) {
        best = r
        bestCount = n
      }
    }
    return best
  }

  const h = s.holding
  if (h !== NOTHING && obj[h].cls === g.object) {
    const name = obj[h].name
    if (g.type === "look_at_obj_in_light") {
      const known = lamps.filter((l) => knownPlaces(l).length > 0).reverse()
      if (known.length === 0) return search(g.lamp!)
      const lamp = known.find((l) => s.toggled[l] === 1) ?? known[0]
      const at = nearest(knownPlaces(lamp))
      if (rec[at].spot !== here) return `go to ${rec[at].name}`
      return `use ${obj[lamp].name}`
    }
    const proc = processor[g.type]
    if (proc !== undefined && !goalCondition(g, s, h)) {
      const p = nearest(instances(game, proc[0]))
      return rec[p].spot !== here ? `go to ${rec[p].name}` : `${proc[1]} ${name} with ${rec[p].name}`
    }
    const target = g.type === "pick_two_obj_and_place" ? twoTarget() : cheapest(instances(game, g.receptacle!))
    return reach(target, `move ${name} to ${rec[target].name}`)
  }

  if (h !== NOTHING) {
    // Put down what the goal does not need, where it costs least.
    const fits = instancesOf(rec.length, (r) => contains(rec[r].cls, obj[h].cls))
    if (fits.length === 0) return undefined
    const drop = cheapest(fits)
    return reach(drop, `move ${obj[h].name} to ${rec[drop].name}`)
  }

  // Hands empty: the best known goal object (already clean / hot / cool first, then the
  // lowest-numbered), else search for one.
  const exclude = g.type === "pick_two_obj_and_place" ? twoTarget() : -1
  let best = -1
  for (let i = goalObjects.length - 1; i >= 0; i--) {
    const o = goalObjects[i]
    if ((exclude !== -1 && s.inside[o * rec.length + exclude] === 1) || knownPlaces(o).length === 0) continue
    if (best === -1 || (goalCondition(g, s, o) && !goalCondition(g, s, best))) best = o
  }
  if (best === -1) return search(g.object)
  const r = cheapest(knownPlaces(best))
  return reach(r, `take ${obj[best].name} from ${rec[r].name}`)
}

const instancesOf = (n: number, keep: (r: number) => boolean): Array<number> => {
  const out: Array<number> = []
  for (let r = 0; r < n; r++) if (keep(r)) out.push(r)
  return out
}

/** The omniscient expert: knows where everything is, so it never searches. */
export const oracle: Expert = (game, s) =>
  plan(
    game,
    s,
    (o, r) => s.inside[o * game.receptacles.length + r] === 1,
    (cls) => {
      throw new Error(`oracle: no ${cls} in the game`)
    }
  )

/**
 * Search order of the explorer: receptacles without a door first (a look costs one step,
 * a door two), the goal's target class last (the goal never starts achieved, so a goal
 * object is rarely there), then class name and instance number ascending.
 */
const searchRank = new WeakMap<Game, Int32Array>()

const rankOf = (game: Game): Int32Array => {
  const cached = searchRank.get(game)
  if (cached !== undefined) return cached
  const target = game.goal.receptacle
  const key = (r: number) => {
    const rec = game.receptacles[r]
    return [rec.cls === target ? 1 : 0, rec.openable ? 1 : 0, rec.name.slice(0, rec.name.lastIndexOf(" ")), instanceNumber(rec.name)] as const
  }
  const order = game.receptacles.map((_, r) => r)
  order.sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1
    return 0
  })
  const rank = new Int32Array(order.length)
  order.forEach((r, i) => (rank[r] = i))
  searchRank.set(game, rank)
  return rank
}

/** The exploring expert (the default): knows only the goal, the room, the games' tables and what it has seen. */
export const explorer: Expert = (game, s) => {
  const rec = game.receptacles
  const n = rec.length
  const rank = rankOf(game)
  // Unseen receptacles at this spot first (no `go to` needed), then by rank.
  const order = (r: number) => (rec[r].spot === s.agent ? 0 : n) + rank[r]
  const firstUnseen = (keep: (r: number) => boolean): number => {
    let next = -1
    for (let r = 0; r < n; r++) if (s.seen[r] === 0 && keep(r) && (next === -1 || order(r) < order(next))) next = r
    return next
  }
  const search = (cls: string): string => {
    // Where a `cls` can be; in a hand-written scene it may lie anywhere else.
    let next = firstUnseen((r) => canBeIn(rec[r].cls, cls))
    if (next === -1) next = firstUnseen(() => true)
    if (next === -1) throw new Error(`explorer: every receptacle is seen and there is no ${cls} in them`)
    if (rec[next].spot === s.agent) {
      return rec[next].openable && s.opened[next] === 0 ? `open ${rec[next].name}` : `examine ${rec[next].name}`
    }
    return `go to ${rec[next].name}`
  }
  return plan(game, s, (o, r) => s.seen[r] === 1 && s.inside[o * n + r] === 1, search)
}

export const experts = { explorer, oracle } as const
export type ExpertName = keyof typeof experts
export const expertNames: ReadonlyArray<ExpertName> = ["explorer", "oracle"]
export const defaultExpert: ExpertName = "explorer"
