/**
 * Game generation from a Random key, in ALFWorld's rooms: task type (weighted like
 * ALFWorld's training set) -> a floor plan of the split where that task occurs and whose
 * room allows it (weighted by ALFWorld's games of the split in it) -> its receptacles,
 * doors and spots exactly as ALFWorld's games have them -> its objects, as many instances
 * as ALFWorld's games hold, each starting where they start that class (sometimes in two
 * receptacles at once)
 * -> a goal whose objects are not in the target class at the start. Doors start closed;
 * the agent starts in the middle of the room.
 */
import { Random } from "@epo/core"
import { Data } from "effect"
import { type Game, type Goal, type Thing, NOTHING, emptyState, instanceName } from "./Game.js"
import {
  type FloorPlan,
  type RoomObject,
  type TaskType,
  cleanable,
  contains,
  coolable,
  goalRoomTypes,
  heatable,
  instanceCountWeights,
  listingOrder,
  pickupable,
  toggleable
} from "./Tables.js"

/** How many games of each type ALFWorld's training set has (3,553 in all). */
export const alfworldTrainCounts: Readonly<Record<TaskType, number>> = {
  pick_and_place_simple: 790,
  look_at_obj_in_light: 308,
  pick_clean_then_place_in_recep: 650,
  pick_heat_then_place_in_recep: 459,
  pick_cool_then_place_in_recep: 533,
  pick_two_obj_and_place: 813
}

export interface Distribution {
  readonly floorPlans: ReadonlyArray<FloorPlan>
  /** Relative frequency of each floor plan (ALFWorld's games of the split in it). */
  readonly weights: ReadonlyArray<number>
  readonly taskTypes: ReadonlyArray<TaskType>
}

/** Appliance a task type needs in the room, and the target class it excludes. */
const appliance: Partial<Record<TaskType, string>> = {
  pick_clean_then_place_in_recep: "SinkBasin",
  pick_heat_then_place_in_recep: "Microwave",
  pick_cool_then_place_in_recep: "Fridge"
}

const objectFits = (type: TaskType, cls: string): boolean =>
  type === "pick_clean_then_place_in_recep"
    ? cleanable.has(cls)
    : type === "pick_heat_then_place_in_recep"
      ? heatable.has(cls)
      : type === "pick_cool_then_place_in_recep"
        ? coolable.has(cls)
        : true

/** Whether a floor plan can hold a task of this type at all (before objects are placed). */
export const supports = (fp: FloorPlan, type: TaskType): boolean =>
  goalRoomTypes[type].includes(fp.roomType) &&
  (type !== "look_at_obj_in_light" || fp.objects.some((o) => toggleable.has(o.cls))) &&
  (appliance[type] === undefined || fp.receptacles.some((r) => r.cls === appliance[type]))

const candidates = new WeakMap<Distribution, Map<TaskType, { plans: Array<FloorPlan>; weights: Array<number> }>>()

/** The floor plans of a distribution that support a task type, with their weights (computed once). */
const candidatePlans = (dist: Distribution, type: TaskType) => {
  const byType = candidates.get(dist) ?? new Map<TaskType, { plans: Array<FloorPlan>; weights: Array<number> }>()
  candidates.set(dist, byType)
  let c = byType.get(type)
  if (c === undefined) {
    const keep = dist.floorPlans.flatMap((fp, i) => (supports(fp, type) ? [i] : []))
    c = { plans: keep.map((i) => dist.floorPlans[i]), weights: keep.map((i) => dist.weights[i]) }
    byType.set(type, c)
  }
  return c
}

interface Placed {
  readonly cls: string
  readonly n: number
  /** The receptacles it starts in. */
  inside: ReadonlyArray<number>
}

/**
 * Where one instance of a class starts: a receptacle drawn with the weights of ALFWorld's
 * games, and with it the other receptacles that start the same object there (a pot on two
 * burners), as often as ALFWorld's games do. `allowed`, when given, filters the
 * receptacles (a goal object avoids its target class).
 */
const placement = (spec: RoomObject, rng: Random.Stream, allowed?: (r: number) => boolean): ReadonlyArray<number> => {
  let i: number
  if (allowed === undefined) i = rng.categorical(spec.weights)
  else {
    const candidates = spec.hosts.flatMap((r, k) => (allowed(r) ? [k] : []))
    i = candidates[rng.categorical(candidates.map((k) => spec.weights[k]))]
  }
  const u = rng.next()
  let acc = 0
  for (const g of spec.joins[i]) {
    if (allowed !== undefined && !g.receptacles.every(allowed)) continue
    acc += g.p
    if (u < acc) return g.receptacles
  }
  return [spec.hosts[i]]
}

