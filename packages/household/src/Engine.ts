/**
 * The episode state machine: ALFWorld's commands with the preconditions of
 * reference/alfred.pddl and the feedback of reference/alfred.twl2. A command is valid
 * only when it is exactly (after trimming) one of the admissible commands; anything
 * else is "Nothing happens." and changes nothing but the step count. The agent stands at
 * a spot (../shared/specs/household.md, "Version 2 fidelity"): every receptacle there is
 * used without moving, and `go to` is admissible only for receptacles elsewhere.
 *
 * Speed: the admissible commands are derived once per state change, as a map from
 * command string to action (which is also the validity check, so a step never parses
 * text); the sorted list is built only when asked for, by merging the few local
 * commands into the precomputed sorted "go to" list.
 */
import type { Session, Transition } from "@epo/env"
import { type Game, type WorldState, MIDDLE, NOTHING, cloneState, goalHolds, goalText } from "./Game.js"
import {
  canContain,
  cleanable,
  coolable,
  heatable,
  knives,
  movableReceptacles,
  pickupable,
  sliceable,
  toggleable
} from "./Tables.js"
import * as Expert from "./Expert.js"
import * as Text from "./Text.js"

export const defaultMaxSteps = 50

const enum Kind {
  GoTo,
  Open,
  Close,
  Take,
  Move,
  Heat,
  Cool,
  Clean,
  Use,
  Slice,
  ExamineReceptacle,
  ExamineObject,
  Inventory,
  Look,
  Help
}

interface Action {
  readonly kind: Kind
  /** The object acted on (for Slice: the object sliced). */
  readonly o: number
  readonly r: number
  /** Slice: the knife in hand. */
  readonly k: number
}

/** What never changes within a game, shared by all its sessions. */
interface Compiled {
  readonly goTo: ReadonlyArray<string>
  /** Spot of the receptacle of each entry of `goTo`. */
  readonly goToSpot: Int32Array
  readonly goToAction: ReadonlyMap<string, Action>
  readonly recNames: ReadonlyArray<string>
  readonly objNames: ReadonlyArray<string>
  /** Receptacles at each spot, in listing order. */
  readonly atSpot: ReadonlyArray<ReadonlyArray<number>>
  readonly pickupable: Uint8Array
  readonly toggleable: Uint8Array
  readonly sliceable: Uint8Array
  readonly knife: Uint8Array
  /** Per object: whether it is a movable receptacle (examined as "This is a normal ..."). */
  readonly receptacleObject: Uint8Array
  /** Per object: the names of the objects that started inside it (inReceptacleObject). */
  readonly inner: ReadonlyArray<ReadonlyArray<string>>
  /** Per receptacle: which appliance it is, if any (0 none, 1 microwave, 2 fridge, 3 sink basin). */
  readonly appliance: Uint8Array
  /** applianceFits[appliance][o]: object o can be heated / cooled / cleaned there. */
  readonly applianceFits: ReadonlyArray<Uint8Array>
  /** canContain[r]: the object classes receptacle r can contain (ALFWorld's canContain). */
  readonly canContain: ReadonlyArray<ReadonlySet<string> | undefined>
  readonly intro: string
  readonly task: string
}

const compiledCache = new WeakMap<Game, Compiled>()

const compile = (game: Game): Compiled => {
  const cached = compiledCache.get(game)
  if (cached !== undefined) return cached
  const recNames = game.receptacles.map((r) => r.name)
  const objNames = game.objects.map((o) => o.name)
  const order = recNames.map((n, i) => [`go to ${n}`, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1))
  const appliance = Uint8Array.from(game.receptacles, (r) =>
    r.cls === "Microwave" ? 1 : r.cls === "Fridge" ? 2 : r.cls === "SinkBasin" ? 3 : 0
  )
  const fits = (set: ReadonlySet<string>) => Uint8Array.from(game.objects, (o) => (set.has(o.cls) ? 1 : 0))
  const atSpot: Array<Array<number>> = Array.from({ length: game.spots }, () => [])
  game.receptacles.forEach((r, i) => atSpot[r.spot].push(i))
  const compiled: Compiled = {
    goTo: order.map((x) => x[0]),
    goToSpot: Int32Array.from(order, (x) => game.receptacles[x[1]].spot),
    goToAction: new Map(order.map(([c, r]) => [c, { kind: Kind.GoTo, o: NOTHING, r, k: NOTHING }])),
    recNames,
    objNames,
    atSpot,
    pickupable: fits(pickupable),
    toggleable: fits(toggleable),
    sliceable: fits(sliceable),
    knife: fits(knives),
    receptacleObject: fits(movableReceptacles),
    inner: innerNames(game, objNames),
    appliance,
    applianceFits: [new Uint8Array(game.objects.length), fits(heatable), fits(coolable), fits(cleanable)],
    canContain: game.receptacles.map((r) => canContain.get(r.cls)),
    intro: Text.lookMiddle(recNames),
    task: `${goalText(game.goal)}.`
  }
  compiledCache.set(game, compiled)
  return compiled
}

