/**
 * Scoring (tasks/goals/Goal.scala and goals/specificgoals/*.scala): a goal sequence of
 * ordered subgoals, checked only against the focused object, and unordered shaping
 * subgoals worth a share of one step each.
 *
 *   score = failed ? -1 : min(1, cur/n + completedUnordered * (1/(n+1))/m)
 *
 * The Python layer reports round-half-even(100 * score).
 */
import { InclinedPlane } from "./world/Things.js"
import { Animal, LivingThing, Plant } from "./world/Living.js"
import { Door, Obj, Terminal } from "./world/Obj.js"
import type { Material } from "./world/Material.js"
import type { Agent } from "./world/Places.js"
import { Generator, LightBulb, PolarizedComponent, Wire } from "./world/Electrical.js"
import { AnswerBox } from "./world/Containers.js"

export interface GoalResult {
  readonly success: boolean
  readonly failure: boolean
}
const SUCCESS: GoalResult = { success: true, failure: false }
const FAILURE: GoalResult = { success: false, failure: true }
const NOTHING: GoalResult = { success: false, failure: false }

export abstract class Goal {
  satisfiedWith: Obj | undefined = undefined
  defocusOnSuccess = false
  isOptional = false
  constructor(
    readonly description = "",
    readonly key = "",
    readonly after: ReadonlyArray<string> = []
  ) {}
  abstract check(obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult
}

export class GoalSequence {
  cur = 0
  failed = false
  lastSatisfiedWith: Obj | undefined = undefined
  readonly unorderedDone: Array<boolean>
  readonly completedKeys = new Set<string>()
  readonly storedValues = new Map<string, string>()
  constructor(
    readonly ordered: ReadonlyArray<Goal>,
    readonly unordered: ReadonlyArray<Goal> = []
  ) {
    this.unorderedDone = unordered.map(() => false)
  }

  isCompleted(): boolean {
    return this.cur >= this.ordered.length
  }

  /** Progress in [0, 1], or -1 once failed. The unordered units are summed one by one, as the original does. */
  score(): number {
    if (this.failed) return -1.0
    const ordered = this.cur / this.ordered.length
    const unit = 1 / (this.ordered.length + 1) / this.unordered.length
    let unordered = 0.0
    for (const done of this.unorderedDone) if (done) unordered += unit
    return Math.min(1.0, ordered + unordered)
  }

  /** `reset task`: progress and failure cleared; completed keys and goal-internal state are kept, as in the original. */
  reset(): void {
    this.cur = 0
    this.lastSatisfiedWith = undefined
    this.unorderedDone.fill(false)
    this.failed = false
  }

  private prerequisitesDone(keys: ReadonlyArray<string>): boolean {
    return keys.every((k) => this.completedKeys.has(k))
  }

  private visibleCache: { room: Obj | undefined; rev: number; objs: Array<Obj> } | undefined = undefined

  /**
   * Non-hidden objects under the agent's location, recursively, ignoring closed containers
   * (cached until something below the location moves, is renamed or hidden: `subtreeRev`).
   */
  visible(agent: Agent): ReadonlyArray<Obj> {
    const room = agent.container
    const rev = room?.subtreeRev ?? -1
    const c = this.visibleCache
    if (c !== undefined && c.room === room && c.rev === rev) return c.objs
    const objs = room?.contentsAndPortalsRecursive(false, false) ?? []
    this.visibleCache = { room, rev, objs }
    return objs
  }

  tick(focus: ReadonlyArray<Obj>, clearFocus: () => void, agent: Agent): void {
    this.tickOrdered(focus, clearFocus, agent)
    this.tickUnordered(focus, agent)
  }

  private tickOrdered(focusIn: ReadonlyArray<Obj>, clearFocus: () => void, agent: Agent): void {
    let focus = focusIn
    let first = -1
    for (;;) {
      if (this.isCompleted()) return
      let idx = this.cur
      if (first === -1) first = idx
      let goal: Goal | undefined = this.ordered[idx]
      let result = NOTHING
      for (;;) {
        if (this.prerequisitesDone(goal.after)) {
          for (const obj of focus) {
            result = goal.check(obj, this, agent)
            if (result.success) {
              if (goal.satisfiedWith !== undefined) this.lastSatisfiedWith = goal.satisfiedWith
              if (goal.defocusOnSuccess) {
                clearFocus()
                focus = []
              }
              if (goal.key.length > 0) this.completedKeys.add(goal.key)
              break
            }
            if (result.failure) break
          }
        }
        if (result.success || result.failure || !goal.isOptional) break
        if (this.isCompleted() || idx + 1 > this.ordered.length) break
        goal = this.ordered[idx + 1]
        if (goal === undefined) break
        idx += 1
      }
      if (result.failure) this.failed = true
      if (!result.success) return
      this.cur = idx + 1
      if (goal.key.length > 0) this.completedKeys.add(goal.key)
      if (first === this.cur) return
    }
  }

