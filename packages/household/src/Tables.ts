/**
 * The reference tables of ALFWorld's text games, copied into ./data by
 * scripts/build-data.ts: the AI2-THOR class tables (classes.json), every floor plan's
 * receptacle instances with their doors and spots and the objects its games hold
 * (layouts.json), and how its games start: which receptacles start the same object, how
 * many instances of a class a game holds (starts.json). This module
 * turns them into the lookups the engine and the generator need.
 */
import classesJson from "./data/classes.json" with { type: "json" }
import layoutsJson from "./data/layouts.json" with { type: "json" }
import startsJson from "./data/starts.json" with { type: "json" }

/** Lowercased class name: the instance prefix and the word used in goal text. */
export const lower = (cls: string): string => cls.toLowerCase()

export type RoomType = "Kitchen" | "LivingRoom" | "Bedroom" | "Bathroom"
export const roomTypes: ReadonlyArray<RoomType> = ["Kitchen", "LivingRoom", "Bedroom", "Bathroom"]

/** Receptacle class -> object classes it can contain (ALFWorld's canContain facts). */
export const canContain: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(classesJson.canContain).map(([r, os]) => [r, new Set(os)])
)

export const contains = (receptacleClass: string, objectClass: string): boolean =>
  canContain.get(receptacleClass)?.has(objectClass) ?? false

/**
 * Movable receptacles (bowl, box, cup, mug, pan, plate, pot): objects here, as in ALFWorld's
 * text games, whose PDDL comments out every action that puts things into objects. They are
 * `isReceptacleObject`, so examining one held lists what started inside it.
 */
export const movableReceptacles: ReadonlySet<string> = new Set(classesJson.movableReceptacles)

/** Fixed receptacles: the places the agent can go to. */
export const fixedReceptacleClasses: ReadonlySet<string> = new Set(
  classesJson.receptacles.filter((r) => !movableReceptacles.has(r))
)

/** Classes whose instances have a door unless the floor plan says otherwise (`openable` per instance). */
export const openableClasses: ReadonlySet<string> = new Set(classesJson.openableClasses)
export const heatable: ReadonlySet<string> = new Set(classesJson.actionObjects.Heatable)
export const coolable: ReadonlySet<string> = new Set(classesJson.actionObjects.Coolable)
export const cleanable: ReadonlySet<string> = new Set(classesJson.actionObjects.Cleanable)
/** Lamps: the games mark every DeskLamp and FloorLamp toggleable, whatever the task. */
export const toggleable: ReadonlySet<string> = new Set(classesJson.actionObjects.Toggleable)
export const sliceable: ReadonlySet<string> = new Set(classesJson.actionObjects.Sliceable)
/** What `slice` needs in hand (alfred.pddl SliceObject: KnifeType or ButterKnifeType). */
export const knives: ReadonlySet<string> = new Set(["Knife", "ButterKnife"])

interface LayoutJson {
  readonly floorPlan: number
  readonly roomType: string
  readonly games: Readonly<Partial<Record<string, number>>>
  readonly receptacles: ReadonlyArray<{ name: string; type: string; openable: boolean; location: number }>
  readonly objects: ReadonlyArray<{ type: string; pickupable: boolean; count: ReadonlyArray<number>; in: Readonly<Record<string, number>> }>
}
const layouts = layoutsJson.floorPlans as unknown as ReadonlyArray<LayoutJson>

/**
 * Object classes that can appear in a game's text (they start inside some receptacle in
 * some ALFWorld game): pickupable objects, and the props that cannot be picked up (lamps,
 * house plants, televisions, ...), which are listed in contents but never taken or examined.
 */
export const objectClasses: ReadonlySet<string> = new Set(layouts.flatMap((f) => f.objects.map((o) => o.type)))

/** The listed classes an agent can pick up (teddybear and papertowelroll too, though no receptacle can contain them). */
export const pickupable: ReadonlySet<string> = new Set(
  layouts.flatMap((f) => f.objects.filter((o) => o.pickupable).map((o) => o.type))
)

/**
 * Receptacle classes an object class can be found in: where ALFWorld's games start it (in
 * any floor plan) or where it can be put (canContain). What an agent that knows the
 * games' tables can expect; the exploring expert searches only these.
 */
const startClasses = new Map<string, Set<string>>()
for (const f of layouts) {
  const classOf = new Map(f.receptacles.map((r) => [r.name, r.type]))
  for (const o of f.objects) {
    const set = startClasses.get(o.type) ?? new Set([...canContain].filter(([, os]) => os.has(o.type)).map(([r]) => r))
    for (const name of Object.keys(o.in)) set.add(classOf.get(name)!)
    startClasses.set(o.type, set)
  }
}
export const canBeIn = (receptacleClass: string, objectClass: string): boolean =>
  startClasses.get(objectClass)?.has(receptacleClass) ?? contains(receptacleClass, objectClass)

/** The six ALFWorld task types, in ALFWorld's numbering (type 1 first). */
export const taskTypes = [
  "pick_and_place_simple",
  "look_at_obj_in_light",
  "pick_clean_then_place_in_recep",
  "pick_heat_then_place_in_recep",
  "pick_cool_then_place_in_recep",
  "pick_two_obj_and_place"
] as const
export type TaskType = (typeof taskTypes)[number]

export const goalRoomTypes: Readonly<Record<TaskType, ReadonlyArray<RoomType>>> =
  classesJson.goalRoomTypes as Record<TaskType, ReadonlyArray<RoomType>>