/** Per object, the names of the objects that started inside it. */
const innerNames = (game: Game, objNames: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
  const out: Array<Array<string>> = game.objects.map(() => [])
  game.inObject.forEach((host, o) => {
    if (host !== NOTHING) out[host].push(objNames[o])
  })
  return out
}

const applianceVerb = ["", "heat", "cool", "clean"] as const

export interface SessionOptions {
  readonly gameId: string
  readonly maxSteps?: number
  /** Start from this state instead of the game's initial state (copied). */
  readonly state?: WorldState
  /** Which expert `expertCommand` asks (default "explorer"; see Expert.ts). */
  readonly expert?: Expert.ExpertName
}

export class HouseholdSession implements Session {
  readonly gameId: string
  readonly taskType: string
  readonly task: string
  readonly maxSteps: number
  readonly initialObservation: string
  readonly expert: Expert.ExpertName
  private readonly c: Compiled
  private readonly s: WorldState
  private readonly nRec: number
  private readonly nSpots: number
  /** Object indices in each receptacle, ascending (= listing order). */
  private readonly contents: Array<Array<number>>
  private steps = 0
  private won = false
  private local: Map<string, Action> | undefined
  private sorted: ReadonlyArray<string> | undefined

  constructor(
    readonly game: Game,
    options: SessionOptions
  ) {
    this.c = compile(game)
    this.gameId = options.gameId
    this.taskType = game.goal.type
    this.task = this.c.task
    this.maxSteps = options.maxSteps ?? defaultMaxSteps
    this.expert = options.expert ?? Expert.defaultExpert
    this.s = cloneState(options.state ?? game.initial)
    this.nRec = game.receptacles.length
    this.nSpots = game.spots
    this.contents = game.receptacles.map(() => [])
    for (let o = 0; o < game.objects.length; o++) {
      for (let r = 0; r < this.nRec; r++) if (this.s.inside[o * this.nRec + r] === 1) this.contents[r].push(o)
    }
    this.initialObservation = Text.intro(this.c.intro, this.task)
  }

  /** The current world state (read it, never write it: the command cache depends on it). */
  get state(): Readonly<WorldState> {
    return this.s
  }
  get stepCount(): number {
    return this.steps
  }
  get isWon(): boolean {
    return this.won
  }
  get isDone(): boolean {
    return this.won || this.steps >= this.maxSteps
  }
  /** Objects in receptacle r, in listing order. */
  contentsOf(r: number): ReadonlyArray<number> {
    return this.contents[r]
  }

  admissibleCommands(): ReadonlyArray<string> {
    if (this.sorted !== undefined) return this.sorted
    const local = [...this.localActions().keys()].sort()
    const { goTo, goToSpot } = this.c
    const out: Array<string> = []
    let i = 0
    let j = 0
    while (i < goTo.length || j < local.length) {
      if (i < goTo.length && goToSpot[i] === this.s.agent) i++
      else if (j >= local.length || (i < goTo.length && goTo[i] < local[j])) out.push(goTo[i++])
      else out.push(local[j++])
    }
    this.sorted = out
    return out
  }

  step(command: string): Transition {
    if (this.isDone) {
      return { observation: Text.nothingHappens, reward: 0, done: true, won: this.won, valid: false, step: this.steps }
    }
    this.steps++
    const action = this.lookup(command.trim())
    const observation = action === undefined ? Text.nothingHappens : this.apply(action)
    let reward = 0
    if (action !== undefined && changesWorld(action.kind) && goalHolds(this.game, this.s)) {
      this.won = true
      reward = 1
    }
    return { observation, reward, done: this.isDone, won: this.won, valid: action !== undefined, step: this.steps }
  }

