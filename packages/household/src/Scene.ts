/**
 * The scene JSON format: a whole game state as plain, human-editable JSON (receptacles
 * with their doors and shared spots, objects with where they are and their attributes,
 * the agent, the goal). `load` checks it with effect/Schema, then checks what Schema
 * cannot state (known classes, names, references, a solvable, not yet achieved goal);
 * every failure is a ConfigError naming the path of the bad field. `save` writes any game
 * (or the current state of a session) in the same format; load(save(g)) is g.
 *
 * Optional fields are written only when they differ from their default, so a simple
 * scene stays simple: `openable` (default: the class has doors), `spot` (default: a spot
 * of its own), `alsoIn`, `takenFrom`, `at`, `insideObject`, `sliced`, `agent.seen`.
 */
import { ConfigError, Errors } from "@epo/core"
import { Effect, Schema } from "effect"
import type { HouseholdSession } from "./Engine.js"
import {
  type Game,
  type Receptacle,
  type Thing,
  MIDDLE,
  NOTHING,
  emptyState,
  goalHolds,
  receptaclesOf
} from "./Game.js"
import {
  cleanable,
  contains,
  coolable,
  fixedReceptacleClasses,
  heatable,
  listingOrder,
  lower,
  movableReceptacles,
  objectClasses,
  openableClasses,
  pickupable,
  receptacleNamePrefixes,
  roomTypes,
  sliceable,
  taskTypes,
  toggleable
} from "./Tables.js"

export const ReceptacleJson = Schema.Struct({
  name: Schema.String,
  class: Schema.String,
  open: Schema.Boolean,
  /** Whether this instance has a door; absent means its class's default (Cabinet, Drawer, Fridge, ... have one). */
  openable: Schema.optionalKey(Schema.Boolean),
  /** A label shared by the receptacles at one spot; absent means a spot of its own. */
  spot: Schema.optionalKey(Schema.Number.check(Schema.isInt()))
})

export const ObjectJson = Schema.Struct({
  name: Schema.String,
  class: Schema.String,
  /** A receptacle name, or "held". */
  location: Schema.String,
  /** Further receptacles it is in (a pot on two stove burners); a held object may still be in some. */
  alsoIn: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Receptacles it was taken out of and not put back into since (what `look` lists next to the agent). */
  takenFrom: Schema.optionalKey(Schema.Array(Schema.String)),
  /** The spots it lies at, each named by a receptacle there; absent means the spots of the receptacles it is in. */
  at: Schema.optionalKey(Schema.Array(Schema.String)),
  /** The movable receptacle object it started inside (a spoon in a cup). */
  insideObject: Schema.optionalKey(Schema.String),
  hot: Schema.Boolean,
  cool: Schema.Boolean,
  clean: Schema.Boolean,
  toggled: Schema.Boolean,
  sliced: Schema.optionalKey(Schema.Boolean)
})

export const GoalJson = Schema.Struct({
  type: Schema.Literals(taskTypes),
  object: Schema.String,
  receptacle: Schema.NullOr(Schema.String),
  lamp: Schema.NullOr(Schema.String),
  template: Schema.Literals([0, 1])
})

export const SceneJson = Schema.Struct({
  format: Schema.Literal("epo-household-scene/1"),
  floorPlan: Schema.Number.check(Schema.isInt()),
  roomType: Schema.Literals(roomTypes),
  receptacles: Schema.Array(ReceptacleJson),
  objects: Schema.Array(ObjectJson),
  /**
   * A receptacle at the agent's spot, or null for the middle of the room; `seen`: the
   * receptacles whose contents the agent has seen (absent means none).
   */
  agent: Schema.Struct({
    location: Schema.NullOr(Schema.String),
    seen: Schema.optionalKey(Schema.Array(Schema.String))
  }),
  goal: GoalJson
})
export type SceneJson = typeof SceneJson.Type

const instancePattern = /^([a-z]+) ([1-9][0-9]*)$/

const fail = (field: string, message: string) => Effect.fail(new ConfigError({ field, message }))

/** Checks an instance name against the prefixes its class allows. */
const checkName = (field: string, name: string, cls: string, prefixes: ReadonlyArray<string> = [lower(cls)]): Effect.Effect<void, ConfigError> => {
  const m = instancePattern.exec(name)
  return m === null || !prefixes.includes(m[1])
    ? fail(field, `"${name}" is not an instance name of class ${cls} (expected "${prefixes.join(' <n>" or "')} <n>")`)
    : Effect.void
}

