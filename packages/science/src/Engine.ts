/**
 * The ScienceWorld environment as the Python wrapper presents it (scienceworld.py over
 * PythonInterface.scala and AgentInterface.scala): load a task variation, reset, step
 * with text, read score, moves, the free look/inventory, possible actions and objects,
 * and the valid-action list. Steps are synchronous and deterministic in (task, variation,
 * simplifications, actions).
 */
import { Data } from "effect"
import { actionDefs, type ActionDef, type ActionWorld, checkTeleport, isFree, possibleActions, runAction, validActions } from "./Actions.js"
import { house, variation, variationFile } from "./Data.js"
import type { GoalSequence } from "./Goals.js"
import { ambiguityPrompt, assignmentsOf, collectAccessible, collectAll, javaParseInt, javaTrim, type Match, matchInput, sortedReferents, uniqueReferents, uniqueReferentsOf } from "./Parser.js"
import { goalsFor, isImplemented, normaliseTaskName, type Params, renderDescription, splitOf, taskInfo, taskNames, UnsupportedTaskError, type SplitName } from "./Tasks.js"
import { buildEntry } from "./world/Catalog.js"
import { buildHouse } from "./world/House.js"
import { enter, MODE_DETAILED, listDescription, type Obj, Portal, type WorldContext } from "./world/Obj.js"
import type { Agent } from "./world/Places.js"
import { InclinedPlane, Recipe } from "./world/Things.js"

/** Bad arguments to load, with the Python wrapper's message (it raises ValueError). */
export class ScienceLoadError extends Data.TaggedError("ScienceLoadError")<{ readonly message: string }> {
  override toString(): string {
    return this.message
  }
}

export const possibleSimplifications = ["noElectricalAction", "openContainers", "openDoors", "selfWateringFlowerPots", "teleportAction"] as const

const UNKNOWN_ACTION = "Unknown action.  Type 'help' for a list of actions, and 'objects' for a list of possible object referents. "
const NO_MATCH = "No known action matches that input."

/** Python's repr of a list of strings (as the wrapper's error messages print it). */
export const pythonRepr = (xs: ReadonlyArray<string>): string =>
  `[${xs
    .map((s) => {
      const q = s.includes("'") && !s.includes('"') ? '"' : "'"
      const body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")
      return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q
    })
    .join(", ")}]`

