/**
 * The object tree of the science world: the base object (ScienceWorld's `EnvObject`,
 * allenai/ScienceWorld:simulator/src/main/scala/scienceworld/struct/EnvObject.scala), its
 * property records, electrical terminals and the per-tick physics every object runs.
 *
 * Ordering is part of the behaviour: UUIDs are sequential per world (an object's two
 * hidden terminals are created just before it), children are kept in UUID order, ticks
 * and heat exchange go in UUID order, listings sort by (name, UUID).
 */
import { javaTrim, tokenJoin } from "../Text.js"
import type { Material } from "./Material.js"

export const MODE_CURSORY = 0
export const MODE_DETAILED = 1

export const ROLE_GENERATOR = 1
export const ROLE_USER = 2
export const ROLE_SWITCH = 3
export const VOLTAGE_GROUND = 0.0
export const VOLTAGE_GENERATOR = 9.0

/**
 * What the objects of one world share while it is being built or stepped: the UUID
 * counter, the simplifications that change object behaviour, and a random stream for
 * the behaviour the original draws from its global generator (bees; version 3).
 */
export interface WorldContext {
  nextUuid: number
  /** Ticks of the universe so far; an object ticked in the current one has `tickedAt === tickEpoch`. */
  tickEpoch: number
  /** Bumped whenever something moves or a container opens or closes: lists of reachable objects are cached against it. */
  structure: number
  selfWateringFlowerPots: boolean
  random: () => number
}

let context: WorldContext = { nextUuid: 1, tickEpoch: 0, structure: 0, selfWateringFlowerPots: false, random: () => 0 }

/** Makes `ctx` the world new objects belong to (set before building or stepping a world). */
export const enter = (ctx: WorldContext): void => {
  context = ctx
}
export const current = (): WorldContext => context

export interface ContainerProps {
  isContainer: boolean
  isOpen: boolean
  isClosable: boolean
}
export const closableContainer = (): ContainerProps => ({ isContainer: true, isOpen: false, isClosable: true })
export const notContainer = (): ContainerProps => ({ isContainer: false, isOpen: false, isClosable: false })
export const openContainer = (): ContainerProps => ({ isContainer: true, isOpen: true, isClosable: false })

export interface DeviceProps {
  isActivable: boolean
  isActivated: boolean
  isUsable: boolean
  isBroken: boolean
}
const device = (isActivable: boolean, isActivated: boolean, isUsable = false): DeviceProps => ({
  isActivable,
  isActivated,
  isUsable,
  isBroken: false
})
export const activableOff = (): DeviceProps => device(true, false)
export const activableOn = (): DeviceProps => device(true, true)
export const notActivableOff = (): DeviceProps => device(false, false)
export const notActivableOn = (): DeviceProps => device(false, true)
export const usable = (): DeviceProps => device(false, false, true)

/** A heat or cooling source: its extreme temperature and the one it is set to (undefined when off). */
export interface TemperatureSource {
  readonly limit: number
  setTemp: number | undefined
}

export interface LifeProps {
  lifeformType: string
  minTemp: number
  maxTemp: number
  isSickly: boolean
  isDead: boolean
  lifespanTypical: number
}

export interface Edibility {
  isEdible: boolean
  isPoisonous: boolean
}
export const edible = (): Edibility => ({ isEdible: true, isPoisonous: false })

/** Inserts `obj` into a UUID-sorted array. */
const insertSorted = <A extends Obj>(arr: Array<A>, obj: A): void => {
  let i = arr.length
  while (i > 0 && arr[i - 1].uuid > obj.uuid) i--
  arr.splice(i, 0, obj)
}

const byUuid = (a: Obj, b: Obj): number => a.uuid - b.uuid

/** Sorted, de-duplicated by identity. */
export const uuidOrdered = <A extends Obj>(objs: Iterable<A>): Array<A> => [...new Set(objs)].sort(byUuid)

const byNameThenUuid = (a: Obj, b: Obj): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.uuid - b.uuid)

/**
 * StringHelpers.objectListToStringDescription: descriptions sorted by (name, UUID),
 * hidden objects skipped; "nothing" when empty; one line joined by ", " or one "\t<desc>\n"
 * per object.
 */
export const listDescription = (
  objs: ReadonlyArray<Obj>,
  perspective: Obj,
  mode: number = MODE_CURSORY,
  multiline = false
): string => {
  const descs: Array<string> = []
  for (const obj of [...objs].sort(byNameThenUuid)) {
    const d = obj.descriptionSafeFrom(mode, perspective)
    if (d !== undefined) descs.push(d)
  }
  if (descs.length === 0) return multiline ? "\tnothing" : "nothing"
  if (!multiline) return descs.join(", ")
  return descs.map((d) => `\t${d}\n`).join("")
}

/** StringHelpers.portalListToStringDescription: the distinct descriptions, sorted as strings. */
export const portalListDescription = (portals: ReadonlyArray<Obj>, perspective: Obj): string => {
  const descs = [...new Set(portals.map((p) => p.descriptionSafeFrom(MODE_CURSORY, perspective)).filter((d) => d !== undefined))].sort()
  if (descs.length === 0) return "\tnothing"
  return descs.map((d) => `\t${d}\n`).join("")
}