/** Resolves a list of receptacle names (unique, known). */
const receptacleList = (
  field: string,
  names: ReadonlyArray<string> | undefined,
  index: ReadonlyMap<string, number>
): Effect.Effect<Array<number>, ConfigError> =>
  Effect.gen(function* () {
    const out: Array<number> = []
    for (const [i, name] of (names ?? []).entries()) {
      const r = index.get(name)
      if (r === undefined) return yield* fail(`${field}[${i}]`, `no receptacle named "${name}"`)
      if (out.includes(r)) return yield* fail(`${field}[${i}]`, `duplicate receptacle "${name}"`)
      out.push(r)
    }
    return out
  })

/** Builds a game from decoded scene JSON, checking everything Schema cannot. */
const build = (scene: SceneJson): Effect.Effect<Game, ConfigError> =>
  Effect.gen(function* () {
    const recs: Array<{ name: string; cls: string; openable: boolean; open: boolean; label: string }> = []
    const recNames = new Set<string>()
    for (const [i, r] of scene.receptacles.entries()) {
      const at = `receptacles[${i}]`
      if (!fixedReceptacleClasses.has(r.class)) return yield* fail(`${at}.class`, `unknown receptacle class "${r.class}"`)
      yield* checkName(`${at}.name`, r.name, r.class, receptacleNamePrefixes(r.class))
      if (recNames.has(r.name)) return yield* fail(`${at}.name`, `duplicate receptacle "${r.name}"`)
      const openable = r.openable ?? openableClasses.has(r.class)
      if (openable && !openableClasses.has(r.class)) return yield* fail(`${at}.openable`, `a ${r.class} has no door`)
      if (r.open && !openable) return yield* fail(`${at}.open`, `${r.name} has no door`)
      recNames.add(r.name)
      recs.push({ name: r.name, cls: r.class, openable, open: r.open, label: r.spot === undefined ? `own ${r.name}` : `spot ${r.spot}` })
    }
    if (recs.length === 0) return yield* fail("receptacles", "a scene needs at least one receptacle")
    recs.sort(listingOrder)
    // Spots are numbered by their first receptacle in listing order.
    const labels: Array<string> = []
    for (const r of recs) if (!labels.includes(r.label)) labels.push(r.label)
    const receptacles: Array<Receptacle> = recs.map((r) => ({ name: r.name, cls: r.cls, openable: r.openable, spot: labels.indexOf(r.label) }))
    const recIndex = new Map(recs.map((r, i) => [r.name, i]))

    const objs: Array<Thing & { json: (typeof scene.objects)[number]; field: string }> = []
    const objNames = new Set<string>()
    let held = 0
    for (const [i, o] of scene.objects.entries()) {
      const at = `objects[${i}]`
      if (!objectClasses.has(o.class)) return yield* fail(`${at}.class`, `unknown object class "${o.class}"`)
      yield* checkName(`${at}.name`, o.name, o.class)
      if (objNames.has(o.name)) return yield* fail(`${at}.name`, `duplicate object "${o.name}"`)
      objNames.add(o.name)
      if (o.location === "held") {
        if (++held > 1) return yield* fail(`${at}.location`, "the agent can hold only one object")
        if (!pickupable.has(o.class)) return yield* fail(`${at}.location`, `a ${o.class} cannot be picked up`)
      } else if (!recIndex.has(o.location)) return yield* fail(`${at}.location`, `no receptacle named "${o.location}"`)
      if (o.hot && !heatable.has(o.class)) return yield* fail(`${at}.hot`, `a ${o.class} cannot be heated`)
      // ALFWorld's games start the goal's objects that are in a fridge cool, whatever their class.
      if (o.cool && !pickupable.has(o.class)) return yield* fail(`${at}.cool`, `a ${o.class} cannot be cooled`)
      if (o.hot && o.cool) return yield* fail(`${at}.cool`, "an object cannot be both hot and cool")
      if (o.clean && !cleanable.has(o.class)) return yield* fail(`${at}.clean`, `a ${o.class} cannot be cleaned`)
      if (o.toggled && !toggleable.has(o.class)) return yield* fail(`${at}.toggled`, `a ${o.class} cannot be turned on`)
      if (o.sliced === true && !sliceable.has(o.class)) return yield* fail(`${at}.sliced`, `a ${o.class} cannot be sliced`)
      objs.push({ name: o.name, cls: o.class, json: o, field: at })
    }
    objs.sort(listingOrder)
    const objIndex = new Map(objs.map((o, i) => [o.name, i]))

    const R = receptacles.length
    const S = labels.length
    const state = emptyState(R, S, objs.length)
    const inObject: Array<number> = objs.map(() => NOTHING)
    for (const [o, { json, field }] of objs.entries()) {
      const also = yield* receptacleList(`${field}.alsoIn`, json.alsoIn, recIndex)
      const inside = json.location === "held" ? also : [recIndex.get(json.location)!, ...also]
      if (json.location !== "held" && also.includes(inside[0])) {
        return yield* fail(`${field}.alsoIn`, `"${json.location}" is already its location`)
      }
      for (const r of inside) state.inside[o * R + r] = 1
      if (json.location === "held") state.holding = o
      for (const [i, r] of (yield* receptacleList(`${field}.takenFrom`, json.takenFrom, recIndex)).entries()) {
        if (inside.includes(r)) return yield* fail(`${field}.takenFrom[${i}]`, `it is in "${receptacles[r].name}"`)
        state.takenFrom[o * R + r] = 1
      }
      const spotsOf = json.at === undefined ? inside : yield* receptacleList(`${field}.at`, json.at, recIndex)
      for (const r of spotsOf) state.at[o * S + receptacles[r].spot] = 1
      if (json.insideObject !== undefined) {
        const m = objIndex.get(json.insideObject)
        // ALFWorld's games have a pan inside itself, so an object may name itself.
        if (m === undefined || !movableReceptacles.has(objs[m].cls)) {
          return yield* fail(`${field}.insideObject`, `"${json.insideObject}" is not an object that can hold things`)
        }
        inObject[o] = m
      }
      state.hot[o] = json.hot ? 1 : 0
      state.cool[o] = json.cool ? 1 : 0
      state.clean[o] = json.clean ? 1 : 0
      state.toggled[o] = json.toggled ? 1 : 0
      state.sliced[o] = json.sliced === true ? 1 : 0
    }
    recs.forEach((r, i) => (state.opened[i] = r.open ? 1 : 0))

    if (scene.agent.location !== null) {
      const r = recIndex.get(scene.agent.location)
      if (r === undefined) return yield* fail("agent.location", `no receptacle named "${scene.agent.location}"`)
      state.agent = receptacles[r].spot
    }
    for (const r of yield* receptacleList("agent.seen", scene.agent.seen, recIndex)) state.seen[r] = 1

    const g = scene.goal
    if (!pickupable.has(g.object)) return yield* fail("goal.object", `"${g.object}" is not a pickupable object class`)
    const count = objs.filter((o) => o.cls === g.object).length
    const needed = g.type === "pick_two_obj_and_place" ? 2 : 1
    if (count < needed) return yield* fail("goal.object", `the goal needs ${needed} ${g.object} but the scene has ${count}`)
    if (g.type === "look_at_obj_in_light") {
      if (g.receptacle !== null) return yield* fail("goal.receptacle", "must be null for look_at_obj_in_light")
      if (g.lamp === null || !toggleable.has(g.lamp)) return yield* fail("goal.lamp", `must be a lamp class, got ${g.lamp}`)
      if (!objs.some((o, i) => o.cls === g.lamp && state.inside.subarray(i * R, (i + 1) * R).includes(1))) {
        return yield* fail("goal.lamp", `the scene has no ${g.lamp} in a receptacle`)
      }
    } else {
      if (g.lamp !== null) return yield* fail("goal.lamp", `must be null for ${g.type}`)
      if (g.receptacle === null || !fixedReceptacleClasses.has(g.receptacle)) {
        return yield* fail("goal.receptacle", `must be a receptacle class, got ${g.receptacle}`)
      }
      if (!contains(g.receptacle, g.object)) return yield* fail("goal.receptacle", `a ${g.receptacle} cannot contain a ${g.object}`)
      if (!recs.some((r) => r.cls === g.receptacle)) return yield* fail("goal.receptacle", `the scene has no ${g.receptacle}`)
      const [need, cond] =
        g.type === "pick_clean_then_place_in_recep"
          ? ["SinkBasin", cleanable]
          : g.type === "pick_heat_then_place_in_recep"
            ? ["Microwave", heatable]
            : g.type === "pick_cool_then_place_in_recep"
              ? ["Fridge", coolable]
              : [undefined, undefined]
      if (need !== undefined && !recs.some((r) => r.cls === need)) return yield* fail("goal.type", `${g.type} needs a ${need}`)
      if (cond !== undefined && !cond.has(g.object)) return yield* fail("goal.object", `${g.type} cannot apply to a ${g.object}`)
    }

    const game: Game = {
      floorPlan: scene.floorPlan,
      roomType: scene.roomType,
      receptacles,
      spots: S,
      objects: objs.map(({ name, cls }) => ({ name, cls })),
      inObject,
      goal: { type: g.type, object: g.object, receptacle: g.receptacle, lamp: g.lamp, template: g.template },
      initial: state
    }
    if (goalHolds(game, state)) return yield* fail("goal", "the goal already holds in this scene")
    return game
  })

