/**
 * The gold agent: the recorded gold action sequences of the reference transcripts, and a
 * scripted solver per version-1 task type that reaches score 100 from any variation.
 * Like the original's gold paths (TaskX.mkGoldActionSequence) the solvers read the world
 * to plan, but their actions are the ones a player could choose from what they see: they
 * run the experiments the tasks ask for (timing a block on each inclined plane, lighting
 * a bulb through the substance) and decide from what they observe. Each solver is a
 * generator that re-reads the world before every command, so it can resume from any state.
 */
import { Data } from "effect"
import { type Internals, ScienceWorld } from "./Engine.js"
import { collectAccessible, matchInput, parserReferents, uniqueReferents } from "./Parser.js"
import { readTranscripts } from "./Transcripts.js"
import { Consumer, Generator as PowerSource, PolarizedComponent, RenewableGenerator, Wire } from "./world/Electrical.js"
import { Animal, Plant } from "./world/Living.js"
import { Door, type Obj, type Portal } from "./world/Obj.js"
import { Location } from "./world/Places.js"
import { InclinedPlane } from "./world/Things.js"
import { FlowerPot, Fountain, Vessel } from "./world/Containers.js"

export class GoldError extends Data.TaggedError("GoldError")<{ readonly task: string; readonly variation: number; readonly reason: string }> {
  override toString(): string {
    return `gold agent, ${this.task} variation ${this.variation}: ${this.reason}`
  }
}

/** The recorded gold actions of (task, variation, simplifications), when a reference transcript has them. */
export const recordedGold = (task: string, variation: number, simplifications: string): ReadonlyArray<string> | undefined => {
  for (const file of ["gold_easy_v0.jsonl", "gold_none_v0.jsonl"]) {
    const t = readTranscripts(file).find((x) => x.task === task && x.variation === variation && x.simplifications === simplifications)
    if (t?.goldActions !== undefined) return t.goldActions
  }
  return undefined
}

/*
 * Reading the world
 */
const world = (env: ScienceWorld): Internals => {
  const i = env.internals
  if (i === undefined) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "no world (variation out of range)" })
  return i
}
const here = (env: ScienceWorld): Obj => world(env).agent.container!
const param = (env: ScienceWorld, key: string): string => String(world(env).params[key])
const everything = (env: ScienceWorld): Array<Obj> => world(env).universe.contentsRecursive()
const location = (env: ScienceWorld, name: string): Obj => {
  const l = world(env).universe.children.find((c) => c.name === name && c instanceof Location)
  if (l === undefined) throw new GoldError({ task: env.taskName, variation: env.variation, reason: `no location ${name}` })
  return l
}
const first = <A>(env: ScienceWorld, xs: ReadonlyArray<A>, what: string): A => {
  if (xs.length === 0) throw new GoldError({ task: env.taskName, variation: env.variation, reason: `found no ${what}` })
  return xs[0]
}
/** The first object named `name` (UUID order) that the agent can reach where it is; a GoldError when there is none. */
const hereNamed = (env: ScienceWorld, name: string): Obj =>
  first(
    env,
    here(env)
      .contentsRecursiveAccessible()
      .filter((o) => o.name === name),
    name
  )
const roomOf = (o: Obj): Obj | undefined => {
  let c = o.container
  while (c !== undefined && !(c instanceof Location)) c = c.container
  return c
}

/*
 * Saying things so that the parser understands exactly what is meant
 */
const candidates = (env: ScienceWorld, o: Obj): Array<string> => {
  const room = here(env)
  const shown = uniqueReferents(collectAccessible(room, false), room, false).get(o)
  return [...new Set([...(shown === undefined ? [] : [shown]), ...parserReferents(o, room)])]
}

/**
 * The command `template` ("move {0} to {1}") with referents that make the parser match
 * exactly these objects and nothing else (the displayed unique referent first).
 */
export const phrase = (env: ScienceWorld, template: string, targets: ReadonlyArray<Obj>): string => {
  const w = world(env)
  const options = targets.map((t) => candidates(env, t))
  const idx = targets.map(() => 0)
  for (let tries = 0; tries < 400; tries++) {
    const text = template.replace(/\{(\d)\}/g, (_, k: string) => options[Number(k)][idx[Number(k)]])
    const ms = matchInput(text, { defs: w.defs, agent: w.agent, universe: w.universe })
    if (ms.length === 1 && ms[0].objects.length === targets.length && ms[0].objects.every((o, i) => o === targets[i])) return text
    let k = idx.length - 1
    while (k >= 0 && ++idx[k] >= options[k].length) idx[k--] = 0
    if (k < 0) break
  }
  throw new GoldError({ task: env.taskName, variation: env.variation, reason: `no unambiguous way to say "${template}" for ${targets.map((t) => t.name).join(", ")}` })
}