/** Hooks the base tick needs from object classes defined downstream of this module. */
export const hooks: { makeAsh: () => Obj } = {
  makeAsh: () => {
    throw new Error("science world: object classes not registered")
  }
}

/** One referent in the forms the parser and the lists compare: as written, lower-cased, and tokenised like the input. */
export interface Referent {
  readonly raw: string
  readonly lower: string
  readonly tok: string
  /** The raw referent is not blank (blank ones are never matched). */
  readonly nonBlank: boolean
}

const referentForms = new Map<string, Referent>()

/** A referent's forms, memoised by its text (the same referents recur every step). */
export const referentOf = (raw: string): Referent => {
  let r = referentForms.get(raw)
  if (r === undefined) {
    if (referentForms.size > 100_000) referentForms.clear()
    const lower = raw.toLowerCase()
    r = { raw, lower, tok: tokenJoin(lower), nonBlank: javaTrim(raw).length > 0 }
    referentForms.set(raw, r)
  }
  return r
}

/**
 * The parser's referents of an object (its non-blank ones) and a filter on their
 * tokenised forms: a text can start with one of them only if the first two characters
 * pass (see `mayStart`).
 */
export interface ParserReferents {
  readonly nonBlank: ReadonlyArray<Referent>
  /** Bit (c & 31) for the first character c of each form; all bits when one is empty. */
  readonly firsts: number
  /** Bit (c & 31) for the second character c of each form; all bits when one is shorter than two. */
  readonly seconds: number
}

const bitAt = (s: string, i: number): number => 1 << (s.charCodeAt(i) & 31)

/** Whether `text` may start with one of these referents' tokenised forms (false only when it cannot). */
export const mayStart = (refs: ParserReferents, text: string): boolean => (refs.firsts & bitAt(text, 0)) !== 0 && (refs.seconds & bitAt(text, 1)) !== 0

const parserReferents = (all: ReadonlyArray<Referent>): ParserReferents => {
  const nonBlank = all.filter((r) => r.nonBlank)
  let firsts = 0
  let seconds = 0
  for (const { tok } of nonBlank) {
    firsts |= tok.length === 0 ? -1 : bitAt(tok, 0)
    seconds |= tok.length < 2 ? -1 : bitAt(tok, 1)
  }
  return { nonBlank, firsts, seconds }
}

/** `referents()` of an object with their forms and the parser's view of them; immutable, and shared by objects whose referents are the same. */
export interface ReferentList extends ParserReferents {
  readonly all: ReadonlyArray<Referent>
}

const referentLists = new Map<string, ReferentList>()

/** The list of these referents, shared by every object that has the same ones (most objects recur in every world: air, tables, cups). */
const referentList = (raw: ReadonlyArray<string>): ReferentList => {
  const key = raw.join("\0")
  let list = referentLists.get(key)
  if (list === undefined) {
    if (referentLists.size > 100_000) referentLists.clear()
    const all = raw.map(referentOf)
    list = { all, ...parserReferents(all) }
    referentLists.set(key, list)
  }
  return list
}

const sameReferents = (list: ReferentList, raw: ReadonlyArray<string>): boolean => {
  if (list.all.length !== raw.length) return false
  for (let i = 0; i < raw.length; i++) if (list.all[i].raw !== raw[i]) return false
  return true
}

/**
 * An object's referent list as of one revision (see `Obj.rev`) and, once asked for,
 * `referentsWithContainers` sorted, valid while its own list, its container and the
 * container's list are the ones it was made with.
 */
const noTerminals: ReadonlyArray<Terminal> = []

interface ReferentsMemo {
  readonly rev: number
  readonly dependency: unknown
  readonly list: ReferentList
  withContainers: { readonly list: ReferentList; readonly container: Obj | undefined; readonly containerList: ReferentList | undefined; readonly sorted: ReadonlyArray<string> } | undefined
}

/** Terminals' referent lists by parent name and terminal name (nothing else shows in them): most objects are terminals, and most are alike. */
const terminalLists = new Map<string, Map<string, ReferentList>>()

export class Obj {
  /** The world this object was made in (whose counters its changes bump, whichever world is entered). */
  declare readonly world: WorldContext
  declare private nameValue: string
  declare objType: string
  declare deleted: boolean
  declare private hiddenValue: boolean
  /**
   * The revision of this object's referents: bumped by every change `referents()` can
   * see (its name, its fire state, its life stage and health, its contents and their names),
   * so that a memo of them made at the same revision is still exact.
   */
  declare rev: number
  declare private memo: ReferentsMemo | undefined
  /**
   * Bumped, here and in every container above, by each change below this object that a
   * list of what is reachable inside it (with their referents) can see: a move, a container
   * opening or closing, a rename. Lists of what is inside are cached against it.
   */
  declare subtreeRev: number
  /** Made at its first tick (once the object is fully built): see `TickState`. */
  declare private tickStateValue: TickState | undefined
  declare container: Obj | undefined
  declare readonly children: Array<Obj>
  declare readonly portals: Array<Obj>
  declare readonly terminal1: Terminal | undefined
  declare readonly terminal2: Terminal | undefined
  /** Its two terminals (none for terminals and polarized components, whose are the anode and cathode), as `visibleTerminals` lists them. */
  declare protected readonly terminalPair: ReadonlyArray<Terminal>
  declare electricalRole: number
  declare readonly uuid: number
  declare material: Material | undefined
  declare edibility: Edibility | undefined
  declare containerProps: ContainerProps | undefined
  declare device: DeviceProps | undefined
  declare heatSource: TemperatureSource | undefined
  declare coolingSource: TemperatureSource | undefined
  /** propMoveable: always defined in the original, so a boolean. */
  declare movable: boolean
  declare life: LifeProps | undefined