  private tickUnordered(focus: ReadonlyArray<Obj>, agent: Agent): void {
    let completedThisPass = -1
    while (completedThisPass !== 0) {
      completedThisPass = 0
      for (let i = 0; i < this.unordered.length; i++) {
        if (this.unorderedDone[i]) continue
        const goal = this.unordered[i]
        if (!this.prerequisitesDone(goal.after)) continue
        let done = goal.check(undefined, this, agent).success
        if (!done) for (const obj of focus) if ((done = goal.check(obj, this, agent).success)) break
        if (done) {
          this.unorderedDone[i] = true
          if (goal.key.length > 0) this.completedKeys.add(goal.key)
          completedThisPass += 1
        }
      }
    }
  }
}

/*
 * Helpers
 */
const lower = (s: string) => s.toLowerCase()

const lowered = new Map<string, string>()
const lowerOf = (s: string): string => {
  let l = lowered.get(s)
  if (l === undefined) lowered.set(s, (l = s.toLowerCase()))
  return l
}
/** `s.toLowerCase() === l` for a lower-case `l`, without lower-casing when the lengths differ (ASCII names). */
const sameLower = (s: string, l: string): boolean => s.length === l.length && (s === l || s.toLowerCase() === l)

/** `s.toLowerCase()` when that can equal `target` (same length), else undefined (ASCII names). */
const lowerIfSameLength = (s: string, target: string): string | undefined => (s.length === target.length ? s.toLowerCase() : undefined)

/** The object's name or descriptName is `l` (lower-cased with `lowerOf` once, before a loop over objects), ignoring case. */
const named = (o: Obj, l: string): boolean => sameLower(o.name, l) || (mayDescribeOtherwise(o) && sameLower(o.descriptName(), l))

const baseDescriptName = Obj.prototype.descriptName

/** Whether `descriptName()` can differ from `name`: the base one does only for what burns or has burned (goals ask this of every visible object each tick). */
const mayDescribeOtherwise = (o: Obj): boolean => o.descriptName !== baseDescriptName || o.isOnFire() || o.hasCombusted()

const isNotLastSatisfied = (obj: Obj, seq: GoalSequence): boolean => seq.lastSatisfiedWith !== undefined && seq.lastSatisfiedWith !== obj

/** The material of the focused object when it is the one the last goal passed with (the state-of-matter goals' subject). */
const focusedMaterial = (obj: Obj | undefined, seq: GoalSequence): Material | undefined =>
  obj === undefined || isNotLastSatisfied(obj, seq) ? undefined : obj.material

/*
 * Focus goals
 */
export class Find extends Goal {
  constructor(
    readonly objectName: string,
    readonly failIfWrong = true,
    defocusOnSuccess = false,
    description = "",
    key = ""
  ) {
    super(description, key)
    this.defocusOnSuccess = defocusOnSuccess
  }
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined) return NOTHING
    if (sameLower(obj.name, lowerOf(this.objectName))) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return this.failIfWrong ? FAILURE : NOTHING
  }
}

export class FindAnswerBox extends Goal {
  constructor(readonly objectName: string) {
    super()
  }
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined || !(obj instanceof AnswerBox)) return NOTHING
    if (sameLower(obj.name, lowerOf(this.objectName))) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return FAILURE
  }
}

/** Focus on an inclined plane with the given surface substance (or the given letter), else fail. */
export class FindInclinedPlane extends Goal {
  constructor(
    readonly matches: (plane: InclinedPlane) => boolean,
    defocusOnSuccess: boolean
  ) {
    super()
    this.defocusOnSuccess = defocusOnSuccess
  }
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined) return NOTHING
    if (lower(obj.name) === "inclined plane" && obj instanceof InclinedPlane && this.matches(obj)) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return FAILURE
  }
}

/** Focus on an object of a kind (a living thing, an animal, a plant); anything else fails. */
export class FocusOnKind extends Goal {
  constructor(readonly isKind: (o: Obj) => boolean) {
    super()
  }
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined) return NOTHING
    if (this.isKind(obj)) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return FAILURE
  }
}
export const focusOnLivingThing = () => new FocusOnKind((o) => o instanceof LivingThing)
export const focusOnAnimal = () => new FocusOnKind((o) => o instanceof Animal)
export const focusOnPlant = () => new FocusOnKind((o) => o instanceof Plant)