/*
 * Moving about
 */
const doorBetween = (a: Obj, b: Obj): Portal | undefined => (a.portals as Array<Portal>).find((p) => p instanceof Door && p.connectsToFrom(a) === b)

function* goTo(env: ScienceWorld, name: string): Generator<string, void, void> {
  for (let hops = 0; here(env).name !== name; hops++) {
    if (hops > 20) throw new GoldError({ task: env.taskName, variation: env.variation, reason: `cannot reach the ${name}` })
    const target = location(env, name)
    if (world(env).teleport) {
      yield phrase(env, "teleport to {0}", [target])
      continue
    }
    // Breadth-first over doors to the next room on a shortest path.
    const from = here(env)
    const previous = new Map<Obj, Obj>([[from, from]])
    const queue = [from]
    while (queue.length > 0 && !previous.has(target)) {
      const room = queue.shift()!
      for (const p of room.portals as Array<Portal>) {
        const next = p instanceof Door ? p.connectsToFrom(room) : undefined
        if (next !== undefined && !previous.has(next)) {
          previous.set(next, room)
          queue.push(next)
        }
      }
    }
    let step = target
    while (previous.get(step) !== from) step = previous.get(step)!
    const door = doorBetween(from, step)!
    if (!door.isOpen) yield phrase(env, "open {0}", [door])
    yield phrase(env, "go to {0}", [step])
  }
}

/*
 * The solvers
 */
export type Solver = (env: ScienceWorld) => Generator<string, void, void>

const livingIn = (env: ScienceWorld, roomName: string, isKind: (o: Obj) => boolean): Obj =>
  first(
    env,
    location(env, roomName)
      .contentsRecursiveAccessible()
      .filter((o) => isKind(o) && o.movable),
    "living thing to find"
  )

/** Find a thing of a kind, focus on it, carry it (a plant in its pot) to the answer box. */
const findTask =
  (kind: "living" | "non-living" | "plant" | "animal"): Solver =>
  function* (env) {
    const box = param(env, "answerBox")
    const boxRoom = param(env, "location")
    let target: Obj
    let carried: Obj
    if (kind === "non-living") {
      // The orange the agent starts with: non-living, movable, already carried.
      target = first(env, world(env).agent.inventory.contents(false), "thing in the inventory")
      carried = target
    } else if (kind === "plant") {
      yield* goTo(env, "greenhouse")
      target = livingIn(env, "greenhouse", (o) => o instanceof Plant && o.container instanceof FlowerPot)
      carried = target.container!
    } else {
      yield* goTo(env, "outside")
      target = livingIn(env, "outside", (o) => o instanceof Animal)
      carried = target
    }
    yield phrase(env, "focus on {0}", [target])
    if (carried.container !== world(env).agent.inventory) yield phrase(env, "pick up {0}", [carried])
    yield* goTo(env, boxRoom)
    const answerBox = hereNamed(env, box)
    yield phrase(env, "move {0} to {1}", [carried, answerBox])
  }

/** Go where the animals are and focus on the longest-lived (then the shortest-lived). */
const lifespanTask =
  (keys: ReadonlyArray<"long" | "short">): Solver =>
  function* (env) {
    yield* goTo(env, param(env, "location"))
    for (const key of keys) {
      const animal = hereNamed(env, param(env, key))
      yield phrase(env, "focus on {0}", [animal])
    }
  }

/**
 * Time the block on each plane: put it at the top, wait, look how far it slid, compare.
 * The faster plane is the steeper one, or the one with less friction.
 */
const planeTask =
  (question: "angle" | "friction"): Solver =>
  function* (env) {
    yield* goTo(env, param(env, "planeLocation"))
    const room = here(env)
    const planes = room
      .contentsRecursiveAccessible()
      .filter((o): o is InclinedPlane => o instanceof InclinedPlane)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.uuid - b.uuid))
    const block = first(
      env,
      everything(env).filter((o) => o.name === param(env, "blockName")),
      "block"
    )
    const slid = new Map<InclinedPlane, number>()
    for (const plane of planes.slice(0, 2)) {
      yield phrase(env, "move {0} to {1}", [block, plane])
      yield "wait"
      yield phrase(env, "look at {0}", [plane])
      slid.set(plane, plane.position(block) ?? 1)
    }
    const [a, b] = planes
    const mode = param(env, "mode")
    const wantFaster = mode === "steepest" || mode === "least"
    const pa = slid.get(a)!
    const pb = slid.get(b)!
    // A tie (both at the bottom) is broken by the planes' own properties, which the experiment would show with a shorter wait.
    const faster =
      pa !== pb
        ? pa < pb
          ? a
          : b
        : question === "angle"
          ? a.angleDeg >= b.angleDeg
            ? a
            : b
          : a.surface.frictionCoefficient <= b.surface.frictionCoefficient
            ? a
            : b
    const answer = wantFaster ? faster : faster === a ? b : a
    yield phrase(env, "focus on {0}", [answer])
  }