  // Fields are assigned here rather than declared with initialisers: objects are made by the
  // hundred per reset, and V8 defines class fields much more slowly than it assigns them.
  constructor(includeTerminals = true) {
    this.world = context
    this.container = undefined
    this.rev = 0
    this.memo = undefined
    this.tickStateValue = undefined
    this.subtreeRev = 0
    this.nameValue = ""
    this.objType = ""
    this.deleted = false
    this.hiddenValue = false
    this.children = []
    this.portals = []
    this.electricalRole = ROLE_USER
    this.material = undefined
    this.edibility = undefined
    this.containerProps = undefined
    this.device = undefined
    this.heatSource = undefined
    this.coolingSource = undefined
    this.movable = true
    this.life = undefined
    if (includeTerminals) {
      const t1 = new Terminal(this, "terminal 1")
      const t2 = new Terminal(this, "terminal 2")
      t1.hidden = true
      t2.hidden = true
      this.terminal1 = t1
      this.terminal2 = t2
      this.terminalPair = [t1, t2]
      this.addObject(t1)
      this.addObject(t2)
    } else {
      this.terminal1 = undefined
      this.terminal2 = undefined
      this.terminalPair = noTerminals
    }
    this.uuid = context.nextUuid++
  }

  get name(): string {
    return this.nameValue
  }
  set name(name: string) {
    if (name === this.nameValue) return
    this.nameValue = name
    this.renamed()
  }

  get hidden(): boolean {
    return this.hiddenValue
  }
  set hidden(hidden: boolean) {
    if (hidden === this.hiddenValue) return
    this.hiddenValue = hidden
    this.renamed()
  }

  /** Something its referents or its descriptName show changed: its memo and its container's (whose referents may list it) are stale. */
  renamed(): void {
    this.rev++
    if (this.container !== undefined) {
      this.container.rev++
      this.container.touchSubtree()
    }
    // Its terminals' referents name it.
    for (const t of this.visibleTerminals(true)) t.container?.touchSubtree()
  }

  /**
   * Bumps `subtreeRev` here and in every container above. (A container moved into its own
   * contents leaves the tree as a cycle, which nothing reachable is inside: the climb stops
   * after as many steps as the world has objects.)
   */
  touchSubtree(): void {
    let steps = this.world.nextUuid
    for (let o: Obj | undefined = this; o !== undefined && steps-- > 0; o = o.container) o.subtreeRev++
  }

  /*
   * Portals and containment
   */
  addPortal(portal: Obj): void {
    if (!this.portals.includes(portal)) insertSorted(this.portals, portal)
  }

  contents(includeHidden = true): Array<Obj> {
    return includeHidden ? this.children.slice() : this.children.filter((c) => !c.hidden)
  }

  contentsAndPortals(includeHidden = true): Array<Obj> {
    const kids = includeHidden ? this.children : this.children.filter((c) => !c.hidden)
    return uuidOrdered([...kids, ...this.portals])
  }

  contentsAndPortalsRecursive(includeHidden = false, includePortalConnections = false): Array<Obj> {
    const out = new Set<Obj>()
    this.collectRecursive(out, includeHidden, includePortalConnections)
    return [...out].sort(byUuid)
  }

  private collectRecursive(out: Set<Obj>, includeHidden: boolean, includePortalConnections: boolean): void {
    const connections: Array<Obj> = []
    for (const obj of this.children) if (!obj.hidden || includeHidden) out.add(obj)
    for (const p of this.portals) {
      if (!p.hidden || includeHidden) {
        out.add(p)
        if (includePortalConnections) connections.push(...(p as Portal).connectionPoints())
      }
    }
    for (const obj of this.children) if (!obj.hidden || includeHidden) obj.collectRecursive(out, includeHidden, includePortalConnections)
    for (const c of connections) out.add(c)
  }

  contentsRecursive(): Array<Obj> {
    const out = new Set<Obj>()
    const walk = (o: Obj) => {
      for (const c of o.children) {
        out.add(c)
        walk(c)
      }
    }
    walk(this)
    return [...out].sort(byUuid)
  }

  /** Objects in this one, and in open containers within it, recursively. */
  contentsRecursiveAccessible(includeHidden = false): Array<Obj> {
    const out = new Set<Obj>()
    const walk = (o: Obj) => {
      const kids = includeHidden ? o.children : o.children.filter((c) => !c.hidden)
      for (const c of kids) out.add(c)
      for (const c of kids) if (c.containerProps?.isOpen === true) walk(c)
    }
    walk(this)
    return [...out].sort(byUuid)
  }

  /**
   * EnvObject.getContainedAccessibleObjects: contents (hidden ones when asked), the
   * terminals of electrical components, the contents of open containers; and (a quirk
   * kept) only hidden portals unless hidden objects are included.
   */
  contentsAccessible(includeHidden = false, includePortals = true): Array<Obj> {
    const out = new Set<Obj>()
    this.addAccessible(out, includeHidden, includePortals, undefined)
    return [...out].sort(byUuid)
  }