/** Python's round(): half to even. */
export const roundHalfEven = (x: number): number => {
  const f = Math.floor(x)
  const d = x - f
  if (d > 0.5) return f + 1
  if (d < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

/** A small seeded generator (mulberry32) for what the original draws from its global one (bees, pea offspring). */
const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Simplifications {
  readonly teleport: boolean
  readonly electrical: boolean
  readonly openDoors: boolean
  readonly openContainers: boolean
  readonly selfWatering: boolean
}

/** AgentInterface's reading of the simplification string ("easy" expands per task). */
export const parseSimplifications = (task: string, raw: string): Simplifications => {
  let s = raw
  if (s === "easy")
    s =
      task.toLowerCase().includes("power-component") || task.toLowerCase().includes("conductivity")
        ? "teleportAction,openDoors,selfWateringFlowerPots"
        : "teleportAction,noElectricalAction,openDoors,selfWateringFlowerPots"
  const on = new Set(s.length === 0 ? [] : s.toLowerCase().trim().split(",").map((f) => f.trim()))
  return {
    teleport: on.has("teleportaction"),
    electrical: !on.has("noelectricalaction"),
    openDoors: on.has("opendoors"),
    openContainers: on.has("opencontainers"),
    selfWatering: on.has("selfwateringflowerpots")
  }
}

/** What the gold agent and tests read of a loaded world. */
export interface Internals {
  readonly universe: Obj
  readonly agent: Agent
  readonly goals: GoalSequence
  readonly focus: ReadonlyArray<Obj>
  /** The task parameters (constant and per-variation). */
  readonly params: Params
  readonly teleport: boolean
  readonly defs: ReadonlyArray<ActionDef>
}

const isTeleportTarget = (o: Obj): boolean => checkTeleport(o)[1]

interface World {
  readonly ctx: WorldContext
  readonly params: Params
  readonly universe: Obj
  readonly agent: Agent
  readonly goals: GoalSequence
  readonly description: string
  readonly defs: ReadonlyArray<ActionDef>
  readonly actionWorld: ActionWorld
  readonly simplifications: Simplifications
  ambiguous: Array<Match> | undefined
  moves: number
  /** AgentInterface's error state: set by an exception inside a step, returned forever after. */
  error: string | undefined
  score: number
  completed: boolean
}

export interface StepInfo {
  readonly moves: number
  readonly score: number
  readonly reward: number
}

export interface StepResult extends StepInfo {
  readonly observation: string
  /** The Python done flag: completed, more than envStepLimit moves, or a negative score. */
  readonly done: boolean
  /** The Python `getCompleted()`: the task's goals all met, or the task failed (score < 0). */
  readonly completed: boolean
}

export interface LoadOptions {
  readonly simplifications?: string
  /** Python's envStepLimit (default 100): done once moves exceed it. */
  readonly envStepLimit?: number
}

/** One loaded task variation. */
export class ScienceWorld {
  readonly taskName: string
  readonly variation: number
  readonly simplificationStr: string
  readonly envStepLimit: number
  private world: World | undefined
  /** PythonInterface's errorStr (a variation out of range): every step and free action returns it. */
  private loadError: string | undefined
  private lastStepScore = 0

  constructor(taskName: string, variationIdx = 0, options: LoadOptions = {}) {
    const task = normaliseTaskName(taskName)
    if (!taskNames().includes(task)) throw new ScienceLoadError({ message: `Unknown taskName: '${task}'. Supported tasks are: ${pythonRepr(taskNames())}` })
    const simplifications = options.simplifications ?? ""
    const allowed = ["easy", ...possibleSimplifications]
    for (const s of simplifications.split(","))
      if (s.length > 0 && !allowed.includes(s))
        throw new ScienceLoadError({ message: `Unknown simplification: '${s}'. Supported simplifications are: ${pythonRepr(allowed)}` })
    if ((task.includes("power-component") || task.includes("conductivity")) && simplifications.includes("noElectricalAction"))
      throw new ScienceLoadError({ message: `Invalid simplification. Task '${task}' requires electrical actions but '--no-electrical' was provided.` })
    if (!Number.isInteger(variationIdx) || variationIdx < 0)
      throw new ScienceLoadError({ message: `variation index must be a non-negative integer, got ${variationIdx}` })
    if (!isImplemented(task)) throw new UnsupportedTaskError({ task })
    this.taskName = task
    this.variation = variationIdx
    this.simplificationStr = simplifications
    this.envStepLimit = options.envStepLimit ?? 100
    this.build()
  }

  private build(): void {
    const n = taskInfo(this.taskName).numVariations
    this.lastStepScore = 0
    if (this.variation >= n) {
      this.world = undefined
      this.loadError = `ERROR: Task (${this.taskName}): ERROR: The requested variation (${this.variation}) exceeds the total number of variations (${n}).`
      return
    }
    this.loadError = undefined
    const simplifications = parseSimplifications(this.taskName, this.simplificationStr)
    const ctx: WorldContext = { nextUuid: 1, tickEpoch: 0, structure: 0, selfWateringFlowerPots: simplifications.selfWatering, random: seeded(this.variation * 2654435761) }
    enter(ctx)
    const data = variation(this.taskName, this.variation)
    const header = variationFile(this.taskName).header
    const placements = data.objs.map(buildEntry)
    const { result, inputChemicals } = data.kv
    if (typeof result === "string" && typeof inputChemicals === "string")
      for (const p of placements) if (p.obj instanceof Recipe) p.obj.write(result, inputChemicals.split(","))
    const { universe, agent } = buildHouse(house(this.variation))
    for (const p of placements) {
      const room = universe.children.find((c) => c.name === p.room)
      if (room === undefined) throw new ScienceLoadError({ message: `variation ${this.variation}: no room ${p.room}` })
      const into = p.container === undefined ? room : room.contentsRecursive().find((c) => c.name === p.container)
      if (into === undefined) throw new ScienceLoadError({ message: `variation ${this.variation}: no ${p.container} in the ${p.room}` })
      into.addObject(p.obj)
    }
    for (const d of data.disable ?? []) {
      for (const o of universe.contentsAndPortalsRecursive()) {
        if (o.name === d.name && o.containersRecursive().some((c) => d.rooms.includes(c.name)) && o.device !== undefined) o.device.isBroken = true
      }
    }
    const params = { ...header.kvConstant, ...data.kv }
    const planeNames = placements.map((p) => p.obj).filter((o) => o instanceof InclinedPlane).map((o) => o.descriptName())
    const goals = goalsFor(this.taskName, params, { v: this.variation, planeNames })
    const description = renderDescription(header.descriptionTemplate, params, this.variation)
    agent.taskDescription = description
    if (simplifications.openDoors || simplifications.openContainers) {
      for (const o of universe.contentsAndPortalsRecursive(true, true)) {
        if (simplifications.openDoors && o instanceof Portal && o.isOpenable) o.isOpen = true
        const cp = o.containerProps
        if (simplifications.openContainers && cp !== undefined && cp.isContainer && cp.isClosable && !cp.isOpen) {
          cp.isOpen = true
          o.touchSubtree()
        }
      }
      ctx.structure++
    }
    this.world = {
      ctx,
      params,
      universe,
      agent,
      goals,
      description,
      defs: actionDefs(simplifications.teleport, simplifications.electrical),
      actionWorld: { agent, focus: [], goals },
      simplifications,
      ambiguous: undefined,
      moves: 0,
      error: undefined,
      score: 0,
      completed: false
    }
  }

  /** Rebuilds the same variation, then takes the free "look around" step (Python's reset). */
  reset(): StepResult {
    this.build()
    return this.step("look around")
  }

  /*
   * Stepping
   */
  step(input: string): StepResult {
    const w = this.world
    let observation: string
    if (this.loadError !== undefined || w === undefined) observation = this.loadError ?? ""
    else {
      const t = javaTrim(input).toLowerCase()
      if (t === "help") observation = `Possible actions: \n\t${this.possibleActions().join("\n\t")}`
      else if (t === "objects") observation = `Possible object references: \n\t${this.possibleObjects().join("\n\t")}`
      else if (t === "task") observation = `Task description:\n${this.taskDescription()}`
      else {
        const description = this.agentStep(w, input)
        observation = description.length > 0 ? description : UNKNOWN_ACTION
      }
    }
    const score = roundHalfEven(100 * (w?.score ?? 0))
    const moves = w?.moves ?? 0
    const reward = score - this.lastStepScore
    this.lastStepScore = score
    const completed = w?.completed ?? false
    const done = completed || moves > this.envStepLimit || score < 0
    return { observation, score, reward, moves, done, completed }
  }

  /** AgentInterface.step: parse (or resolve an ambiguity), run, tick; returns the observation. */
  private agentStep(w: World, input: string): string {
    if (w.error !== undefined) {
      w.score = -1
      w.completed = true
      return w.error
    }
    enter(w.ctx)
    const queue: Array<Match> = []
    if (w.ambiguous === undefined) {
      const matches = matchInput(input, { defs: w.defs, agent: w.agent, universe: w.universe })
      if (matches.length === 0) return this.finishEarly(w, NO_MATCH)
      if (matches.length > 1) {
        const { text, options } = ambiguityPrompt(matches, w.agent.container!)
        w.ambiguous = options
        return this.finishEarly(w, text)
      }
      queue.push(matches[0])
    } else {
      const i = javaParseInt(input)
      const options = w.ambiguous
      w.ambiguous = undefined
      if (i !== undefined && i >= 0 && i < options.length) queue.push(options[i])
    }
    let out = ""
    try {
      for (;;) {
        const takesTime = queue.length === 0 || queue.some((m) => !isFree(m.def.name))
        out += queue.map((m) => this.run(w, m)).join("\n")
        queue.length = 0
        this.tickGoals(w)
        if (takesTime) {
          w.ctx.tickEpoch += 1
          w.universe.tick()
          w.moves += 1
        }
        this.tickGoals(w)
        if (w.agent.isWaiting()) w.agent.decrementWait()
        else break
      }
    } catch (e) {
      w.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    }
    w.score = w.goals.score()
    w.completed = w.goals.isCompleted()
    const trimmed = javaTrim(out)
    return trimmed.includes("  ") ? trimmed.replace(/ +/g, " ") : trimmed
  }

  private finishEarly(w: World, text: string): string {
    w.score = w.goals.score()
    w.completed = w.goals.isCompleted()
    return text
  }

  private run(w: World, m: Match): string {
    const assignments = assignmentsOf(m, w.agent)
    const [message] = runAction(m.def.name, assignments, w.actionWorld)
    w.agent.actionHistory.push({ name: m.def.name, assignments })
    return message
  }

  private tickGoals(w: World): void {
    w.goals.tick(
      w.actionWorld.focus,
      () => {
        w.actionWorld.focus = []
      },
      w.agent
    )
  }

  /*
   * Reading the state (free)
   */
  private requireWorld(): World | undefined {
    return this.loadError === undefined ? this.world : undefined
  }

  /** The free "look around" (untrimmed). */
  look(): string {
    const w = this.requireWorld()
    if (w === undefined) return this.loadError ?? ""
    if (w.error !== undefined) return w.error
    return w.agent.container!.descriptionSafeFrom(MODE_DETAILED, w.agent.container!) ?? ""
  }

  /** The free inventory (untrimmed). */
  inventory(): string {
    const w = this.requireWorld()
    if (w === undefined) return this.loadError ?? ""
    if (w.error !== undefined) return w.error
    return `In your inventory, you see:\n${listDescription(w.agent.inventory.contents(), w.agent.inventory, MODE_DETAILED, true)}`
  }

  /** The task description (the unaccomplishable placeholder task's "unknown" when the variation is out of range). */
  taskDescription(): string {
    return this.world?.description ?? "unknown"
  }

  /** "Task Description:\n" + description (info.taskDesc). */
  taskDescriptionFree(): string {
    const w = this.requireWorld()
    if (w === undefined) return this.loadError ?? ""
    return `Task Description:\n${w.description}`
  }

  score(): number {
    return this.lastStepScore
  }

  moves(): number {
    return this.world?.moves ?? 0
  }

  possibleActions(): Array<string> {
    const w = this.world
    if (w === undefined) return possibleActions(actionDefs(false, true))
    return possibleActions(w.defs)
  }

  /** Unique referents of what the agent can see and reach, sorted (get_possible_objects). */
  possibleObjects(): Array<string> {
    const w = this.world
    if (w === undefined) return []
    const room = w.agent.container!
    return sortedReferents(uniqueReferents(collectAccessible(room, false), room, false))
  }

  /** The sorted valid actions (info.valid); while an ambiguity is pending, the option numbers. */
  validActions(): Array<string> {
    const w = this.world
    if (w === undefined) return []
    if (w.ambiguous !== undefined) return w.ambiguous.map((_, i) => String(i))
    const room = w.agent.container!
    const visible = collectAll(room, false)
    const lut = uniqueReferents(visible, room, true)
    const all = w.simplifications.teleport ? this.allObjects(w) : []
    const lutAll = w.simplifications.teleport ? uniqueReferentsOf(all, room, isTeleportTarget) : lut
    return validActions({
      agent: w.agent,
      visible,
      all,
      referent: (o) => lut.get(o)!,
      referentAll: (o) => lutAll.get(o)!,
      teleport: w.simplifications.teleport,
      electrical: w.simplifications.electrical
    }).sort()
  }

  private allCache: { ctx: WorldContext; structure: number; objs: Array<Obj> } | undefined = undefined

  /** Every object of the world, hidden ones included (cached until the object tree changes; a reset makes a new world, whose counter starts again). */
  private allObjects(w: World): Array<Obj> {
    const c = this.allCache
    if (c !== undefined && c.ctx === w.ctx && c.structure === w.ctx.structure) return c.objs
    const objs = collectAll(w.universe, true)
    this.allCache = { ctx: w.ctx, structure: w.ctx.structure, objs }
    return objs
  }

  isAmbiguous(): boolean {
    return this.world?.ambiguous !== undefined
  }

  /** The variations of this task in a split. */
  variations(split: SplitName): ReadonlyArray<number> {
    return splitOf(taskInfo(this.taskName).numVariations)[split]
  }

  /** Internals for the gold agent and tests (the object tree and the goal state). */
  get internals(): Internals | undefined {
    const w = this.world
    return w === undefined
      ? undefined
      : { universe: w.universe, agent: w.agent, goals: w.goals, focus: w.actionWorld.focus, params: w.params, teleport: w.simplifications.teleport, defs: w.defs }
  }
}