const placeObjects = (fp: FloorPlan, rng: Random.Stream): Array<Placed> => {
  const out: Array<Placed> = []
  for (const spec of fp.objects) {
    const count = spec.count[0] + rng.categorical(instanceCountWeights[spec.count[1] - spec.count[0]])
    for (let n = 1; n <= count; n++) out.push({ cls: spec.cls, n, inside: placement(spec, rng) })
  }
  return out
}

/** The goal objects and target receptacle classes these objects allow for a task type. */
const goalOptions = (type: TaskType, fp: FloorPlan, objects: ReadonlyArray<Placed>) => {
  const count = new Map<string, number>()
  for (const o of objects) count.set(o.cls, (count.get(o.cls) ?? 0) + 1)
  const recClasses = [...new Set(fp.receptacles.map((r) => r.cls))].sort()
  const out: Array<{ object: string; targets: Array<string> }> = []
  for (const spec of fp.objects) {
    const cls = spec.cls
    if (!pickupable.has(cls) || !objectFits(type, cls)) continue
    if (type === "pick_two_obj_and_place" && count.get(cls)! < 2) continue
    if (type === "look_at_obj_in_light") {
      out.push({ object: cls, targets: [] })
      continue
    }
    // A target must be able to take the object, and the object must be able to start
    // elsewhere, so that the goal does not already hold.
    const targets = recClasses.filter(
      (t) => t !== appliance[type] && contains(t, cls) && spec.hosts.some((r) => fp.receptacles[r].cls !== t)
    )
    if (targets.length > 0) out.push({ object: cls, targets })
  }
  return out.sort((a, b) => (a.object < b.object ? -1 : 1))
}

/** No solvable game within the attempt budget: a defect of the tables or of a split (never seen in tests). */
export class GenerationError extends Data.TaggedError("GenerationError")<{ readonly reason: string }> {
  override toString(): string {
    return `household generation failed: ${this.reason}`
  }
}

const maxAttempts = 64

/** Generates a game; a pure function of the key and the distribution. Throws GenerationError (a defect). */
export const generate = (dist: Distribution, key: Random.Key): Game => {
  const rng = new Random.Stream(key)
  const typeWeights = dist.taskTypes.map((t) => alfworldTrainCounts[t])
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const type = dist.taskTypes[rng.categorical(typeWeights)]
    const { plans, weights } = candidatePlans(dist, type)
    if (plans.length === 0) continue
    const fp = plans[rng.categorical(weights)]
    const objects = placeObjects(fp, rng)
    const options = goalOptions(type, fp, objects)
    if (options.length === 0) continue
    const choice = rng.pick(options)
    let lamp: string | null = null
    if (type === "look_at_obj_in_light") {
      lamp = rng.pick([...new Set(objects.filter((o) => toggleable.has(o.cls)).map((o) => o.cls))].sort())
    }
    const target = type === "look_at_obj_in_light" ? null : rng.pick(choice.targets)
    const goal: Goal = { type, object: choice.object, receptacle: target, lamp, template: rng.int(2) === 0 ? 0 : 1 }
    if (target !== null) {
      // Start every goal object away from the target class.
      const spec = fp.objects.find((o) => o.cls === choice.object)!
      const away = (r: number) => fp.receptacles[r].cls !== target
      for (const o of objects) {
        if (o.cls === choice.object && !o.inside.every(away)) o.inside = placement(spec, rng, away)
      }
    }
    return assemble(fp, objects, goal)
  }
  throw new GenerationError({ reason: `no solvable game after ${maxAttempts} attempts` })
}

const assemble = (fp: FloorPlan, placed: ReadonlyArray<Placed>, goal: Goal): Game => {
  const objects = placed.map((o) => ({ ...o, name: instanceName(o.cls, o.n) })).sort(listingOrder)
  const things: Array<Thing> = objects.map((o) => ({ name: o.name, cls: o.cls }))
  const R = fp.receptacles.length
  const initial = emptyState(R, fp.spots, objects.length)
  objects.forEach((o, i) => {
    for (const r of o.inside) {
      initial.inside[i * R + r] = 1
      initial.at[i * fp.spots + fp.receptacles[r].spot] = 1
      // ALFWorld's games start the goal's objects that are in a fridge cool (augment_pddl_states.py).
      if (o.cls === goal.object && fp.receptacles[r].cls === "Fridge") initial.cool[i] = 1
    }
  })
  return {
    floorPlan: fp.floorPlan,
    roomType: fp.roomType,
    receptacles: fp.receptacles,
    spots: fp.spots,
    objects: things,
    inObject: things.map(() => NOTHING),
    goal,
    initial
  }
}