  /** `contentsAccessible().filter(keep)`, without making the whole list. */
  contentsAccessibleWhere(keep: (o: Obj) => boolean): Array<Obj> {
    const out = new Set<Obj>()
    this.addAccessible(out, false, true, keep)
    return [...out].sort(byUuid)
  }

  private addAccessible(out: Set<Obj>, includeHidden: boolean, includePortals: boolean, keep: ((o: Obj) => boolean) | undefined): void {
    for (const c of this.children) {
      if (!c.hidden || includeHidden) {
        if (keep === undefined || keep(c)) out.add(c)
        for (const t of c.visibleTerminals(includeHidden)) if (keep === undefined || keep(t)) out.add(t)
        if (c.containerProps?.isOpen === true) c.addAccessible(out, includeHidden, includePortals, keep)
      }
    }
    if (includePortals) for (const p of this.portals) if ((p.hidden || includeHidden) && (keep === undefined || keep(p))) out.add(p)
  }

  /** The terminals `contentsAccessible` adds with this object. */
  visibleTerminals(includeHidden: boolean): ReadonlyArray<Obj> {
    return includeHidden ? this.terminalPair : noTerminals
  }

  addObject(obj: Obj): void {
    if (obj === this) return
    obj.removeAndResetContainer()
    this.world.structure++
    this.rev++
    if (this.tickStateValue !== undefined) this.tickStateValue.stale = true
    insertSorted(this.children, obj)
    obj.container = this
    this.touchSubtree()
  }

  removeObjectFromContainer(obj: Obj): boolean {
    const i = this.children.indexOf(obj)
    if (i === -1) return false
    this.children.splice(i, 1)
    if (this.tickStateValue !== undefined) this.tickStateValue.stale = true
    this.world.structure++
    this.rev++
    this.touchSubtree()
    obj.container = undefined
    return true
  }

  removeAndResetContainer(): void {
    if (this.container !== undefined) this.container.removeObjectFromContainer(this)
    this.container = undefined
  }

  moveAllContainedObjects(to: Obj): void {
    for (const c of this.children.slice()) to.addObject(c)
  }

  contains(obj: Obj): boolean {
    return obj.container === this
  }

  containersRecursive(): Array<Obj> {
    const out: Array<Obj> = []
    for (let c = this.container; c !== undefined; c = c.container) out.push(c)
    return out
  }

  /*
   * Names, referents and descriptions
   */
  descriptName(override = ""): string {
    const name = override.length > 0 ? override : this.name
    if (!this.isOnFire() && this.hasCombusted()) return `burned ${name}`
    if (this.isOnFire()) return `${name} (on fire)`
    return name
  }

  referents(): Array<string> {
    return ["object", this.name, this.descriptName()]
  }

  /** Referents as seen from `perspective` (only portals depend on it). */
  referentsFrom(_perspective: Obj): Array<string> {
    return this.referents()
  }

  /** What `referents()` reads besides this object's own state (a terminal: its parent's name); compared with ===. */
  protected referentsDependency(): unknown {
    return undefined
  }

  /** A list shared with other objects that have the same referents, when this object can tell without making them. */
  protected sharedReferentList(): ReferentList | undefined {
    return undefined
  }

  /**
   * `referents()` with their forms, memoised until this object's revision or dependency
   * changes; when they come out the same again, the same list (portals' referents depend
   * on the viewer: see `parserReferentsFrom`).
   */
  referentList(): ReferentList {
    const m = this.memo
    const dependency = this.referentsDependency()
    if (m !== undefined && m.rev === this.rev && m.dependency === dependency) return m.list
    let list = this.sharedReferentList()
    if (list === undefined) {
      const raw = this.referents()
      // Unchanged referents keep the list without building the shared lists' key.
      list = m !== undefined && sameReferents(m.list, raw) ? m.list : referentList(raw)
    }
    this.memo = { rev: this.rev, dependency, list, withContainers: m?.withContainers }
    return list
  }

  /** The parser's referents of this object seen from `perspective` (the memo's, but for portals). */
  parserReferentsFrom(_perspective: Obj): ParserReferents {
    return this.referentList()
  }

  /** `referentsWithContainers(perspective)` sorted, memoised for objects other than portals. */
  sortedReferentsWithContainers(perspective: Obj): ReadonlyArray<string> {
    if (this instanceof Portal) return this.referentsWithContainers(perspective).sort()
    const list = this.referentList()
    const m = this.memo!
    const c = this.container
    const containerList = c?.referentList()
    const w = m.withContainers
    if (w !== undefined && w.list === list && w.container === c && w.containerList === containerList) return w.sorted
    const sorted = this.referentsWithContainers(perspective).sort()
    m.withContainers = { list, container: c, containerList, sorted }
    return sorted
  }

  /** "r", "r in c", "r on c" for every referent r and every referent c of the direct container; lower-cased, longer than one character. */
  referentsWithContainers(perspective: Obj): Array<string> {
    const out = new Set<string>()
    const containerRefs = this.container === undefined ? [] : this.container.referents()
    for (const ref of this.referentsFrom(perspective)) {
      if (ref.trim().length > 0) {
        out.add(ref.toLowerCase())
        for (const c of containerRefs) {
          out.add(`${ref} in ${c}`.toLowerCase())
          out.add(`${ref} on ${c}`.toLowerCase())
        }
      }
    }
    return [...out].filter((r) => r.length > 1)
  }