/** A movable non-living thing passes; an unmovable one gives no progress; a living one fails. */
export class FocusOnNonlivingThing extends Goal {
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined) return NOTHING
    if (obj instanceof LivingThing) return FAILURE
    if (!obj.movable) return NOTHING
    this.satisfiedWith = obj
    return SUCCESS
  }
}

/** The focused object (the one the last goal passed with) is inside a container named `containerName`, at any depth up to 20; inside a failure container fails. */
export class ObjectInContainer extends Goal {
  constructor(
    readonly containerName: string,
    readonly failureContainers: ReadonlyArray<string> = [],
    description = "",
    after: ReadonlyArray<string> = []
  ) {
    super(description, "", after)
  }
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    if (obj === undefined || isNotLastSatisfied(obj, seq)) return NOTHING
    if (obj.container !== undefined) {
      for (const fail of this.failureContainers) {
        let c: Obj | undefined = obj.container
        for (let steps = 0; c !== undefined && steps < 20; steps++, c = c.container) if (c.name === fail) return FAILURE
      }
    }
    let c: Obj | undefined = obj.container
    for (let steps = 0; c !== undefined && steps < 20; steps++, c = c.container) {
      if (sameLower(c.name, lowerOf(this.containerName))) {
        this.satisfiedWith = obj
        return SUCCESS
      }
    }
    return NOTHING
  }
}

export class ActivateDevice extends Goal {
  constructor(readonly deviceName: string) {
    super()
  }
  check(obj: Obj | undefined): GoalResult {
    if (obj === undefined || obj.device === undefined || obj.name !== this.deviceName) return NOTHING
    if (obj.device.isActivated) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return NOTHING
  }
}

/** The focused object is wired (through any chain, one way around from its anode / terminal 1) to an object named `partName`. */
export class ElectricallyConnected extends Goal {
  constructor(readonly partName: string) {
    super()
  }
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    if (obj === undefined || isNotLastSatisfied(obj, seq)) return NOTHING
    if (connectedToPart(obj, this.partName)) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return FAILURE
  }
}

/** ElectricalConductivity.areComponentsElectricallyConnected(part1, name), at most 10 objects deep. */
const connectedToPart = (part: Obj, name: string): boolean => {
  const start = part instanceof PolarizedComponent ? part.anode : part.terminal1
  if (start === undefined) return false
  const walk = (p: Obj, t: Terminal, depth: number): boolean => {
    if (depth <= 0) return false
    const other = p.otherTerminal(t)
    if (other === undefined) throw new Error("electrical walk reached a terminal with no other side")
    const conns = other.connections.getConnections().filter((c): c is Terminal => c instanceof Terminal)
    if (conns.some((c) => c.parentObject.name === name)) return true
    return conns.some((c) => walk(c.parentObject, c, depth - 1))
  }
  return walk(part, start, 10)
}

/*
 * Location goals
 */
export class MoveToLocation extends Goal {
  constructor(
    readonly location: string,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, _seq: GoalSequence, agent: Agent): GoalResult {
    return agent.container?.name === this.location ? SUCCESS : NOTHING
  }
}

/** Passes once the agent has left the location it was in when first checked (or is in `unless`). */
export class MoveToNewLocation extends Goal {
  startingLocation: string | undefined = undefined
  constructor(readonly unlessIn = "") {
    super()
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    const here = agent.container
    if (here === undefined) return NOTHING
    if (here.name === this.unlessIn) return SUCCESS
    if (this.startingLocation === undefined) {
      seq.storedValues.set("startingLocation", here.name)
      this.startingLocation = here.name
      return NOTHING
    }
    return here.name !== this.startingLocation ? SUCCESS : NOTHING
  }
}

export class InRoomWithOpenDoor extends Goal {
  check(_obj: Obj | undefined, _seq: GoalSequence, agent: Agent): GoalResult {
    const here = agent.container
    if (here === undefined) return NOTHING
    for (const p of here.portals) {
      if (!(p instanceof Door)) throw new Error("scala.MatchError: a location portal that is not a door")
      if (p.isPassable()) return SUCCESS
    }
    return NOTHING
  }
}

export class InRoomWithObject extends Goal {
  constructor(
    readonly objectName: string,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    const l = lowerOf(this.objectName)
    return seq.visible(agent).some((o) => sameLower(o.name, l) || lowerIfSameLength(o.descriptName(), this.objectName) === this.objectName) ? SUCCESS : NOTHING
  }
}

