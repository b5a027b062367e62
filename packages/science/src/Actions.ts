/**
 * The actions (scienceworld/actions/*.scala, input/ActionDefinitions.scala): each has a
 * trigger pattern the parser matches, a validity check whose message a failed action
 * returns (it still costs a tick), and its effect with its exact message. The same checks
 * generate the valid-action list.
 */
import { mix } from "./Chemistry.js"
import type { GoalSequence } from "./Goals.js"
import { Toilet } from "./world/Devices.js"
import { PolarizedComponent, UnpolarizedComponent } from "./world/Electrical.js"
import { Door, listDescription, MODE_CURSORY, MODE_DETAILED, type Obj, Portal, Terminal } from "./world/Obj.js"
import { type Agent, Location } from "./world/Places.js"
import { Document } from "./world/Things.js"

/** A trigger element: alternative literal phrases (the first is the one shown), or an object slot. */
export type Element = ReadonlyArray<string> | { readonly slot: string }

export interface ActionDef {
  readonly name: string
  readonly id: number
  readonly trigger: ReadonlyArray<Element>
  /** Teleport matches every object in the universe, not just the visible ones. */
  readonly oracle: boolean
}

export type Assignments = Readonly<Record<string, Obj>>

/** What running an action may touch besides the objects it names. */
export interface ActionWorld {
  readonly agent: Agent
  focus: Array<Obj>
  readonly goals: GoalSequence
}

export const UNKNOWN_CATCH = "<unknown catch>"

const slot = (name: string) => ({ slot: name })