  description(_mode: number = MODE_CURSORY): string {
    return `An object, called ${this.descriptName()}, of type ${this.objType}`
  }

  descriptionFrom(mode: number, _perspective: Obj): string {
    return this.description(mode)
  }

  descriptionSafeFrom(mode: number, perspective: Obj): string | undefined {
    return this.hidden ? undefined : this.descriptionFrom(mode, perspective)
  }

  /*
   * Deletion
   */
  delete(expelContents = false): void {
    if (expelContents && this.container !== undefined) this.moveAllContainedObjects(this.container)
    this.disconnectElectricalTerminals()
    this.removeAndResetContainer()
    this.name += " (deleted)"
    this.deleted = true
  }

  /*
   * Electricity
   */
  electricalKind(): "polarized" | "unpolarized" | "plain" {
    return "plain"
  }

  isGenerator(): boolean {
    return false
  }

  isElectricallyConnected(): boolean {
    return (this.terminal1?.connections.size() ?? 0) > 0 || (this.terminal2?.connections.size() ?? 0) > 0
  }

  hasUnpolarizedTerminals(): boolean {
    return this.terminal1 !== undefined && this.terminal2 !== undefined
  }

  otherTerminal(t: Obj): Terminal | undefined {
    if (this.terminal1 === undefined || this.terminal2 === undefined) return undefined
    if (t === this.terminal1) return this.terminal2
    if (t === this.terminal2) return this.terminal1
    return undefined
  }

  unconnectedTerminal(): Terminal | undefined {
    if (this.terminal1 === undefined || this.terminal2 === undefined) return undefined
    if (this.terminal1.connections.size() === 0) return this.terminal1
    if (this.terminal2.connections.size() === 0) return this.terminal2
    return undefined
  }

  disconnectElectricalTerminals(): void {
    this.terminal1?.disconnect()
    this.terminal2?.disconnect()
  }

  /** Using this object as a device on `patient`: (success, message). */
  useWith(_patient: Obj): [boolean, string] {
    return [false, ""]
  }

  hasCombusted(): boolean {
    return this.material?.hasCombusted ?? false
  }

  isOnFire(): boolean {
    return this.material?.isCombusting ?? false
  }

  /*
   * Ticks
   */
  wasTickProcessed(): boolean {
    return this.tickState().tickedAt === context.tickEpoch
  }

  tick(): boolean {
    return tickBase(this.tickState())
  }

  /** This object's tick record, made at its first use (objects are complete by then: material, terminals and class are fixed). */
  tickState(): TickState {
    return (this.tickStateValue ??= new TickState(this, this.material, this.terminal1, this.terminal2, this.portals, this.tick === Obj.prototype.tick, this.electricalKind() === "plain"))
  }
}

/**
 * What the base tick of one object reads, in records of one shape: the object classes are
 * many, and reading the same field from objects of many classes is slow. All of it is
 * fixed once the object is built (the material, the terminals, the portal list, whether
 * the class overrides `tick`, its electrical kind), but the tick epoch it last ticked in
 * and the lists made from its children, remade when the children change (`stale`).
 */
export class TickState {
  /** The universe tick this object last ticked in (the original clears a flag over the whole tree instead). */
  tickedAt = -1
  stale = true
  /** The children's tick records but terminals' (which never change in a tick: no material, contents or terminals of their own), in UUID order. */
  tickable: ReadonlyArray<TickState> = []
  /** The children's materials, in UUID order (heat exchange). */
  hot: ReadonlyArray<Material> = []
  constructor(
    readonly obj: Obj,
    readonly material: Material | undefined,
    readonly terminal1: Terminal | undefined,
    readonly terminal2: Terminal | undefined,
    readonly portals: ReadonlyArray<Obj>,
    /** The class keeps the base tick, so it can be run without a call through the object. */
    readonly plainTick: boolean,
    readonly plainKind: boolean
  ) {}

  /** Remakes the lists when the children changed; the lists are replaced, never changed, so a tick iterates a snapshot. */
  refresh(): void {
    if (!this.stale) return
    const tickable: Array<TickState> = []
    const hot: Array<Material> = []
    for (const k of this.obj.children) {
      if (!(k instanceof Terminal)) tickable.push(k.tickState())
      if (k.material !== undefined) hot.push(k.material)
    }
    this.tickable = tickable
    this.hot = hot
    this.stale = false
  }
}

/**
 * The base tick (EnvObject.tick with the processes every object runs): combustion, heat
 * exchange with and among its children, change of state, conductivity, then its children
 * (from a snapshot: a child's tick may move things) and its portals (added only while
 * building).
 */