export class SpecificObjectInDirectContainer extends Goal {
  constructor(
    readonly containerName: string,
    readonly objectNames: ReadonlyArray<string>,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    if (this.objectNames.length === 0) return NOTHING
    const l = lowerOf(this.containerName)
    for (const v of seq.visible(agent)) {
      if (!named(v, l)) continue
      if (v.contents(false).some((c) => this.objectNames.includes(c.name) || this.objectNames.includes(c.descriptName()))) return SUCCESS
    }
    return NOTHING
  }
}

/** A visible device with this name is on (or off, for the deactivate variant). */
export class DeviceWithNameState extends Goal {
  constructor(
    readonly deviceName: string,
    readonly activated: boolean,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    const l = lowerOf(this.deviceName)
    return seq.visible(agent).some((v) => named(v, l) && v.device !== undefined && v.device.isActivated === this.activated) ? SUCCESS : NOTHING
  }
}

/** An action `look at` on an object with this name happened since the goal was first checked. */
export class PastActionExamineObject extends Goal {
  activatedAt = -1
  constructor(
    readonly objectName: string,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, _seq: GoalSequence, agent: Agent): GoalResult {
    if (this.activatedAt === -1) this.activatedAt = agent.actionHistory.length
    for (const a of agent.actionHistory.slice(this.activatedAt)) if (a.name === "look at" && named(a.assignments.obj, lowerOf(this.objectName))) return SUCCESS
    return NOTHING
  }
}

/** An action `read` on a document with this name (or descript name, ignoring case) happened since the goal was first checked. */
export class PastActionReadObject extends Goal {
  activatedAt = -1
  constructor(readonly documentName: string) {
    super()
  }
  check(_obj: Obj | undefined, _seq: GoalSequence, agent: Agent): GoalResult {
    if (this.activatedAt === -1) this.activatedAt = agent.actionHistory.length
    for (const a of agent.actionHistory.slice(this.activatedAt)) if (a.name === "read" && named(a.assignments.document, lowerOf(this.documentName))) return SUCCESS
    return NOTHING
  }
}

/*
 * Wiring goals (shaping only)
 */
const parentsOf = (t: Terminal | undefined): Array<Obj> =>
  t === undefined
    ? []
    : t.connections
        .getConnections()
        .filter((c): c is Terminal => c instanceof Terminal)
        .map((c) => c.parentObject)

/** The named visible object's anode or terminal 1 (or cathode or terminal 2) is connected to a wire. */
export class ObjectConnectedToWire extends Goal {
  constructor(
    readonly objectName: string,
    readonly firstSide: boolean
  ) {
    super()
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    const l = lowerOf(this.objectName)
    for (const v of seq.visible(agent)) {
      if (!named(v, l)) continue
      const t = v instanceof PolarizedComponent ? (this.firstSide ? v.anode : v.cathode) : this.firstSide ? v.terminal1 : v.terminal2
      if (parentsOf(t).some((p) => p instanceof Wire)) return SUCCESS
    }
    return NOTHING
  }
}

/** Some visible wire touches, on its two ends together, things passing `a` and `b`. */
class WireConnects extends Goal {
  constructor(
    readonly a: (o: Obj) => boolean,
    readonly b: (o: Obj) => boolean
  ) {
    super()
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    for (const w of seq.visible(agent)) {
      if (!(w instanceof Wire)) continue
      const ends = [...parentsOf(w.terminal1), ...parentsOf(w.terminal2)]
      if (ends.some(this.a) && ends.some(this.b)) return SUCCESS
    }
    return NOTHING
  }
}

const isGenerator = (name: string) => {
  const l = lowerOf(name)
  return (o: Obj) => o instanceof Generator && (name === "" || named(o, l))
}
const isLightBulb = (o: Obj) => o instanceof LightBulb

export const wireConnectsObjectAndPowerSource = (objectName: string, sourceName = "") => {
  const l = lowerOf(objectName)
  return new WireConnects((o) => named(o, l), isGenerator(sourceName))
}
export const wireConnectsObjectAndLightBulb = (objectName: string) => {
  const l = lowerOf(objectName)
  return new WireConnects((o) => named(o, l), isLightBulb)
}
export const wireConnectsPowerSourceAndLightBulb = () => new WireConnects(isGenerator(""), isLightBulb)

/*
 * State-of-matter and temperature goals (GoalChangeStateOfMatter.scala, GoalTemperature.scala)
 */

/** The focused object (the one the last goal passed with) is in state `state`, or burning when combustion is allowed. */
export class ChangeStateOfMatter extends Goal {
  constructor(
    readonly state: string,
    readonly combustionAllowed = false
  ) {
    super()
  }
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    const m = focusedMaterial(obj, seq)
    if (m === undefined) return NOTHING
    if (m.stateOfMatter === this.state || (this.combustionAllowed && m.isCombusting)) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return NOTHING
  }
}