/** All actions, in ActionHandler.getActions order (by id, then name). */
export const actionDefs = (teleport: boolean, electrical: boolean): ReadonlyArray<ActionDef> => {
  const defs: Array<ActionDef> = [
    { name: "open door", id: 0, trigger: [["open"], slot("door")], oracle: false },
    { name: "close door", id: 1, trigger: [["close"], slot("door")], oracle: false },
    {
      name: "move through door",
      id: 2,
      trigger: [["go", "go through", "walk through", "move through", "go to", "walk to", "move to", "go into", "move into"], slot("doorOrLocation")],
      oracle: false
    },
    { name: "look around", id: 3, trigger: [["look around", "look"]], oracle: false },
    { name: "look at", id: 4, trigger: [["look at", "look on", "examine"], slot("obj")], oracle: false },
    { name: "look in", id: 5, trigger: [["look in"], slot("obj")], oracle: false },
    { name: "activate", id: 6, trigger: [["activate", "turn on"], slot("device")], oracle: false },
    { name: "deactivate", id: 7, trigger: [["deactivate", "turn off"], slot("device")], oracle: false },
    { name: "eat", id: 8, trigger: [["eat", "consume"], slot("food")], oracle: false },
    { name: "move object", id: 9, trigger: [["move", "put"], slot("obj"), ["to", "in", "into", "on"], slot("moveTo")], oracle: false },
    { name: "pour object", id: 10, trigger: [["pour"], slot("obj"), ["in", "into", "on", "to"], slot("moveTo")], oracle: false },
    { name: "focus on", id: 11, trigger: [["focus on", "focus"], slot("obj")], oracle: false },
    { name: "reset task", id: 12, trigger: [["reset task"]], oracle: false },
    { name: "use object", id: 13, trigger: [["use"], slot("device"), ["on", "with"], slot("patient")], oracle: false },
    { name: "read", id: 14, trigger: [["read"], slot("document")], oracle: false },
    { name: "flush", id: 15, trigger: [["flush"], slot("device")], oracle: false },
    { name: "wait1", id: 18, trigger: [["wait1"]], oracle: false },
    { name: "wait10", id: 19, trigger: [["wait"]], oracle: false },
    { name: "view inventory", id: 20, trigger: [["inventory"]], oracle: false },
    { name: "pick up", id: 21, trigger: [["pick up", "get", "take"], slot("obj")], oracle: false },
    { name: "put down", id: 22, trigger: [["put down", "drop"], slot("obj")], oracle: false },
    { name: "mix", id: 23, trigger: [["mix", "stir"], slot("container")], oracle: false },
    { name: "task description", id: 24, trigger: [["task"]], oracle: false },
    { name: "dunk object", id: 26, trigger: [["dunk"], slot("moveTo"), ["in", "into"], slot("moveFrom")], oracle: false }
  ]
  if (electrical)
    defs.push(
      { name: "connect electrically", id: 16, trigger: [["connect"], slot("terminalA"), ["to", "in", "into"], slot("terminalB")], oracle: false },
      { name: "disconnect electrically", id: 17, trigger: [["disconnect"], slot("obj")], oracle: false }
    )
  if (teleport) defs.push({ name: "teleport to location", id: 2, trigger: [["teleport", "teleport to", "teleport into"], slot("location")], oracle: true })
  return defs.sort((a, b) => a.id - b.id || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The action templates the API lists (first phrases, OBJ for slots), sorted. */
export const possibleActions = (defs: ReadonlyArray<ActionDef>): Array<string> =>
  defs.map((d) => d.trigger.map((e) => ("slot" in e ? "OBJ" : e[0])).join(" ")).sort()

/** Actions that take no time. */
export const isFree = (name: string): boolean => name === "look around" || name === "view inventory" || name === "task description"

type Check = readonly [message: string, ok: boolean]
const OK: Check = ["", true]

/*
 * Validity checks (the isValidAction of each action)
 */
const checkOpen = (obj: Obj): Check => {
  if (obj instanceof Portal) {
    if (obj.isOpen) return [`The ${obj.name} is already open.`, false]
    if (!obj.isOpenable) return [`The ${obj.name} is not openable.`, false]
  }
  const cp = obj.containerProps
  if (cp !== undefined) {
    if (!cp.isClosable) return [`The ${obj.name} is not openable.`, false]
    if (cp.isOpen) return [`The ${obj.name} is already open.`, false]
  }
  if (!(obj instanceof Portal) && cp === undefined) return [`The ${obj.name} is not openable.`, false]
  return OK
}

const checkClose = (obj: Obj): Check => {
  if (obj instanceof Portal) {
    if (!obj.isOpen) return [`The ${obj.name} is already closed.`, false]
    if (!obj.isOpenable) return [`The ${obj.name} is not closeable.`, false]
  }
  const cp = obj.containerProps
  if (cp !== undefined) {
    if (!cp.isClosable) return [`The ${obj.name} is not closeable.`, false]
    if (!cp.isOpen) return [`The ${obj.name} is already closed.`, false]
  }
  if (!(obj instanceof Portal) && cp === undefined) return [`The ${obj.name} is not closeable.`, false]
  return OK
}

/** The agent's location as getContainerRecursiveOfType[Location] finds it. */
const agentLocation = (agent: Obj): Obj | undefined => {
  const c = agent.container
  return c instanceof Location ? c : undefined
}

/** The door from the agent's location to `location`, if any (by the far side's referents). */
const portalTo = (agent: Obj, location: Obj): Portal | undefined => {
  const here = agentLocation(agent)
  if (here === undefined) return undefined
  for (const p of here.portals as Array<Portal>) {
    const to = p.connectsToFrom(here)
    if (to !== undefined && to.referents().includes(location.name)) return p
  }
  return undefined
}

const checkGo = (agent: Obj, target: Obj): Check => {
  if (target instanceof Door) {
    if (!target.isPassable()) return [target.unpassableMessage(), false]
    if (target.connectsToFrom(agent.container!) === undefined) return ["The door doesn't appear to go anywhere.", false]
    return OK
  }
  if (target instanceof Location) {
    if (agentLocation(agent) === undefined) return ["<ERROR> The agent doesn't appear to be in a valid location.", false]
    const p = portalTo(agent, target)
    if (p === undefined) return ["It's not clear how to get there from here.", false]
    return p.isPassable() ? OK : [p.unpassableMessage(), false]
  }
  return [`Its not clear how to go to/through a ${target.name}.`, false]
}

export const checkTeleport = (target: Obj): Check =>
  target instanceof Location && target.name.toLowerCase() !== "universe" ? OK : [`Its not clear how to go to ${target.name}.`, false]

const checkLookIn = (obj: Obj): Check => {
  const cp = obj.containerProps
  if (cp === undefined) return ["It's not clear how to look inside of that.", false]
  return cp.isOpen ? OK : [`The ${obj.name} isn't open, so you can't see inside.`, false]
}

const checkActivate = (obj: Obj, on: boolean): Check => {
  const d = obj.device
  if (d === undefined || !d.isActivable) return [`The ${obj.name} is not something that can be activated.`, false]
  if (d.isActivated === on) return [`The ${obj.name} is already ${on ? "activated" : "deactivated"}.`, false]
  return OK
}

const checkEat = (food: Obj): Check => (food.edibility?.isEdible === true ? OK : [`The ${food.name} is not edible.`, false])

const checkMove = (obj: Obj, to: Obj): Check => {
  if (!obj.movable) return [`The ${obj.name} is not moveable.`, false]
  if (obj === to) return ["You can't move something into itself.", false]
  const state = obj.material?.stateOfMatter
  if (state === "liquid")
    return [
      "You can't pick up a liquid directly.  Try pouring it from one container to another, or dunking empty containers into containers filled with the liquid.",
      false
    ]
  if (state === "gas") return ["You can't pick up a gas directly.", false]
  if (to.containerProps === undefined) return ["That can't be moved there.", false]
  if (!to.containerProps.isOpen) return [`That can't be moved there, because the ${to.name} isn't open.`, false]
  return OK
}

const pouringContainer = (obj: Obj): boolean => obj.containerProps?.isContainer === true

const checkPour = (obj: Obj, to: Obj): Check => {
  const pouringOut = pouringContainer(obj)
  if (!obj.movable) return [`The ${obj.name} is not moveable.`, false]
  if (!pouringOut) {
    const c = obj.container
    if (c === undefined) return [`The ${obj.name} can't be poured out because it doesn't appear to be in a container.`, false]
    if (!c.movable) return [`The ${c.name} the ${obj.name} is in is not movable.`, false]
  }
  if (pouringOut) {
    if (!obj.containerProps!.isOpen) return [`The ${obj.name} can't be poured out, because it's not open.`, false]
  } else {
    const state = obj.material?.stateOfMatter
    if (state === "solid") return ["I'm not sure how to pour a solid. ", false]
    if (state === "gas") return ["You can't pour a gas directly. ", false]
  }
  if (to.containerProps === undefined) return ["That can't be moved there, because it's not a container.", false]
  if (!to.containerProps.isOpen) return [`That can't be moved there, because the ${to.name} isn't open.`, false]
  if (pouringOut && obj.children.length === 0) return [`The ${obj.name} is empty, so there's nothing to pour.`, false]
  return OK
}

const liquidsIn = (c: Obj): { all: Array<Obj>; movable: Array<Obj> } => {
  const all = c.contents(false).filter((o) => o.material?.stateOfMatter === "liquid")
  return { all, movable: all.filter((o) => o.movable) }
}

const checkDunk = (from: Obj, to: Obj): Check => {
  if (from === to) return ["You can't dunk something into itself.", false]
  if (!to.movable) return [`The ${to.name} is not moveable.`, false]
  if (to.containerProps !== undefined && !to.containerProps.isOpen) return [`The ${to.name} is not open.`, false]
  if (to.containerProps === undefined || !to.containerProps.isContainer) return [`The ${to.name} is not a container.`, false]
  const { all, movable } = liquidsIn(from)
  if (all.length === 0) return [`The ${from.name} does not contain any liquids to dunk into.`, false]
  if (movable.length === 0) return [`The liquids in ${from.name} aren't able to move.`, false]
  return OK
}

const checkUse = (device: Obj): Check => (device.device?.isUsable === true ? OK : [`I'm not sure how to use the ${device.name}. `, false])

const checkRead = (doc: Obj): Check => (doc instanceof Document ? OK : ["It's not clear how to read that.", false])

const checkFlush = (obj: Obj): Check => {
  if (!(obj instanceof Toilet)) return ["It's not clear how to flush that.", false]
  if (obj.device!.isActivated) return ["That is already flushing.", false]
  return OK
}

/** ActionConnectElectrical.getTerminal: the terminal an object reference means, or why there is none. */
const terminalOf = (obj: Obj): [Obj, string, boolean] => {
  if (obj instanceof Terminal) return [obj, "", true]
  if (obj instanceof PolarizedComponent) return [obj, "Connections must specify specific points of contact on polarized electrical components (e.g. anode, cathode)", false]
  if (obj instanceof UnpolarizedComponent)
    return [obj, "Connections must specify specific points of contact on unpolarized electrical components (e.g. terminal 1, terminal 2)", false]
  if (!obj.hasUnpolarizedTerminals()) return [obj, `It's not clear how to connect something to ${obj.name}`, false]
  const free = obj.unconnectedTerminal()
  if (free === undefined) return [obj, `${obj.name} is already connected, and must be disconnected before it can be connected to something else`, false]
  return [free, "", true]
}

const checkConnect = (a: Obj, b: Obj): Check => {
  const [ta, ea, oka] = terminalOf(a)
  if (!oka) return [ea, false]
  const [tb, eb, okb] = terminalOf(b)
  if (!okb) return [eb, false]
  if (ta === tb) return ["Something can't be connected to itself.", false]
  for (const t of [ta, tb] as Array<Terminal>) {
    if (t.connections.isAtMax()) return [`${t.name} on ${t.parentObject.name} is already connected, and must be disconnected before it can be connected to something else`, false]
  }
  return OK
}

const checkDisconnect = (obj: Obj): Check =>
  obj instanceof Terminal ? [`You must disconnect entire objects (such as ${obj.parentObject.name}) instead of just single terminals`, false] : OK

/** Mixing needs more than one child (hidden terminals count, so nearly everything qualifies). */
const checkMix = (obj: Obj): Check => (obj.children.length <= 1 ? ["", false] : OK)

const inInventory = (agent: Agent, obj: Obj): boolean => agent.inventory.children.some((c) => c === obj && !c.hidden)

/*
 * Running an action
 */
const disconnecting = (obj: Obj, newline: boolean): string => {
  if (!obj.isElectricallyConnected()) return ""
  obj.disconnectElectricalTerminals()
  return `(disconnecting ${obj.name})${newline ? "\n" : ""}`
}

const moveObject = (obj: Obj, to: Obj): [string, boolean] => {
  const [msg, ok] = checkMove(obj, to)
  if (!ok) return [msg, false]
  to.addObject(obj)
  return [`${disconnecting(obj, false)}You move the ${obj.name} to the ${to.name}.`, true]
}

/** Runs the named action with its assignments; returns (message, success). */
export const runAction = (name: string, a: Assignments, w: ActionWorld): [string, boolean] => {
  const agent = w.agent
  switch (name) {
    case "open door": {
      const obj = a.door
      const [msg, ok] = checkOpen(obj)
      if (!ok) return [msg, false]
      if (obj instanceof Portal && !obj.isOpen && obj.isOpenable) {
        obj.isOpen = true
        return [`The ${obj.name} is now open.`, true]
      }
      if (obj.containerProps !== undefined && !obj.containerProps.isOpen) {
        obj.containerProps.isOpen = true
        obj.world.structure++
        obj.touchSubtree()
        return [`The ${obj.name} is now open.`, true]
      }
      return [UNKNOWN_CATCH, false]
    }
    case "close door": {
      const obj = a.door
      const [msg, ok] = checkClose(obj)
      if (!ok) return [msg, false]
      if (obj instanceof Portal && obj.isOpen && obj.isOpenable) {
        obj.isOpen = false
        return [`The ${obj.name} is now closed.`, true]
      }
      if (obj.containerProps !== undefined && obj.containerProps.isOpen) {
        obj.containerProps.isOpen = false
        obj.world.structure++
        obj.touchSubtree()
        return [`The ${obj.name} is now closed.`, true]
      }
      return [UNKNOWN_CATCH, false]
    }
    case "move through door": {
      const target = a.doorOrLocation
      const [msg, ok] = checkGo(agent, target)
      if (!ok) return [msg, false]
      if (target instanceof Door) {
        const to = target.connectsToFrom(agent.container!)!
        to.addObject(agent)
        return [`You move through the ${target.name} to the ${to.name}.`, true]
      }
      if (target instanceof Location && portalTo(agent, target) !== undefined) {
        target.addObject(agent)
        return [`You move to the ${target.name}.`, true]
      }
      return [UNKNOWN_CATCH, false]
    }
    case "teleport to location": {
      const target = a.location
      const [msg, ok] = checkTeleport(target)
      if (!ok) return [msg, false]
      target.addObject(agent)
      return [`You teleport to the ${target.name}.`, true]
    }
    case "look around":
      return [agent.container!.descriptionSafeFrom(MODE_DETAILED, agent.container!) ?? "<ERROR: attempting to view hidden object>", true]
    case "look at": {
      const d = a.obj.descriptionSafeFrom(MODE_DETAILED, agent.container!)
      return [d ?? "<ERROR: Could not retrieve object description>", true]
    }
    case "look in": {
      const obj = a.obj
      const [msg, ok] = checkLookIn(obj)
      if (!ok) return [msg, false]
      let s = ""
      if (obj.containerProps!.isOpen) {
        if (obj.children.length === 0) s += `There is nothing in the ${obj.name}.`
        else s += `Inside the ${obj.name} is: \n${listDescription(obj.contents(), agent, MODE_CURSORY, true)}`
        s += "\n"
      }
      if (obj.portals.length > 0) {
        const descs = obj.portals.map((p) => p.descriptionSafeFrom(MODE_CURSORY, obj)).filter((d) => d !== undefined)
        s += ` You also see: ${descs.join(", ")}.`
      }
      return [s, true]
    }
    case "activate":
    case "deactivate": {
      const on = name === "activate"
      const obj = a.device
      const [msg, ok] = checkActivate(obj, on)
      if (!ok) return [msg, false]
      if (obj.device!.isBroken) return [`The ${obj.name} appears broken, and can't be activated or deactivated.`, true]
      obj.device!.isActivated = on
      return [`The ${obj.name} is now ${on ? "activated" : "deactivated"}.`, true]
    }
    case "eat": {
      const food = a.food
      const [msg, ok] = checkEat(food)
      if (!ok) return [msg, false]
      food.removeAndResetContainer()
      return food.edibility!.isPoisonous ? ["You don't feel well.", true] : [`The ${food.name} was delicious.`, true]
    }
    case "move object":
      return moveObject(a.obj, a.moveTo)
    case "pick up":
      return moveObject(a.obj, agent.inventory)
    case "put down":
      return moveObject(a.obj, agent.container!)
    case "pour object": {
      const obj = a.obj
      const to = a.moveTo
      const [msg, ok] = checkPour(obj, to)
      if (!ok) return [msg, false]
      if (obj === to) return ["You can't move something into itself.", false]
      let s = ""
      if (pouringContainer(obj)) {
        for (const c of obj.contents()) {
          if (c.movable) {
            to.addObject(c)
            s += disconnecting(c, true)
          }
        }
        return [`${s}You pour the contents of the ${obj.name} into the ${to.name}.`, true]
      }
      to.addObject(obj)
      return [`${disconnecting(obj, true)}You pour the ${obj.name} into the ${to.name}.`, true]
    }
    case "dunk object": {
      const from = a.moveFrom
      const to = a.moveTo
      const [msg, ok] = checkDunk(from, to)
      if (!ok) return [msg, false]
      const { movable } = liquidsIn(from)
      let s = ""
      for (const l of movable) {
        to.addObject(l)
        s += disconnecting(l, false)
      }
      return [`${s}You dunk the ${to.name} in the ${from.name}, moving the liquids (${movable.map((l) => l.name).join(", ")}) to the ${to.name}.`, true]
    }
    case "focus on":
      w.focus = [a.obj]
      return [`You focus on the ${a.obj.descriptName()}.`, true]
    case "reset task":
      w.goals.reset()
      w.focus = []
      return ["You reset the goal progress and focus.", true]
    case "use object": {
      const [msg, ok] = checkUse(a.device)
      if (!ok) return [msg, false]
      const [success, result] = a.device.useWith(a.patient)
      return success ? [result, true] : ["I'm not sure how to use those two things together.", false]
    }
    case "read": {
      const [msg, ok] = checkRead(a.document)
      if (!ok) return [msg, false]
      return [(a.document as Document).read(), true]
    }
    case "flush": {
      const [msg, ok] = checkFlush(a.device)
      if (!ok) return [msg, false]
      a.device.device!.isActivated = true
      return [`The ${a.device.name} is now flushing.`, true]
    }
    case "connect electrically": {
      const [msg, ok] = checkConnect(a.terminalA, a.terminalB)
      if (!ok) return [msg, false]
      const ta = terminalOf(a.terminalA)[0] as Terminal
      const tb = terminalOf(a.terminalB)[0] as Terminal
      ta.connections.add(tb)
      tb.connections.add(ta)
      return [`${ta.name} on ${ta.parentObject.name} is now connected to ${tb.name} on ${tb.parentObject.name}`, true]
    }
    case "disconnect electrically": {
      const [msg, ok] = checkDisconnect(a.obj)
      if (!ok) return [msg, false]
      a.obj.disconnectElectricalTerminals()
      return [`${a.obj.name} has been disconnected`, false]
    }
    case "wait1":
    case "wait10": {
      const n = name === "wait1" ? 1 : 10
      agent.waitingCounter = n
      return [`You decide to wait for ${n} iterations.`, true]
    }
    case "view inventory":
      return [`In your inventory, you see:\n${listDescription(agent.inventory.contents(), agent.inventory, MODE_DETAILED, true)}`, true]
    case "mix": {
      const [msg, ok] = checkMix(a.container)
      if (!ok) return [msg, false]
      return [mix(a.container)[1], true]
    }
    case "task description":
      return [`Task Description:\n${agent.taskDescription}`, true]
    default:
      throw new Error(`unknown action ${name}`)
  }
}

/*
 * Valid actions (ActionDefinitions.mkPossibleActions, each action's generatePossibleValidActions)
 */
export interface ValidActionContext {
  readonly agent: Agent
  /** Every non-hidden object under the agent's location, closed containers included. */
  readonly visible: ReadonlyArray<Obj>
  /** Every object in the universe (teleport targets). */
  readonly all: ReadonlyArray<Obj>
  readonly referent: (o: Obj) => string
  readonly referentAll: (o: Obj) => string
  readonly teleport: boolean
  readonly electrical: boolean
}

export const validActions = (c: ValidActionContext): Array<string> => {
  const out: Array<string> = []
  const { agent, visible } = c
  const r = c.referent
  const single = (verb: string, check: (o: Obj) => Check) => {
    for (const o of visible) if (check(o)[1]) out.push(`${verb} ${r(o)}`)
  }
  const pairs = (verb: string, joiner: string, check: (a: Obj, b: Obj) => Check) => {
    for (const a of visible) for (const b of visible) if (check(a, b)[1]) out.push(`${verb} ${r(a)} ${joiner} ${r(b)}`)
  }
  single("open", checkOpen)
  single("close", checkClose)
  single("go to", (o) => checkGo(agent, o))
  out.push("look around")
  single("look at", () => OK)
  single("look in", checkLookIn)
  single("activate", (o) => checkActivate(o, true))
  single("deactivate", (o) => checkActivate(o, false))
  single("eat", checkEat)
  pairs("move", "to", checkMove)
  pairs("pour", "into", checkPour)
  pairs("dunk", "into", (from, to) => checkDunk(from, to))
  single("focus on", () => OK)
  out.push("reset task")
  pairs("use", "on", (d) => checkUse(d))
  single("read", checkRead)
  single("flush", checkFlush)
  if (c.electrical) {
    pairs("connect", "to", checkConnect)
    single("disconnect", checkDisconnect)
  }
  out.push("wait1", "wait", "inventory")
  single("pick up", (o) => (checkMove(o, agent.inventory)[1] && !inInventory(agent, o) ? OK : ["", false]))
  single("put down", (o) => (checkMove(o, agent.container!)[1] && inInventory(agent, o) ? OK : ["", false]))
  single("mix", checkMix)
  out.push("task")
  if (c.teleport) for (const o of c.all) if (checkTeleport(o)[1]) out.push(`teleport to ${c.referentAll(o)}`)
  return out
}