/** Decodes and checks scene JSON (a parsed value) into a game. */
export const load = (input: unknown): Effect.Effect<Game, ConfigError> =>
  Effect.flatMap(Errors.decodeConfig(SceneJson, "scene")(input), build)

/** Parses scene JSON text; malformed JSON is a ConfigError too. */
export const parse = (text: string): Effect.Effect<Game, ConfigError> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (e) => new ConfigError({ field: "scene", message: `not JSON: ${e instanceof Error ? e.message : String(e)}` })
  }).pipe(Effect.flatMap(load))

const sameList = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.length === b.length && a.every((x, i) => x === b[i])

/** A game's state (its initial state unless given another) as scene JSON. */
export const save = (game: Game, state = game.initial): SceneJson => {
  const recs = game.receptacles
  const R = recs.length
  const S = game.spots
  const shared = new Set(recs.filter((r) => recs.some((q) => q !== r && q.spot === r.spot)).map((r) => r.spot))
  // A spot is named by its first receptacle in listing order.
  const spotName = (spot: number) => recs.find((r) => r.spot === spot)!.name
  return {
    format: "epo-household-scene/1",
    floorPlan: game.floorPlan,
    roomType: game.roomType,
    receptacles: recs.map((r, i) => ({
      name: r.name,
      class: r.cls,
      open: state.opened[i] === 1,
      ...(r.openable !== openableClasses.has(r.cls) ? { openable: r.openable } : {}),
      ...(shared.has(r.spot) ? { spot: r.spot } : {})
    })),
    objects: game.objects.map((o, i) => {
      const inside = receptaclesOf(game, state, i)
      const location = state.holding === i ? "held" : recs[inside[0]].name
      const also = state.holding === i ? inside : inside.slice(1)
      const taken = recs.flatMap((r, k) => (state.takenFrom[i * R + k] === 1 ? [r.name] : []))
      const spots: Array<number> = []
      for (let p = 0; p < S; p++) if (state.at[i * S + p] === 1) spots.push(p)
      const defaultSpots = [...new Set(inside.map((r) => recs[r].spot))].sort((a, b) => a - b)
      return {
        name: o.name,
        class: o.cls,
        location,
        ...(also.length > 0 ? { alsoIn: also.map((r) => recs[r].name) } : {}),
        ...(taken.length > 0 ? { takenFrom: taken } : {}),
        ...(sameList(spots, defaultSpots) ? {} : { at: spots.map(spotName) }),
        ...(game.inObject[i] !== NOTHING ? { insideObject: game.objects[game.inObject[i]].name } : {}),
        hot: state.hot[i] === 1,
        cool: state.cool[i] === 1,
        clean: state.clean[i] === 1,
        toggled: state.toggled[i] === 1,
        ...(state.sliced[i] === 1 ? { sliced: true } : {})
      }
    }),
    agent: {
      location: state.agent === MIDDLE ? null : spotName(state.agent),
      ...(state.seen.includes(1) ? { seen: recs.flatMap((r, i) => (state.seen[i] === 1 ? [r.name] : [])) } : {})
    },
    goal: { ...game.goal }
  }
}

/** The current state of a session as scene JSON (e.g. to replay the expert from it). */
export const saveSession = (session: HouseholdSession): SceneJson => save(session.game, session.state)