const terminals = (o: Obj): [Obj, Obj] => (o instanceof PolarizedComponent ? [o.anode, o.cathode] : [o.terminal1!, o.terminal2!])

/** Wire `source` to `part` (source anode to part cathode, source cathode to part anode), optionally through `inLine`. */
function* wireUp(env: ScienceWorld, source: Obj, part: Obj, wires: ReadonlyArray<Obj>, inLine?: Obj): Generator<string, void, void> {
  const [sourceAnode, sourceCathode] = terminals(source)
  const [partAnode, partCathode] = terminals(part)
  const [w1, w2, w3] = wires.map(terminals)
  yield phrase(env, "connect {0} to {1}", [sourceAnode, w1[0]])
  yield phrase(env, "connect {0} to {1}", [w1[1], partCathode])
  yield phrase(env, "connect {0} to {1}", [sourceCathode, w2[0]])
  if (inLine === undefined) yield phrase(env, "connect {0} to {1}", [w2[1], partAnode])
  else {
    const [t1, t2] = terminals(inLine)
    yield phrase(env, "connect {0} to {1}", [w2[1], t1])
    yield phrase(env, "connect {0} to {1}", [t2, w3[0]])
    yield phrase(env, "connect {0} to {1}", [w3[1], partAnode])
  }
}

const wiresIn = (room: Obj): Array<Obj> => room.contentsRecursiveAccessible().filter((o) => o instanceof Wire)

/** Put the substance in a circuit with a light bulb and a battery; the bulb's state says which answer box it goes in. */
const conductivityTask =
  (nameKey: string): Solver =>
  function* (env) {
    const name = param(env, nameKey)
    const agent = world(env).agent
    let substance: Obj
    let carried: Obj
    if (name === "water") {
      // Water from the fountain, in the greenhouse's jug.
      yield* goTo(env, "greenhouse")
      const jug = hereNamed(env, "jug")
      yield phrase(env, "pick up {0}", [jug])
      yield* goTo(env, "outside")
      const fountain = first(
        env,
        here(env).children.filter((o) => o instanceof Fountain),
        "fountain"
      )
      yield phrase(env, "dunk {0} into {1}", [jug, fountain])
      substance = first(
        env,
        jug.children.filter((o) => o.name === "water"),
        "water in the jug"
      )
      carried = jug
    } else {
      substance = first(
        env,
        everything(env).filter((o) => o.name === name),
        name
      )
      carried = substance
      const room = roomOf(substance)
      if (room !== undefined && carried.container !== agent.inventory) {
        yield* goTo(env, room.name)
        yield phrase(env, "pick up {0}", [carried])
      }
    }
    yield phrase(env, "focus on {0}", [substance])
    yield* goTo(env, "workshop")
    yield phrase(env, "drop {0}", [carried])
    const room = here(env)
    const bulb = first(
      env,
      room.contentsRecursiveAccessible().filter((o) => o.name === param(env, "partToPower")),
      "light bulb"
    )
    const battery = first(
      env,
      room.contentsRecursiveAccessible().filter((o) => o instanceof PowerSource && o.name === "battery"),
      "battery"
    )
    yield* wireUp(env, battery, bulb, wiresIn(room), substance)
    yield "wait1"
    yield "wait1"
    const conductive = bulb.device!.isActivated
    const boxName = param(env, conductive ? "conductive" : "nonconductive")
    const box = first(
      env,
      room.contentsRecursiveAccessible().filter((o) => o.name === boxName),
      boxName
    )
    yield phrase(env, "move {0} to {1}", [carried, box])
  }

/** Focus on the component and power it: the battery, or the required renewable (taken outside) or nonrenewable (switched on) source. */
const powerTask =
  (sourceRule: "any" | "by variation"): Solver =>
  function* (env) {
    yield* goTo(env, "workshop")
    const room = here(env)
    const reachable = () => here(env).contentsRecursiveAccessible()
    const part = first(
      env,
      reachable().filter((o) => o.name === param(env, "componentToPower") && o instanceof Consumer),
      "component to power"
    )
    yield phrase(env, "focus on {0}", [part])
    const wires = wiresIn(room)
    if (sourceRule === "any") {
      const battery = first(
        env,
        reachable().filter((o) => o.name === "battery"),
        "battery"
      )
      yield* wireUp(env, battery, part, wires)
    } else {
      const renewable = env.variation % 2 === 0
      const source = first(
        env,
        reachable().filter((o) => o.name === param(env, renewable ? "renewableSource" : "nonrenewableSource")),
        "power source"
      )
      if (source instanceof RenewableGenerator) {
        for (const o of [part, source, wires[0], wires[1]]) yield phrase(env, "pick up {0}", [o])
        yield* goTo(env, "outside")
        for (const o of [part, source, wires[0], wires[1]]) yield phrase(env, "drop {0}", [o])
      } else yield phrase(env, "activate {0}", [source])
      yield* wireUp(env, source, part, wires)
    }
    yield "wait1"
    yield "wait1"
  }

