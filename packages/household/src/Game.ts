/**
 * A game: a fixed room (receptacle instances, their doors and spots), the objects in it,
 * the goal, and the mutable world state an episode starts from. Instances are held in
 * listing order (classes alphabetically, numbers descending: "a cabinet 2, a cabinet 1, a
 * coffeemachine 1"), so every list the engine prints is a walk in index order.
 *
 * The world state mirrors the facts of ALFWorld's PDDL (reference/alfred.pddl) that the
 * text can show: `inReceptacle` (an object can be in several receptacles at once),
 * `objectAtLocation`, the `not_inreceptacle` facts TextWorld records when a take deletes
 * an `inReceptacle` (they decide what `look` lists next to the agent), doors, the held
 * object and the object attributes.
 */
import { type RoomType, type TaskType, lower } from "./Tables.js"

export interface Receptacle {
  readonly name: string
  readonly cls: string
  /** Whether this instance has a door. */
  readonly openable: boolean
  /** Its navigation spot (0-based); receptacles with equal spots share one. */
  readonly spot: number
}

export interface Thing {
  readonly name: string
  readonly cls: string
}

/** The goal, by class (any instance of the class satisfies it, as in ALFWorld's PDDL goals). */
export interface Goal {
  readonly type: TaskType
  /** The object class to move, clean, heat, cool or look at. */
  readonly object: string
  /** The target receptacle class; null for look_at_obj_in_light. */
  readonly receptacle: string | null
  /** The lamp class for look_at_obj_in_light; null otherwise. */
  readonly lamp: string | null
  /** Which of the task type's two goal templates. */
  readonly template: 0 | 1
}

/** The agent's location before its first `go to`: the middle of the room, at no receptacle's spot. */
export const MIDDLE = -1
export const NOTHING = -1

/**
 * The mutable part of a game, as flat arrays. Per object-receptacle pair the index is
 * `o * receptacles + r`, per object-spot pair `o * spots + spot`.
 */
export interface WorldState {
  readonly opened: Uint8Array
  /** inReceptacle(o, r). Taking o from r clears only this pair: o stays in its other receptacles. */
  readonly inside: Uint8Array
  /** not_inreceptacle(o, r): o was taken out of r and not put back since. */
  readonly takenFrom: Uint8Array
  /** objectAtLocation(o, spot): set for the spots of the receptacles o starts in, cleared by a take there, set by a move. */
  readonly at: Uint8Array
  readonly hot: Uint8Array
  readonly cool: Uint8Array
  readonly clean: Uint8Array
  readonly sliced: Uint8Array
  /** ALFWorld's isToggled: set by `use`, never cleared. */
  readonly toggled: Uint8Array
  /**
   * Per receptacle: 1 once the agent has seen its contents (arrived at it while it was
   * open or doorless, opened it, or examined it so). Not part of the world but of what
   * the agent knows: the exploring expert reads only this. Since only the agent moves
   * things, a seen receptacle's contents stay known.
   */
  readonly seen: Uint8Array
  /** The agent's spot, or MIDDLE. */
  agent: number
  holding: number
}

export interface Game {
  readonly floorPlan: number
  readonly roomType: RoomType
  readonly receptacles: ReadonlyArray<Receptacle>
  /** Number of spots; every spot has at least one receptacle. */
  readonly spots: number
  readonly objects: ReadonlyArray<Thing>
  /**
   * Per object: the movable receptacle object it started inside (a spoon in a cup), or
   * NOTHING. ALFWorld's `inReceptacleObject` never changes (the actions that put things
   * into objects are commented out), so this is part of the game, not of the state.
   */
  readonly inObject: ReadonlyArray<number>
  readonly goal: Goal
  readonly initial: WorldState
}

export const cloneState = (s: WorldState): WorldState => ({
  opened: s.opened.slice(),
  inside: s.inside.slice(),
  takenFrom: s.takenFrom.slice(),
  at: s.at.slice(),
  hot: s.hot.slice(),
  cool: s.cool.slice(),
  clean: s.clean.slice(),
  sliced: s.sliced.slice(),
  toggled: s.toggled.slice(),
  seen: s.seen.slice(),
  agent: s.agent,
  holding: s.holding
})

/** An empty state of a game's size: nothing anywhere, doors closed, the agent in the middle of the room. */
export const emptyState = (receptacles: number, spots: number, objects: number): WorldState => ({
  opened: new Uint8Array(receptacles),
  inside: new Uint8Array(objects * receptacles),
  takenFrom: new Uint8Array(objects * receptacles),
  at: new Uint8Array(objects * spots),
  hot: new Uint8Array(objects),
  cool: new Uint8Array(objects),
  clean: new Uint8Array(objects),
  sliced: new Uint8Array(objects),
  toggled: new Uint8Array(objects),
  seen: new Uint8Array(receptacles),
  agent: MIDDLE,
  holding: NOTHING
})