const tickBase = (st: TickState): boolean => {
  if (st.tickedAt === context.tickEpoch) return false
  const obj = st.obj
  const m = st.material
  // combustionTick changes nothing unless the object burns or has reached its combustion point.
  if (m !== undefined && (m.isCombusting || m.temperatureC >= m.combustionPoint)) combustionTick(obj, m)
  st.refresh()
  const hot = st.hot
  // Transfer between objects at the same temperature changes nothing, so when this object
  // and its children are all at one temperature the pairs are skipped.
  if (hot.length > 0 && !sameTemperature(m, hot)) {
    if (m !== undefined) for (const k of hot) heatTransfer(m, k)
    for (let i = 1; i < hot.length; i++) for (let j = 0; j < i; j++) heatTransfer(hot[i], hot[j])
  }
  if (m !== undefined) changeOfState(obj, false, m)
  if (st.terminal1 !== undefined) {
    if (st.plainKind && m?.electricallyConductive !== true) {
      // unpolarizedConductivityTick of a non-conductor
      st.terminal1.voltage = undefined
      st.terminal2!.voltage = undefined
    } else unpolarizedConductivityTick(obj, false)
  }
  st.refresh()
  // Indexed loops (this recursion runs about 110 times a step): 1.0-1.12x over for-of in six alternating runs.
  const tickable = st.tickable
  for (let i = 0; i < tickable.length; i++) {
    const k = tickable[i]
    if (k.plainTick) tickBase(k)
    else k.obj.tick()
  }
  const portals = st.portals
  for (let i = 0; i < portals.length; i++) portals[i].tick()
  st.tickedAt = context.tickEpoch
  return true
}

/*
 * Portals: doors between locations and drains into the sewer
 */
export class Portal extends Obj {
  isOpen: boolean
  isOpenable = true
  constructor(
    isOpen: boolean,
    readonly connectsFrom: Obj,
    readonly connectsTo: Obj
  ) {
    super()
    this.isOpen = isOpen
    this.movable = false
  }

  openClosedStr(): string {
    return this.isOpen ? "open" : "closed"
  }

  isPassable(): boolean {
    return this.isOpen
  }

  unpassableMessage(): string {
    if (this.isPassable()) return `This ${this.name} is passable.`
    return `The ${this.name} is not open.`
  }

  connectsToFrom(perspective: Obj): Obj | undefined {
    if (perspective === this.connectsFrom) return this.connectsTo
    if (perspective === this.connectsTo) return this.connectsFrom
    if (perspective.contains(this.connectsFrom)) return this.connectsTo
    if (perspective.contains(this.connectsTo)) return this.connectsFrom
    return undefined
  }

  sideOf(perspective: Obj): Obj | undefined {
    if (perspective === this.connectsFrom) return this.connectsFrom
    if (perspective === this.connectsTo) return this.connectsTo
    if (perspective.contains(this.connectsFrom)) return this.connectsFrom
    if (perspective.contains(this.connectsTo)) return this.connectsTo
    return undefined
  }

  connectionPoints(): Array<Obj> {
    return uuidOrdered([this.connectsFrom, this.connectsTo])
  }

  override referents(): Array<string> {
    return ["ERROR: SHOULD USE OVERRIDE FOR PORTAL."]
  }

  override referentsFrom(perspective: Obj): Array<string> {
    const to = this.connectsToFrom(perspective)
    if (to !== undefined) return [this.name, `${this.name} to ${to.name}`, `${to.name} ${this.name}`]
    return [
      this.name,
      `${this.name} from ${this.connectsFrom.name} to ${this.connectsTo.name}`,
      `${this.name} from ${this.connectsTo.name} to ${this.connectsFrom.name}`
    ]
  }

  private view:
    | {
        readonly perspective: Obj
        readonly fromIn: Obj | undefined
        readonly toIn: Obj | undefined
        readonly names: readonly [string, string, string]
        readonly referents: ParserReferents
      }
    | undefined = undefined

  /** Memoised for one perspective while what `referentsFrom` reads stays the same: which sides it contains, and the three names. */
  override parserReferentsFrom(perspective: Obj): ParserReferents {
    const v = this.view
    const from = this.connectsFrom
    const to = this.connectsTo
    if (
      v !== undefined &&
      v.perspective === perspective &&
      v.fromIn === from.container &&
      v.toIn === to.container &&
      v.names[0] === this.name &&
      v.names[1] === from.name &&
      v.names[2] === to.name
    )
      return v.referents
    const referents = parserReferents(this.referentsFrom(perspective).map(referentOf))
    this.view = { perspective, fromIn: from.container, toIn: to.container, names: [this.name, from.name, to.name], referents }
    return referents
  }

  canonicalReferent(perspective: Obj): string {
    const to = this.connectsToFrom(perspective)
    if (to !== undefined) return `${this.name} to ${to.name}`
    return `${this.name} from ${this.connectsFrom.name} to ${this.connectsTo.name}`
  }

  override descriptName(): string {
    return `door between ${this.connectsFrom.name} and ${this.connectsTo.name}`
  }

  override description(): string {
    return "ERROR: SHOULD USE OVERRIDE FOR PORTAL."
  }

  override descriptionFrom(_mode: number, perspective: Obj): string {
    const to = this.connectsToFrom(perspective)
    const state = this.isOpen ? "open" : "closed"
    if (to !== undefined) return `A ${this.name} to the ${to.name} (that is ${state})`
    return `A ${this.name} that connects the ${this.connectsFrom.name} to the ${this.connectsTo.name} (that is ${state})`
  }
}

export class Door extends Portal {
  constructor(isOpen: boolean, from: Obj, to: Obj) {
    super(isOpen, from, to)
    this.name = "door"
  }
}

export class LiquidDrain extends Portal {
  constructor(isOpen: boolean, from: Obj, to: Obj) {
    super(isOpen, from, to)
    this.name = "drain"
  }