/*
 * Matter: get the substance into a metal pot, focus on it, then heat or cool it until its
 * state of matter has changed as the task asks.
 */
type State = "solid" | "liquid" | "gas"

/** Where heat or cold comes from: the device, its room, how hot (cold) it gets. Tried in this order. */
const heaters = [
  { name: "stove", room: "kitchen", limit: 260 },
  { name: "oven", room: "kitchen", limit: 540 },
  { name: "blast furnace", room: "foundry", limit: 3000 }
] as const
const coolers = [
  { name: "freezer", room: "kitchen", limit: -18 },
  { name: "ultra low temperature freezer", room: "workshop", limit: -86 }
] as const

const deviceIn = (env: ScienceWorld, room: string, name: string): Obj =>
  first(
    env,
    location(env, room)
      .contentsRecursive()
      .filter((o) => o.name === name && o.device !== undefined),
    name
  )

const stateOf = (o: Obj): State => o.material!.stateOfMatter as State
const burning = (o: Obj): boolean => o.material?.isCombusting === true

const isClosed = (o: Obj): boolean => o.containerProps?.isClosable === true && !o.containerProps.isOpen

/** Whether some container around `o` is closed (reaching it means opening that first). */
const enclosed = (o: Obj): boolean => o.containersRecursive().some(isClosed)

/** Open `o` (a closed container) when it is closed. */
function* openIfClosed(env: ScienceWorld, o: Obj): Generator<string, void, void> {
  if (isClosed(o)) yield phrase(env, "open {0}", [o])
}

/** Open the closed containers between the agent's room and `o`, outermost first. */
function* reach(env: ScienceWorld, o: Obj): Generator<string, void, void> {
  const room = roomOf(o)
  if (room !== undefined && here(env) !== room) yield* goTo(env, room.name)
  const chain: Array<Obj> = []
  for (let c = o.container; c !== undefined && c !== room; c = c.container) chain.unshift(c)
  for (const c of chain) yield* openIfClosed(env, c)
}

/** Fill the pot (carried) with water from the first sink that works. */
function* fetchWater(env: ScienceWorld, pot: Obj): Generator<string, Obj, void> {
  const sinks = ["kitchen", "bathroom", "foundry"].flatMap((room) =>
    location(env, room)
      .contentsRecursive()
      .filter((o) => o.name === "sink" && o.device !== undefined)
  )
  for (const sink of sinks) {
    yield* reach(env, sink)
    yield phrase(env, "move {0} to {1}", [pot, sink])
    yield phrase(env, "activate {0}", [sink])
    if (sink.device!.isActivated) yield phrase(env, "deactivate {0}", [sink])
    yield phrase(env, "pick up {0}", [pot])
    const water = pot.children.find((o) => o.name === "water")
    if (water !== undefined) return water
  }
  throw new GoldError({ task: env.taskName, variation: env.variation, reason: "no sink gave water" })
}

/**
 * Put the pot on (in) a device that gets past `target` degrees (hotter for heating, colder
 * for cooling), the first in the list that switches on, and leave it there.
 */
function* placeOn(env: ScienceWorld, pot: Obj, target: number, heat: boolean): Generator<string, number, void> {
  const list = heat ? heaters.filter((d) => d.limit > target + 50) : coolers.filter((d) => d.limit < target - 5)
  for (const d of list) {
    const device = deviceIn(env, d.room, d.name)
    if (pot.container === device && device.device!.isActivated) return d.limit
    if (pot.container !== world(env).agent.inventory) yield phrase(env, "pick up {0}", [pot])
    yield* reach(env, device)
    yield* openIfClosed(env, device)
    yield phrase(env, "move {0} to {1}", [pot, device])
    if (!device.device!.isActivated) yield phrase(env, "activate {0}", [device])
    if (device.device!.isActivated) return d.limit
  }
  throw new GoldError({ task: env.taskName, variation: env.variation, reason: `no device ${heat ? "heats past" : "cools below"} ${target} C` })
}

/**
 * Heat (or cool) the substance in the pot until `done`. When the device can bring it to
 * `spoilAt` degrees (where heating further would spoil what comes next: boiling or burning
 * a substance that is to be frozen), it waits one tick at a time, else ten.
 */
function* changeUntil(env: ScienceWorld, substance: Obj, pot: Obj, heat: boolean, target: number, done: () => boolean, spoilAt = Infinity): Generator<string, void, void> {
  const limit = yield* placeOn(env, pot, target, heat)
  const careful = limit > spoilAt
  for (let i = 0; !done(); i++) {
    if (i > 60 || substance.container === undefined) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "the substance did not change state" })
    yield careful ? "wait1" : "wait"
  }
}