/** Whether object o is in receptacle r. */
export const isIn = (game: Game, s: WorldState, o: number, r: number): boolean =>
  s.inside[o * game.receptacles.length + r] === 1

/** The receptacles object o is in (ascending index: listing order). */
export const receptaclesOf = (game: Game, s: WorldState, o: number): Array<number> => {
  const n = game.receptacles.length
  const out: Array<number> = []
  for (let r = 0; r < n; r++) if (s.inside[o * n + r] === 1) out.push(r)
  return out
}

/** Instance name of the n-th instance of a class ("sinkbasin 1", "cd 2"). */
export const instanceName = (cls: string, n: number): string => `${lower(cls)} ${n}`

/** Goal sentence of a goal ("put some soapbottle on toilet"), without the final period. */
export const goalText = (g: Goal): string => {
  const o = lower(g.object)
  const r = g.receptacle === null ? "" : lower(g.receptacle)
  const l = g.lamp === null ? "" : lower(g.lamp)
  const two = (a: string, b: string) => (g.template === 0 ? a : b)
  switch (g.type) {
    case "pick_and_place_simple":
      return two(`put a ${o} in ${r}`, `put some ${o} on ${r}`)
    case "look_at_obj_in_light":
      return two(`look at ${o} under the ${l}`, `examine the ${o} with the ${l}`)
    case "pick_clean_then_place_in_recep":
      return two(`put a clean ${o} in ${r}`, `clean some ${o} and put it in ${r}`)
    case "pick_heat_then_place_in_recep":
      return two(`put a hot ${o} in ${r}`, `heat some ${o} and put it in ${r}`)
    case "pick_cool_then_place_in_recep":
      return two(`put a cool ${o} in ${r}`, `cool some ${o} and put it in ${r}`)
    case "pick_two_obj_and_place":
      return two(`put two ${o} in ${r}`, `find two ${o} and put them in ${r}`)
  }
}

/** The object-state condition a place-type goal requires of its object. */
export const goalCondition = (g: Goal, s: WorldState, o: number): boolean => {
  switch (g.type) {
    case "pick_clean_then_place_in_recep":
      return s.clean[o] === 1
    case "pick_heat_then_place_in_recep":
      return s.hot[o] === 1
    case "pick_cool_then_place_in_recep":
      return s.cool[o] === 1
    default:
      return true
  }
}

/** The instances a goal is about: objects of the goal class, target receptacles, lamps. */
interface GoalInstances {
  readonly objects: ReadonlyArray<number>
  readonly targets: ReadonlyArray<number>
  readonly lamps: ReadonlyArray<number>
}

const goalInstancesCache = new WeakMap<Game, GoalInstances>()

export const goalInstances = (game: Game): GoalInstances => {
  const cached = goalInstancesCache.get(game)
  if (cached !== undefined) return cached
  const g = game.goal
  const of = <A extends { cls: string }>(xs: ReadonlyArray<A>, cls: string | null) =>
    xs.flatMap((x, i) => (x.cls === cls ? [i] : []))
  const out = { objects: of(game.objects, g.object), targets: of(game.receptacles, g.receptacle), lamps: of(game.objects, g.lamp) }
  goalInstancesCache.set(game, out)
  return out
}

/** Whether the goal holds in a state (ALFWorld's PDDL goal of each task type). */
export const goalHolds = (game: Game, s: WorldState): boolean => {
  const g = game.goal
  const { objects, targets, lamps } = goalInstances(game)
  const n = game.receptacles.length
  if (g.type === "look_at_obj_in_light") {
    // A used lamp of the class in a receptacle at the agent's spot, and an object of the class in hand.
    if (s.holding === NOTHING || game.objects[s.holding].cls !== g.object || s.agent === MIDDLE) return false
    for (const l of lamps) {
      if (s.toggled[l] === 0) continue
      for (let r = 0; r < n; r++) if (s.inside[l * n + r] === 1 && game.receptacles[r].spot === s.agent) return true
    }
    return false
  }
  if (g.type === "pick_two_obj_and_place") {
    // Two distinct objects of the class in the same target instance.
    for (const r of targets) {
      let k = 0
      for (const o of objects) if (s.inside[o * n + r] === 1 && ++k === 2) return true
    }
    return false
  }
  for (const o of objects) {
    if (!goalCondition(g, s, o)) continue
    for (const r of targets) if (s.inside[o * n + r] === 1) return true
  }
  return false
}