  override tick(): boolean {
    if (this.isOpen) {
      const liquids = this.connectsFrom.children.filter((c) => c.material?.stateOfMatter === "liquid")
      for (const l of liquids) this.connectsTo.addObject(l)
    }
    return super.tick()
  }

  override referentsFrom(perspective: Obj): Array<string> {
    const side = this.sideOf(perspective)
    return side !== undefined ? [this.name, `${side.name} ${this.name}`] : [this.name]
  }

  override descriptionFrom(): string {
    return `A ${this.name}, which is ${this.openClosedStr()}`
  }
}

/*
 * Electrical terminals
 */
/** A terminal's connection point: at most one connection (ElectricalConnectionProperties, MAX_CONNECTIONS = 1). */
export class ElectricalConnection {
  private other: Obj | undefined = undefined
  getConnections(): Array<Obj> {
    return this.other === undefined ? [] : [this.other]
  }
  /** The one connection, if any (getConnections without the array). */
  peer(): Obj | undefined {
    return this.other
  }
  add(obj: Obj): boolean {
    if (this.other !== undefined) return false
    this.other = obj
    return true
  }
  remove(obj: Obj): boolean {
    if (this.other !== obj) return false
    this.other = undefined
    return true
  }
  size(): number {
    return this.other === undefined ? 0 : 1
  }
  isAtMax(): boolean {
    return this.other !== undefined
  }
  connectedToStr(): string {
    return this.other === undefined ? "nothing" : this.other.description(MODE_CURSORY)
  }
}

export class Terminal extends Obj {
  declare readonly connections: ElectricalConnection
  declare voltage: number | undefined
  declare readonly parentObject: Obj
  constructor(parentObject: Obj, name = "terminal") {
    super(false)
    this.parentObject = parentObject
    this.connections = new ElectricalConnection()
    this.voltage = undefined
    this.name = name
    this.movable = false
  }

  disconnect(): void {
    const others = this.connections.getConnections()
    for (const o of others) this.connections.remove(o)
    for (const o of others) if (o instanceof Terminal) o.connections.remove(this)
  }

  connectsToVoltage(): boolean {
    const o = this.connections.peer()
    return o instanceof Terminal && o.voltage === VOLTAGE_GENERATOR
  }

  /** Whether this terminal leads, within `maxSteps` objects, to a generator's ground. */
  connectsToGround(maxSteps = 10): boolean {
    const co = this.connections.peer()
    if (!(co instanceof Terminal)) return false
    const parent = co.parentObject
    const kind = parent.electricalKind()
    if (kind === "polarized" && parent.isGenerator()) return co.voltage === VOLTAGE_GROUND
    if (kind === "plain" && (parent.material === undefined || !parent.material.electricallyConductive)) return false
    const other = parent.otherTerminal(co)
    if (other === undefined) return false
    return maxSteps > 0 && other.connectsToGround(maxSteps - 1)
  }

  /** It is also reached as its parent's terminal, wherever it is. */
  override renamed(): void {
    super.renamed()
    this.parentObject.container?.touchSubtree()
  }

  /** Its referents name its parent. */
  protected override referentsDependency(): unknown {
    return this.parentObject.name
  }

  /** Without a material (so with its name as its descriptName) its referents follow from its name and its parent's. */
  protected override sharedReferentList(): ReferentList | undefined {
    if (this.material !== undefined) return undefined
    const parent = this.parentObject.name
    let byName = terminalLists.get(parent)
    if (byName === undefined) {
      if (terminalLists.size > 10_000) terminalLists.clear()
      terminalLists.set(parent, (byName = new Map()))
    }
    let list = byName.get(this.name)
    if (list === undefined) byName.set(this.name, (list = referentList(this.referents())))
    return list
  }

  override referents(): Array<string> {
    const p = this.parentObject.name
    return ["terminal", this.name, `${this.name} on ${p}`, `${p} ${this.name}`, this.descriptName(), `${this.descriptName()} on ${p}`]
  }

  override description(mode: number = MODE_CURSORY): string {
    if (mode === MODE_DETAILED) return `a ${this.descriptName()}.  it is connected to: ${this.connections.connectedToStr()}. `
    return `a ${this.descriptName()} on ${this.parentObject.name}`
  }
}

export class Anode extends Terminal {
  constructor(parent: Obj) {
    super(parent)
    this.name = "anode"
  }
}

export class Cathode extends Terminal {
  constructor(parent: Obj) {
    super(parent)
    this.name = "cathode"
  }
}

/*
 * Physics run by every object's tick (processes/*.scala)
 */
const HEAT_TRANSFER_COEFFICIENT = 0.1
const MAX_TRANSFER_PER_STEP = 1000.0

const clip = (increment: number): number =>
  Math.abs(increment) > MAX_TRANSFER_PER_STEP ? MAX_TRANSFER_PER_STEP * Math.sign(increment) : increment

/** Whether `own` (an object's material, if any) and every one of `hot` (its children's materials) are at one temperature. */
const sameTemperature = (own: Material | undefined, hot: ReadonlyArray<Material>): boolean => {
  const t = own === undefined ? hot[0].temperatureC : own.temperatureC
  for (let i = own === undefined ? 1 : 0; i < hot.length; i++) if (hot[i].temperatureC !== t) return false
  return true
}