/** Temperatures at which the substance leaves its state: melting (going up from solid), boiling, or burning. */
const meltAt = (o: Obj) => o.material!.meltingPoint
const boilAt = (o: Obj, combustion: boolean) => Math.min(o.material!.boilingPoint, combustion ? o.material!.combustionPoint : Infinity)

const toLiquidByHeat = (env: ScienceWorld, s: Obj, pot: Obj, careful: boolean) =>
  changeUntil(env, s, pot, true, meltAt(s), () => stateOf(s) !== "solid", careful ? boilAt(s, true) : Infinity)
const toSolidByCold = (env: ScienceWorld, s: Obj, pot: Obj) => changeUntil(env, s, pot, false, meltAt(s), () => stateOf(s) === "solid")

/**
 * The pot to work with: one already holding the focused object or the substance, else one
 * already carried, else the kitchen's, else any (so that a solver started again mid-task
 * goes on with the same pot).
 */
function* takePot(env: ScienceWorld, name: string): Generator<string, Obj, void> {
  const pots = everything(env).filter((o) => o.name === "metal pot")
  const agent = world(env).agent
  const focused = world(env).focus[0]
  // The focused substance's own container, even when the heat has renamed it (a metal pot in the blast furnace melts into "liquid steel").
  const holder = focused?.container
  let pot =
    (holder !== undefined && holder !== agent.inventory && holder.movable && holder.containerProps?.isContainer === true ? holder : undefined) ??
    pots.find((p) => p.children.some((c) => c.name === name)) ??
    pots.find((p) => p.container === agent.inventory)
  if (pot === undefined) {
    yield* goTo(env, "kitchen")
    pot = first(env, [...pots.filter((p) => roomOf(p) === here(env)), ...pots], "metal pot")
  }
  yield* reach(env, pot)
  if (pot.container !== agent.inventory) yield phrase(env, "pick up {0}", [pot])
  return pot
}

/**
 * The task's substance in the pot the agent holds: when the solver is started again past
 * the focus on it (ordered goal `focusGoal`), the focused substance, whatever its state
 * calls it now; else one already in the pot; else water from a tap; else `locate()`'s
 * object, moved (a solid) or poured (its container) into the pot, which is picked up again.
 */
function* substanceInPot(env: ScienceWorld, pot: Obj, name: string, focusGoal: number, locate: () => Obj): Generator<string, Obj, void> {
  const focused = world(env).goals.cur >= focusGoal ? world(env).focus[0] : undefined
  if (focused !== undefined && focused.container === pot) return focused
  const inPot = pot.children.find((c) => c.name === name)
  if (inPot !== undefined) return inPot
  if (name === "water") return yield* fetchWater(env, pot)
  const substance = locate()
  if (substance.container !== pot) {
    yield* reach(env, substance)
    if (stateOf(substance) === "solid") yield phrase(env, "move {0} to {1}", [substance, pot])
    else yield phrase(env, "pour {0} into {1}", [substance.container!, pot])
  }
  if (pot.container !== world(env).agent.inventory) yield phrase(env, "pick up {0}", [pot])
  return substance
}

const matterTask =
  (mode: "boil" | "melt" | "freeze" | "change"): Solver =>
  function* (env) {
    const name = param(env, "objectName")
    const pot = yield* takePot(env, name)
    // Anything with that name (ice is named so once the first tick has frozen it).
    const substance = yield* substanceInPot(env, pot, name, 1, () =>
      first(
        env,
        everything(env).filter((o) => o.name === name && o.material !== undefined),
        name
      )
    )
    yield phrase(env, "focus on {0}", [substance])
    const s = substance
    const state = stateOf(s)
    switch (mode) {
      case "boil":
        if (state === "gas") throw new GoldError({ task: env.taskName, variation: env.variation, reason: "the substance is already a gas" })
        yield* changeUntil(env, s, pot, true, boilAt(s, true), () => stateOf(s) === "gas" || burning(s))
        return
      case "melt":
        if (state !== "solid") yield* toSolidByCold(env, s, pot)
        yield* toLiquidByHeat(env, s, pot, false)
        return
      case "freeze":
        if (state === "solid") yield* toLiquidByHeat(env, s, pot, true)
        yield* toSolidByCold(env, s, pot)
        return
      case "change":
        // A solid melts; a liquid that the freezers can solidify is cooled, else boiled.
        if (state === "solid") yield* toLiquidByHeat(env, s, pot, false)
        else if (meltAt(s) > coolers[coolers.length - 1].limit + 5) yield* toSolidByCold(env, s, pot)
        else yield* changeUntil(env, s, pot, true, boilAt(s, false), () => stateOf(s) !== state)
        return
    }
  }