  /** The next command of this session's expert (see Expert.ts); undefined once the episode is over or cannot be won. */
  expertCommand(): string | undefined {
    return this.isDone ? undefined : Expert.experts[this.expert](this.game, this.s)
  }

  private lookup(command: string): Action | undefined {
    const go = this.c.goToAction.get(command)
    if (go !== undefined) return this.game.receptacles[go.r].spot === this.s.agent ? undefined : go
    return this.localActions().get(command)
  }

  private invalidate(): void {
    this.local = undefined
    this.sorted = undefined
  }

  /** Every admissible command except "go to": those at the agent's spot, and what the held object allows. */
  private localActions(): Map<string, Action> {
    if (this.local !== undefined) return this.local
    const c = this.c
    const { recNames, objNames } = c
    const s = this.s
    const m = new Map<string, Action>()
    const h = s.holding
    const sp = s.agent
    if (sp !== MIDDLE) {
      for (const r of c.atSpot[sp]) {
        const rn = recNames[r]
        const rec = this.game.receptacles[r]
        m.set(`examine ${rn}`, { kind: Kind.ExamineReceptacle, o: NOTHING, r, k: NOTHING })
        if (rec.openable) {
          if (s.opened[r] === 1) m.set(`close ${rn}`, { kind: Kind.Close, o: NOTHING, r, k: NOTHING })
          else m.set(`open ${rn}`, { kind: Kind.Open, o: NOTHING, r, k: NOTHING })
        }
        const reachable = !rec.openable || s.opened[r] === 1
        for (const o of this.contents[r]) {
          if (h === NOTHING && reachable && c.pickupable[o] === 1) {
            m.set(`take ${objNames[o]} from ${rn}`, { kind: Kind.Take, o, r, k: NOTHING })
          }
          if (c.toggleable[o] === 1 && !m.has(`use ${objNames[o]}`)) m.set(`use ${objNames[o]}`, { kind: Kind.Use, o, r, k: NOTHING })
        }
        if (h !== NOTHING) {
          if (reachable && c.canContain[r]?.has(this.game.objects[h].cls) === true) m.set(`move ${objNames[h]} to ${rn}`, { kind: Kind.Move, o: h, r, k: NOTHING })
          const a = c.appliance[r]
          if (a !== 0 && c.applianceFits[a][h] === 1) {
            m.set(`${applianceVerb[a]} ${objNames[h]} with ${rn}`, {
              kind: a === 1 ? Kind.Heat : a === 2 ? Kind.Cool : Kind.Clean,
              o: h,
              r,
              k: NOTHING
            })
          }
        }
      }
      if (h !== NOTHING && c.knife[h] === 1) {
        // SliceObject: a sliceable object whose location is this spot, a knife in hand.
        const n = this.game.objects.length
        for (let o = 0; o < n; o++) {
          if (c.sliceable[o] === 1 && s.at[o * this.nSpots + sp] === 1) {
            m.set(`slice ${objNames[o]} with ${objNames[h]}`, { kind: Kind.Slice, o, r: NOTHING, k: h })
          }
        }
      }
    }
    if (h !== NOTHING) m.set(`examine ${objNames[h]}`, { kind: Kind.ExamineObject, o: h, r: NOTHING, k: NOTHING })
    m.set("help", { kind: Kind.Help, o: NOTHING, r: NOTHING, k: NOTHING })
    m.set("inventory", { kind: Kind.Inventory, o: NOTHING, r: NOTHING, k: NOTHING })
    m.set("look", { kind: Kind.Look, o: NOTHING, r: NOTHING, k: NOTHING })
    this.local = m
    return m
  }

  private examineText(r: number): string {
    const rec = this.game.receptacles[r]
    return Text.examineReceptacle(
      rec.name,
      rec.openable,
      this.s.opened[r] === 1,
      this.contents[r].map((o) => this.c.objNames[o])
    )
  }

  /** Marks r's contents as seen when the text about to be printed lists them (open or doorless). */
  private reveal(r: number): void {
    if (!this.game.receptacles[r].openable || this.s.opened[r] === 1) this.s.seen[r] = 1
  }