/** The focused object has a material: its state is stored under the key "stateOfMatter". */
export class IsStateOfMatter extends Goal {
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    const m = focusedMaterial(obj, seq)
    if (m === undefined) return NOTHING
    seq.storedValues.set("stateOfMatter", m.stateOfMatter)
    this.satisfiedWith = obj
    return SUCCESS
  }
}

/** The focused object's state differs from the one stored by IsStateOfMatter. */
export class IsDifferentStateOfMatter extends Goal {
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    const m = focusedMaterial(obj, seq)
    if (m === undefined) return NOTHING
    if (m.stateOfMatter !== (seq.storedValues.get("stateOfMatter") ?? "")) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return NOTHING
  }
}

/** Some visible object's non-hidden contents are exactly as many objects as names, each named (or descript-named) in the list. */
export class ObjectsInSingleContainer extends Goal {
  constructor(readonly objectNames: ReadonlyArray<string>) {
    super()
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    if (agent.container === undefined || this.objectNames.length === 0) return NOTHING
    for (const v of seq.visible(agent)) {
      const contents = v.contents(false)
      if (contents.length !== this.objectNames.length) continue
      if (contents.every((c) => this.objectNames.includes(c.name) || this.objectNames.includes(c.descriptName()))) return SUCCESS
    }
    return NOTHING
  }
}

/** A visible object with this name (or descript name, ignoring case) is burning. */
export class TemperatureOnFire extends Goal {
  constructor(
    readonly objectName: string,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, seq: GoalSequence, agent: Agent): GoalResult {
    if (agent.container === undefined) return NOTHING
    const l = lowerOf(this.objectName)
    return seq.visible(agent).some((v) => named(v, l) && v.material !== undefined && v.material.isCombusting) ? SUCCESS : NOTHING
  }
}

/**
 * The focused object's temperature rose by at least `delta` (fell, for a negative sign) over
 * the temperature the goal first saw on a focused object with a material.
 */
export class TemperatureChange extends Goal {
  initial: number | undefined = undefined
  constructor(
    readonly delta: number,
    readonly increase: boolean,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(obj: Obj | undefined): GoalResult {
    const m = obj?.material
    if (m === undefined) return NOTHING
    const t = m.temperatureC
    if (this.initial === undefined) this.initial = t
    return (this.increase ? t >= this.initial + this.delta : t <= this.initial - this.delta) ? SUCCESS : NOTHING
  }
}

/*
 * Thermometer goals (GoalContainerByTemperature.scala, GoalPastAction.scala)
 */

/**
 * The focused object lies directly in `above` at a temperature >= the threshold, or in
 * `below` at <= it; in one of the two boxes otherwise fails the task.
 */
export class ContainerByTemperature extends Goal {
  constructor(
    readonly threshold: number,
    readonly above: string,
    readonly below: string
  ) {
    super()
  }
  check(obj: Obj | undefined, seq: GoalSequence): GoalResult {
    if (obj === undefined || isNotLastSatisfied(obj, seq) || obj.material === undefined) return NOTHING
    const t = obj.material.temperatureC
    const box = obj.container?.name
    if (box === undefined || (box !== this.above && box !== this.below)) return NOTHING
    if ((box === this.above && t >= this.threshold) || (box === this.below && t <= this.threshold)) {
      this.satisfiedWith = obj
      return SUCCESS
    }
    return FAILURE
  }
}

/**
 * A `use` action happened since the goal was first checked whose device is named `device`
 * (ignoring case) or whose patient's descript name, lower-cased, is `patient` (as written).
 */
export class PastActionUseObjectOnObject extends Goal {
  activatedAt = -1
  constructor(
    readonly deviceName: string,
    readonly patientName: string,
    key = "",
    after: ReadonlyArray<string> = []
  ) {
    super("", key, after)
  }
  check(_obj: Obj | undefined, _seq: GoalSequence, agent: Agent): GoalResult {
    if (this.activatedAt === -1) this.activatedAt = agent.actionHistory.length
    const device = lowerOf(this.deviceName)
    for (const a of agent.actionHistory.slice(this.activatedAt)) {
      if (a.name !== "use object") continue
      const d = a.assignments.device
      const p = a.assignments.patient
      if ((d !== undefined && sameLower(d.name, device)) || (p !== undefined && p.descriptName().toLowerCase() === this.patientName)) return SUCCESS
    }
    return NOTHING
  }
}