/**
 * Conductive transfer between touching objects (HeatTransfer.heatTransferTouchingObjects):
 * each moves toward the other by 0.1 x the smaller conductivity x the difference; the
 * second update uses the first's new temperature, as the original does.
 */
export const heatTransfer = (ma: Material, mb: Material): void => {
  const k = Math.min(ma.thermalConductivity, mb.thermalConductivity)
  ma.temperatureC += clip((mb.temperatureC - ma.temperatureC) * k * HEAT_TRANSFER_COEFFICIENT)
  mb.temperatureC += clip((ma.temperatureC - mb.temperatureC) * k * HEAT_TRANSFER_COEFFICIENT)
}

/** An activated heat source warms each colder direct child by 0.1 x the difference. */
export const heatTransferHeatSource = (source: Obj, heated: Obj): void => {
  if (source.device !== undefined && !source.device.isActivated) return
  const set = source.heatSource?.setTemp
  if (set === undefined || heated.material === undefined) return
  if (heated.material.temperatureC < set) heated.material.temperatureC += clip((set - heated.material.temperatureC) * HEAT_TRANSFER_COEFFICIENT)
}

/** An activated cooling source cools each warmer direct child by 0.1 x the difference. */
export const heatTransferCoolingSource = (source: Obj, cooled: Obj): void => {
  if (source.device !== undefined && !source.device.isActivated) return
  const set = source.coolingSource?.setTemp
  if (set === undefined || cooled.material === undefined) return
  if (cooled.material.temperatureC > set) cooled.material.temperatureC += clip((set - cooled.material.temperatureC) * HEAT_TRANSFER_COEFFICIENT)
}

/** StateOfMatter.ChangeOfState: solid below melting, gas above boiling; a change renames the object. */
export const changeOfState = (obj: Obj, forceNameUpdate = false, m: Material | undefined = obj.material): void => {
  if (m === undefined) return
  const inferred = m.temperatureC < m.meltingPoint ? "solid" : m.temperatureC > m.boilingPoint ? "gas" : "liquid"
  if (m.stateOfMatter !== inferred || forceNameUpdate) {
    m.stateOfMatter = inferred
    const renamed = m.nameInStateOfMatter[inferred]
    if (renamed !== undefined) obj.name = renamed
  }
}

const COMBUSTION_DELTA_TEMP = 200.0

export const setOnFire = (obj: Obj): [boolean, string] => {
  const m = obj.material
  if (m === undefined) return [false, "That is not flammable."]
  if (obj.isOnFire()) return [true, `The ${obj.name} is already on fire.`]
  if (m.combustionTicks > 0) {
    m.isCombusting = true
    m.hasCombusted = true
    obj.renamed()
    return [true, `The ${obj.name} catches fire.`]
  }
  return [true, `The ${obj.name} is not flammable.`]
}

/** Combustion.combustionTick: ignition above the combustion point, burn-down to ash, water puts it out. */
export const combustionTick = (obj: Obj, m: Material | undefined = obj.material): void => {
  if (m === undefined) return
  if (m.temperatureC >= m.combustionPoint && !m.isCombusting) setOnFire(obj)
  if (!(m.isCombusting && m.combustionTicks > 0)) return
  m.combustionTicks -= 1
  const burning = m.combustionPoint + COMBUSTION_DELTA_TEMP
  if (m.temperatureC < burning) m.temperatureC = burning
  if (m.combustionTicks === 0) {
    m.isCombusting = false
    obj.renamed()
    const ash = hooks.makeAsh()
    ash.material!.temperatureC = m.temperatureC
    if (obj.container !== undefined) obj.container.addObject(ash)
    obj.delete(true)
  }
  const candidates = uuidOrdered([...obj.children, ...(obj.container?.children ?? [])])
  for (const c of candidates) {
    if (c.material !== undefined && c.material.substanceName === "water" && c.material.stateOfMatter === "liquid") {
      c.material.temperatureC = m.temperatureC
      if (m.isCombusting) obj.renamed()
      m.isCombusting = false
      m.temperatureC = m.combustionPoint - 10.0
      break
    }
  }
}

/**
 * ElectricalConductivity.unpolarizedElectricalConductivityTick: a wire or conductive
 * object with one side grounded and the other at voltage raises its grounded side to the
 * generator voltage (optionally switching itself on); non-conductors clear both sides.
 */
export const unpolarizedConductivityTick = (obj: Obj, activateDeviceIfPowered: boolean): void => {
  const t1 = obj.terminal1
  const t2 = obj.terminal2
  if (t1 === undefined || t2 === undefined) return
  const conductor = obj.electricalKind() !== "plain" || obj.material?.electricallyConductive === true
  if (!conductor) {
    t1.voltage = undefined
    t2.voltage = undefined
    return
  }
  if (obj.electricalRole !== ROLE_USER) return
  if (activateDeviceIfPowered) obj.device!.isActivated = false
  if (t1.connectsToGround() && t2.connectsToVoltage()) {
    t1.voltage = VOLTAGE_GENERATOR
    if (activateDeviceIfPowered) obj.device!.isActivated = true
  } else if (t2.connectsToGround() && t1.connectsToVoltage()) {
    t2.voltage = VOLTAGE_GENERATOR
    if (activateDeviceIfPowered) obj.device!.isActivated = true
  }
}