  /** look.feedback: the receptacles at the spot, and each (object, receptacle there) pair whose object lies at the spot but was taken out of that receptacle. */
  private lookText(): string {
    const sp = this.s.agent
    if (sp === MIDDLE) return Text.lookMiddle([])
    const recs = this.c.atSpot[sp]
    const next: Array<string> = []
    const n = this.game.objects.length
    for (let o = 0; o < n; o++) {
      if (this.s.at[o * this.nSpots + sp] === 0) continue
      for (const r of recs) if (this.s.takenFrom[o * this.nRec + r] === 1) next.push(this.c.objNames[o])
    }
    return Text.lookAt(
      recs.map((r) => this.c.recNames[r]),
      next
    )
  }

  private apply(a: Action): string {
    const s = this.s
    const { objNames, recNames } = this.c
    switch (a.kind) {
      case Kind.GoTo:
        s.agent = this.game.receptacles[a.r].spot
        this.reveal(a.r)
        this.invalidate()
        return Text.arrive(recNames[a.r], this.examineText(a.r))
      case Kind.Open:
        s.opened[a.r] = 1
        this.reveal(a.r)
        this.invalidate()
        return Text.open(recNames[a.r], this.examineText(a.r))
      case Kind.Close:
        s.opened[a.r] = 0
        this.invalidate()
        return Text.close(recNames[a.r])
      case Kind.Take: {
        // PickupObject: out of this receptacle only (it stays in any other), no longer at this spot.
        const list = this.contents[a.r]
        list.splice(list.indexOf(a.o), 1)
        s.inside[a.o * this.nRec + a.r] = 0
        s.takenFrom[a.o * this.nRec + a.r] = 1
        s.at[a.o * this.nSpots + s.agent] = 0
        s.holding = a.o
        this.invalidate()
        return Text.pickUp(objNames[a.o], recNames[a.r])
      }
      case Kind.Move: {
        // PutObject: in the receptacle, at the agent's spot.
        const i = a.o * this.nRec + a.r
        if (s.inside[i] === 0) {
          const list = this.contents[a.r]
          let k = 0
          while (k < list.length && list[k] < a.o) k++
          list.splice(k, 0, a.o)
        }
        s.inside[i] = 1
        s.takenFrom[i] = 0
        s.at[a.o * this.nSpots + s.agent] = 1
        s.holding = NOTHING
        this.invalidate()
        return Text.put(objNames[a.o], recNames[a.r])
      }
      case Kind.Heat:
        s.hot[a.o] = 1
        s.cool[a.o] = 0
        return Text.heat(objNames[a.o], recNames[a.r])
      case Kind.Cool:
        s.cool[a.o] = 1
        s.hot[a.o] = 0
        return Text.cool(objNames[a.o], recNames[a.r])
      case Kind.Clean:
        s.clean[a.o] = 1
        return Text.clean(objNames[a.o], recNames[a.r])
      case Kind.Use:
        s.toggled[a.o] = 1
        return Text.turnOn(objNames[a.o])
      case Kind.Slice:
        s.sliced[a.o] = 1
        return Text.slice(objNames[a.o], objNames[a.k])
      case Kind.ExamineReceptacle:
        this.reveal(a.r)
        return this.examineText(a.r)
      case Kind.ExamineObject:
        return this.c.receptacleObject[a.o] === 1
          ? Text.examineReceptacleObject(objNames[a.o], this.c.inner[a.o])
          : Text.examineObject(objNames[a.o], s.hot[a.o] === 1, s.cool[a.o] === 1, s.clean[a.o] === 1, s.sliced[a.o] === 1)
      case Kind.Inventory:
        return Text.inventory(s.holding === NOTHING ? undefined : objNames[s.holding])
      case Kind.Look:
        return this.lookText()
      case Kind.Help:
        return Text.help
    }
  }
}

const changesWorld = (k: Kind): boolean =>
  k === Kind.GoTo ||
  k === Kind.Open ||
  k === Kind.Close ||
  k === Kind.Take ||
  k === Kind.Move ||
  k === Kind.Heat ||
  k === Kind.Cool ||
  k === Kind.Clean ||
  k === Kind.Use