/*
 * Thermometer tasks
 */

/**
 * Take the kitchen's thermometer (or keep the one carried) and focus on it, unless the
 * task has already seen that focus (focusing on it again would be a wrong focus then).
 */
function* takeThermometer(env: ScienceWorld): Generator<string, Obj, void> {
  const name = param(env, "instrumentName")
  const agent = world(env).agent
  let thermometer = agent.inventory.children.find((o) => o.name === name && o.device !== undefined)
  if (thermometer === undefined) {
    yield* goTo(env, "kitchen")
    thermometer = deviceIn(env, "kitchen", name)
    yield* reach(env, thermometer)
    yield phrase(env, "pick up {0}", [thermometer])
  }
  if (world(env).goals.cur === 0) yield phrase(env, "focus on {0}", [thermometer])
  return thermometer
}

/** The task's object: the one with that name in the task's room when there is one there, else anywhere. */
const taskObject = (env: ScienceWorld, name: string, room: string | undefined): Obj => {
  const all = everything(env).filter((o) => o.name === name && o.material !== undefined)
  return first(env, [...all.filter((o) => roomOf(o)?.name === room), ...all], name)
}

/**
 * Carry the object to the answer boxes and measure it there: it drifts toward the room's
 * temperature and the box is judged by its temperature when it lands, so the reading is
 * taken beside the boxes, and taken again while the next tick could carry it across the
 * threshold (judged from the last tick's change, which the next one does not exceed).
 */
const useThermometerTask: Solver = function* (env) {
  const thermometer = yield* takeThermometer(env)
  const name = param(env, "objectName")
  const threshold = Number(world(env).params.temperaturePoint)
  const thing = taskObject(env, name, param(env, "location"))
  yield* reach(env, thing)
  yield phrase(env, "focus on {0}", [thing])
  yield phrase(env, "pick up {0}", [thing])
  yield* goTo(env, param(env, "locationAnswerBox"))
  const m = thing.material!
  for (let i = 0; ; i++) {
    if (i > 30) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "the temperature stayed at the threshold" })
    const before = m.temperatureC
    yield phrase(env, "use {0} on {1}", [thermometer, thing])
    const now = m.temperatureC
    const next = now + (now - before)
    if ((now >= threshold && next >= threshold) || (now <= threshold && next <= threshold)) break
  }
  const boxName = param(env, m.temperatureC >= threshold ? "boxAbove" : "boxBelow")
  const box = hereNamed(env, boxName)
  yield phrase(env, "move {0} to {1}", [thing, box])
}

/**
 * Heat (or cool) the substance in its pot, one tick or ten at a time, until its state and
 * temperature settle the question: solid at or above the threshold means the melting point
 * is above it, liquid below the threshold means it is below. Ten ticks at a time only when
 * not even the pot can cross the threshold in them (the substance is never further along
 * than the pot, which moves toward the device's temperature by a tenth of the gap a tick).
 */
function* meltingPointExperiment(env: ScienceWorld, substance: Obj, pot: Obj, threshold: number): Generator<string, boolean, void> {
  const m = substance.material!
  const settled = (): boolean | undefined =>
    m.stateOfMatter === "solid" && m.temperatureC >= threshold ? true : m.stateOfMatter !== "solid" && m.temperatureC < threshold ? false : undefined
  let answer = settled()
  if (answer !== undefined) return answer
  const heat = m.stateOfMatter === "solid"
  const limit = yield* placeOn(env, pot, threshold, heat)
  for (let i = 0; (answer = settled()) === undefined; i++) {
    if (i > 60 || substance.container === undefined) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "the experiment did not settle" })
    const potT = pot.material!.temperatureC
    const potAfter = limit - (limit - potT) * 0.9 ** 10
    const safe = heat ? Math.max(m.temperatureC, potAfter) < threshold : Math.min(m.temperatureC, potAfter) > threshold
    yield safe ? "wait" : "wait1"
  }
  return answer
}

/** Focus on the thermometer, then the substance, then find out on which side of the threshold it melts and focus on that box. */
const meltingPointTask: Solver = function* (env) {
  yield* takeThermometer(env)
  const name = param(env, "objectName")
  const pot = yield* takePot(env, name)
  const substance = yield* substanceInPot(env, pot, name, 2, () => taskObject(env, name, "kitchen"))
  yield phrase(env, "focus on {0}", [substance])
  const above = yield* meltingPointExperiment(env, substance, pot, Number(world(env).params.temperaturePoint))
  yield* goTo(env, param(env, "locationAnswerBox"))
  const boxName = param(env, above ? "boxAbove" : "boxBelow")
  const box = hereNamed(env, boxName)
  yield phrase(env, "focus on {0}", [box])
}