/** A receptacle instance of a floor plan, as ALFWorld's games have it. */
export interface RoomReceptacle {
  readonly name: string
  readonly cls: string
  /** Whether this instance has a door (some cabinets, drawers and a safe have none). */
  readonly openable: boolean
  /** Its navigation spot, 0-based in order of first receptacle; receptacles with equal spots share one. */
  readonly spot: number
}

/** An object class of a floor plan: how many instances one game holds and where they start. */
export interface RoomObject {
  readonly cls: string
  readonly count: readonly [number, number]
  /** Receptacle indices an instance can start in, with weights (games of ALFWorld in which one did). */
  readonly hosts: ReadonlyArray<number>
  readonly weights: ReadonlyArray<number>
  /**
   * Per host: the groups of receptacles (the host among them, every one a host) that start
   * the same object in ALFWorld's games (a pot on stove burners 1 and 3), each with the
   * probability that an instance starting in the host starts in all of them: the objects
   * counted in the group over the objects counted in the host.
   */
  readonly joins: ReadonlyArray<ReadonlyArray<{ readonly receptacles: ReadonlyArray<number>; readonly p: number }>>
}

/** One AI2-THOR floor plan as ALFWorld's games use it. */
export interface FloorPlan {
  readonly floorPlan: number
  readonly roomType: RoomType
  /** In listing order (classes alphabetically, numbers descending). */
  readonly receptacles: ReadonlyArray<RoomReceptacle>
  readonly spots: number
  readonly objects: ReadonlyArray<RoomObject>
  /** ALFWorld's games of this floor plan per split (train, valid_seen, valid_unseen, valid_train). */
  readonly games: Readonly<Partial<Record<string, number>>>
}

/** Instance number of a name ("cabinet 12" -> 12). */
export const instanceNumber = (name: string): number => Number(name.slice(name.lastIndexOf(" ") + 1))

/** The text of a name before its number ("sinkbasin 1" -> "sinkbasin"). */
export const namePrefix = (name: string): string => name.slice(0, name.lastIndexOf(" "))

/**
 * The listing order of instances: name prefix alphabetically (ALFWorld sorts by object id,
 * whose class part the prefix is), then number descending ("a cabinet 2, a cabinet 1").
 */
export const listingOrder = (a: { readonly name: string }, b: { readonly name: string }): number => {
  const pa = namePrefix(a.name)
  const pb = namePrefix(b.name)
  return pa < pb ? -1 : pa > pb ? 1 : instanceNumber(b.name) - instanceNumber(a.name)
}

const startsByPlan = new Map(startsJson.floorPlans.map((o) => [o.floorPlan, o]))

const buildFloorPlan = (f: LayoutJson): FloorPlan => {
  const recs = f.receptacles.map((r) => ({ name: r.name, cls: r.type, openable: r.openable, location: r.location }))
  recs.sort(listingOrder)
  // Spots numbered by their first receptacle in listing order (as Scene.load numbers them).
  const spotIds = [...new Set(recs.map((r) => r.location))]
  const receptacles = recs.map((r) => ({ name: r.name, cls: r.cls, openable: r.openable, spot: spotIds.indexOf(r.location) }))
  const index = new Map(receptacles.map((r, i) => [r.name, i]))
  const at = (name: string): number => {
    const i = index.get(name)
    if (i === undefined) throw new Error(`household data: floor plan ${f.floorPlan} has no receptacle "${name}"`)
    return i
  }
  const starts = startsByPlan.get(f.floorPlan)
  const groups = (starts?.groups ?? []).map((g) => ({ receptacles: g.receptacles.map(at), objects: g.objects }))
  const contained = new Map(Object.entries(starts?.contained ?? {}).map(([name, n]) => [at(name), n]))
  const objects = f.objects.map((o) => {
    const entries = Object.entries(o.in)
    const hosts = entries.map(([name]) => at(name))
    return {
      cls: o.type,
      count: [o.count[0], o.count[1]] as const,
      hosts,
      weights: entries.map(([, n]) => n),
      joins: hosts.map((r) =>
        groups
          .filter((g) => g.receptacles.includes(r) && g.receptacles.every((q) => hosts.includes(q)))
          .map((g) => ({ receptacles: g.receptacles, p: g.objects / contained.get(r)! }))
      )
    }
  })
  return {
    floorPlan: f.floorPlan,
    roomType: f.roomType as RoomType,
    receptacles,
    spots: spotIds.length,
    objects,
    games: f.games
  }
}

/**
 * How many instances of a class a game holds, within its floor plan's range min..max:
 * `instanceCountWeights[max - min][k]` weighs min + k (ALFWorld's games lean to the fewest).
 */
export const instanceCountWeights: ReadonlyArray<ReadonlyArray<number>> = startsJson.counts

/**
 * The name prefixes instances of a receptacle class have: its lowercased name, and any
 * other the Demangler gave (floor plan 420 names a SinkBasin "bathtubbasin 1": its object
 * id is Bathtub|...|SinkBasin).
 */
export const receptacleNamePrefixes = (cls: string): ReadonlyArray<string> => [
  ...new Set([lower(cls), ...layouts.flatMap((f) => f.receptacles.filter((r) => r.type === cls).map((r) => namePrefix(r.name)))])
]

/** The 112 floor plans of ALFWorld's games, by number. */
export const floorPlans: ReadonlyArray<FloorPlan> = layouts.map(buildFloorPlan)

/** ALFWorld's splits: games and floor plans (train 3,553 games in 108 floor plans, ...). */
export const alfworldSplits = layoutsJson.splits as Readonly<
  Record<"train" | "valid_seen" | "valid_unseen" | "valid_train", { readonly games: number; readonly floorPlans: ReadonlyArray<number> }>
>