/*
 * Chemistry: gather the ingredients alone in one container, mix it, focus on the product.
 */

/** Whether the agent has read a document with this name (the recipe) already. */
const hasRead = (env: ScienceWorld, name: string): boolean => world(env).agent.actionHistory.some((a) => a.name === "read" && a.assignments.document?.name === name)

const isLiquid = (o: Obj): boolean => o.material?.stateOfMatter === "liquid"

/** A liquid alone in a movable vessel (a cup of paint, a jar of water), so that pouring the vessel moves just it. */
const isPourable = (o: Obj): boolean => o.container instanceof Vessel && o.container.movable && o.container.contents(false).length === 1

/**
 * The thing to use for ingredient `name`: one outside `into` (a liquid only in a movable
 * container holding nothing else, so that pouring moves it alone), nearest first: carried,
 * in the agent's room, in the `near` room, elsewhere; reachable without opening first.
 */
const ingredientSource = (env: ScienceWorld, name: string, into: Obj, near: string): Obj => {
  const agent = world(env).agent
  const rank = (o: Obj): number => {
    const room = roomOf(o)
    const place = o.containersRecursive().includes(agent.inventory) ? 0 : room === here(env) ? 1 : room?.name === near ? 2 : 3
    const closed = enclosed(o) ? 1 : 0
    return place * 2 + closed
  }
  const found = everything(env)
    .filter((o) => o.name === name && !o.hidden && o.container !== into && !o.containersRecursive().includes(into))
    .filter((o) => !isLiquid(o) || isPourable(o))
    .map((o, i) => ({ o, r: rank(o), i }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
  return first(
    env,
    found.map((x) => x.o),
    name
  )
}

/** Put ingredient `name` into `into` (carried): water from a sink, a liquid by pouring its container, a solid by moving it. */
function* addIngredient(env: ScienceWorld, name: string, into: Obj, near: string): Generator<string, void, void> {
  if (name === "water" && !everything(env).some((o) => o.name === "water" && isLiquid(o) && o.container !== into && isPourable(o))) {
    yield* fetchWater(env, into)
    return
  }
  const source = ingredientSource(env, name, into, near)
  yield* reach(env, source)
  if (isLiquid(source)) yield phrase(env, "pour {0} into {1}", [source.container!, into])
  else yield phrase(env, "move {0} to {1}", [source, into])
}

/**
 * Make `product` in `into` (carried) from `inputs`, the ones already in it kept: add each
 * missing one, then mix. Returns the product.
 */
function* mixInto(env: ScienceWorld, into: Obj, inputs: ReadonlyArray<string>, product: string, near: string): Generator<string, Obj, void> {
  const made = () => into.children.find((c) => c.name === product)
  if (made() === undefined) {
    for (const name of inputs) if (!into.children.some((c) => c.name === name)) yield* addIngredient(env, name, into, near)
    if (into.container !== world(env).agent.inventory) yield phrase(env, "pick up {0}", [into])
    yield phrase(env, "mix {0}", [into])
  }
  return first(env, made() === undefined ? [] : [made()!], product)
}

/** An empty, open, movable container to mix in, carried: one already carried that holds the work, else an empty one nearest `near`. */
function* mixingContainer(env: ScienceWorld, names: ReadonlyArray<string>, near: string, kitchenPot: boolean): Generator<string, Obj, void> {
  const agent = world(env).agent
  const usable = (o: Obj) => o instanceof Vessel && !(o instanceof FlowerPot) && o.name !== "book shelf" && o.movable && !o.containerProps!.isClosable
  const holds = (o: Obj) => usable(o) && o.contents(false).some((c) => names.includes(c.name))
  const holdsOnly = (o: Obj) => holds(o) && o.contents(false).every((c) => names.includes(c.name))
  const carried = agent.inventory.children.filter(usable)
  let c =
    carried.find(holds) ??
    everything(env).find((o) => holdsOnly(o) && !isSourceCup(o, names)) ??
    carried.find((o) => o.contents(false).length === 0)
  if (c === undefined) {
    const empty = everything(env).filter((o) => usable(o) && o.contents(false).length === 0 && roomOf(o) !== undefined)
    const pots = empty.filter((o) => o.name === "metal pot" && roomOf(o)!.name === "kitchen")
    const inRoom = (room: string) => empty.filter((o) => roomOf(o)!.name === room)
    const ordered = kitchenPot ? [...pots, ...inRoom(near), ...empty] : [...inRoom(near), ...empty]
    // One that can be named alone: identical empty cups side by side (a paint cupboard's) only answer with an ambiguity prompt.
    const nameable = (o: Obj) => {
      try {
        phrase(env, "pick up {0}", [o])
        return true
      } catch {
        return false
      }
    }
    c = ordered.find((o) => !enclosed(o) && roomOf(o) === here(env) && nameable(o)) ?? first(env, ordered.filter((o) => !enclosed(o) || o.name === "metal pot"), "container to mix in")
  }
  if (c.container !== agent.inventory) {
    yield* reach(env, c)
    yield phrase(env, "pick up {0}", [c])
  }
  return c
}

/** A cup holding nothing but one of the named paints (a source of paint, not the work). */
const isSourceCup = (o: Obj, names: ReadonlyArray<string>): boolean => {
  const c = o.contents(false)
  return c.length === 1 && names.includes(c[0].name) && /^(red|blue|yellow) paint$/.test(c[0].name)
}

/** TaskChemistryMix: read the recipe where the task says it is, gather the ingredients in a pot, mix, focus on the product. */
const chemistryMixTask: Solver = function* (env) {
  const result = param(env, "result")
  const inputs = param(env, "inputChemicals").split(",")
  const near = param(env, "location")
  const existing = everything(env).find((o) => o.name === result)
  if (existing === undefined) {
    const pot = yield* mixingContainer(env, [...inputs, result], near, true)
    if (!hasRead(env, "recipe")) {
      const recipe = first(
        env,
        everything(env).filter((o) => o.name === "recipe"),
        "recipe"
      )
      if (recipe.container !== world(env).agent.inventory) {
        yield* reach(env, recipe)
        yield phrase(env, "pick up {0}", [recipe])
      }
      yield phrase(env, "read {0}", [recipe])
    }
    yield* mixInto(env, pot, inputs, result, near)
  }
  const product = first(
    env,
    everything(env).filter((o) => o.name === result),
    result
  )
  yield* reach(env, product)
  yield phrase(env, "focus on {0}", [product])
}

/** TaskChemistryMixPaint: mix the secondary colour in a container of its own and focus on it; for the tertiary colour, add its other paint, mix and focus again. */
const paintTask =
  (tertiary: boolean): Solver =>
  function* (env) {
    const near = param(env, "location")
    const secondary = param(env, "secondaryColor")
    const inputs2 = param(env, "inputChemicalsSecondary").split(",")
    const goals = world(env).goals
    const c = yield* mixingContainer(env, [...inputs2, secondary, param(env, "tertiaryColor")], near, false)
    if (goals.cur === 0) {
      const made = yield* mixInto(env, c, inputs2, secondary, near)
      yield phrase(env, "focus on {0}", [made])
    }
    if (!tertiary) return
    const made = yield* mixInto(env, c, param(env, "inputChemicalsTertiary").split(","), param(env, "tertiaryColor"), near)
    yield phrase(env, "focus on {0}", [made])
  }

export const solvers: Readonly<Record<string, Solver>> = {
  "use-thermometer": useThermometerTask,
  "chemistry-mix": chemistryMixTask,
  "chemistry-mix-paint-secondary-color": paintTask(false),
  "chemistry-mix-paint-tertiary-color": paintTask(true),
  "measure-melting-point-known-substance": meltingPointTask,
  "measure-melting-point-unknown-substance": meltingPointTask,
  boil: matterTask("boil"),
  melt: matterTask("melt"),
  freeze: matterTask("freeze"),
  "change-the-state-of-matter-of": matterTask("change"),
  "find-living-thing": findTask("living"),
  "find-non-living-thing": findTask("non-living"),
  "find-plant": findTask("plant"),
  "find-animal": findTask("animal"),
  "lifespan-longest-lived": lifespanTask(["long"]),
  "lifespan-shortest-lived": lifespanTask(["short"]),
  "lifespan-longest-lived-then-shortest-lived": lifespanTask(["long", "short"]),
  "inclined-plane-determine-angle": planeTask("angle"),
  "inclined-plane-friction-named-surfaces": planeTask("friction"),
  "inclined-plane-friction-unnamed-surfaces": planeTask("friction"),
  "test-conductivity": conductivityTask("substance"),
  "test-conductivity-of-unknown-substances": conductivityTask("unknownSubstance"),
  "power-component": powerTask("any"),
  "power-component-renewable-vs-nonrenewable-energy": powerTask("by variation")
}

export interface GoldRun {
  readonly actions: ReadonlyArray<string>
  readonly score: number
  readonly done: boolean
  readonly moves: number
}

/** Runs the task's solver on a freshly reset environment until it finishes. */
export const solve = (env: ScienceWorld): GoldRun => {
  const solver = solvers[env.taskName]
  if (solver === undefined) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "no solver for this task" })
  let last = env.reset()
  const actions: Array<string> = []
  for (const command of solver(env)) {
    actions.push(command)
    last = env.step(command)
    if (actions.length > 200) throw new GoldError({ task: env.taskName, variation: env.variation, reason: "solver did not finish in 200 actions" })
  }
  return { actions, score: last.score, done: last.done, moves: last.moves }
}
