/**
 * The 30 ScienceWorld tasks: names, normalisation of the names the Python API accepts,
 * variation counts and train/dev/test splits (tasks.json), task descriptions rendered
 * from the templates, and the goal sequences of the version-1 task types
 * (tasks/specifictasks/*.scala setupGoals).
 */
import { Data } from "effect"
import { tasks, type TaskJson } from "./Data.js"
import {
  ActivateDevice,
  ChangeStateOfMatter,
  ContainerByTemperature,
  FindAnswerBox,
  PastActionUseObjectOnObject,
  IsDifferentStateOfMatter,
  IsStateOfMatter,
  ObjectsInSingleContainer,
  TemperatureChange,
  TemperatureOnFire,
  DeviceWithNameState,
  ElectricallyConnected,
  Find,
  FindInclinedPlane,
  FocusOnNonlivingThing,
  focusOnAnimal,
  focusOnLivingThing,
  focusOnPlant,
  type Goal,
  GoalSequence,
  InRoomWithObject,
  InRoomWithOpenDoor,
  MoveToLocation,
  MoveToNewLocation,
  ObjectConnectedToWire,
  ObjectInContainer,
  PastActionExamineObject,
  PastActionReadObject,
  SpecificObjectInDirectContainer,
  wireConnectsObjectAndLightBulb,
  wireConnectsObjectAndPowerSource,
  wireConnectsPowerSourceAndLightBulb
} from "./Goals.js"

export class UnknownTaskError extends Data.TaggedError("UnknownTaskError")<{ readonly task: string; readonly known: ReadonlyArray<string> }> {
  override toString(): string {
    return `Unknown taskName: '${this.task}'. Supported tasks are: ${this.known.join(", ")}`
  }
}

export class UnsupportedTaskError extends Data.TaggedError("UnsupportedTaskError")<{ readonly task: string }> {
  override toString(): string {
    return `task ${this.task} is not implemented by this engine yet (spec version 3 biology)`
  }
}

/** The 30 task names, sorted: the index here is the task index EPO uses. */
export const taskNames = (): ReadonlyArray<string> => tasks().map((t) => t.name).sort()

export const taskInfo = (name: string): TaskJson => {
  const t = tasks().find((x) => x.name === name)
  if (t === undefined) throw new UnknownTaskError({ task: name, known: taskNames() })
  return t
}

/**
 * scienceworld.utils.infer_task then TaskMaker1.getTask: a task id ("4-1") or paper title
 * ("Classification Find an animal") becomes its name; the "mendellian" typo and the old
 * "task-N-" prefixes and parentheses are stripped.
 */
export const normaliseTaskName = (nameOrId: string): string => {
  let s = nameOrId
  const byTitle = tasks().find((t) => `${t.topic} ${t.title}` === s)
  if (byTitle !== undefined) s = byTitle.id
  const byId = tasks().find((t) => t.id === s)
  if (byId !== undefined) s = byId.name
  return s.replace("mendellian", "mendelian").replace(/task-(\d|a|b)+-|[()]/g, "")
}

/** The version-1 task types this engine implements. */
export const version1Tasks: ReadonlyArray<string> = [
  "find-living-thing",
  "find-non-living-thing",
  "find-plant",
  "find-animal",
  "lifespan-longest-lived",
  "lifespan-shortest-lived",
  "lifespan-longest-lived-then-shortest-lived",
  "inclined-plane-determine-angle",
  "inclined-plane-friction-named-surfaces",
  "inclined-plane-friction-unnamed-surfaces",
  "test-conductivity",
  "test-conductivity-of-unknown-substances",
  "power-component",
  "power-component-renewable-vs-nonrenewable-energy"
]

/** The version-2 task types (spec section 14: matter and measurement, chemistry). */
export const version2Tasks: ReadonlyArray<string> = [
  "boil",
  "melt",
  "freeze",
  "change-the-state-of-matter-of",
  "use-thermometer",
  "measure-melting-point-known-substance",
  "measure-melting-point-unknown-substance",
  "chemistry-mix",
  "chemistry-mix-paint-secondary-color",
  "chemistry-mix-paint-tertiary-color"
]

/** Every task type this engine implements: version 1, then version 2. */
export const implementedTasks: ReadonlyArray<string> = [...version1Tasks, ...version2Tasks]

export type SplitName = "train" | "dev" | "test"

/**
 * PythonInterface.getSets: variation indices 0..n-1 cut into chunks of floor(n/4);
 * train = chunks 0 and 1, dev = chunk 2, test = chunk 3 (and a short chunk 4).
 */
export const splitOf = (n: number): Readonly<Record<SplitName, ReadonlyArray<number>>> => {
  const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i)
  if (n === 0) return { train: [], dev: [], test: [] }
  if (n === 1) return { train: [0], dev: [], test: [0] }
  if (n === 2) return { train: [0], dev: [], test: [1] }
  if (n === 3) return { train: [0], dev: [1], test: [2] }
  if (n === 4) return { train: [0, 1], dev: [2], test: [3] }
  const g = Math.floor(n / 4)
  return { train: range(0, Math.min(n, 2 * g)), dev: range(2 * g, Math.min(n, 3 * g)), test: range(3 * g, n) }
}

/** A parameter value as the original prints it: Java's Double.toString for numbers. */
export const javaString = (v: string | number | boolean): string => {
  if (typeof v !== "number") return String(v)
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity"
  const abs = Math.abs(v)
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) {
    const [mant, exp] = v.toExponential().split("e")
    return `${mant.includes(".") ? mant : `${mant}.0`}E${Number(exp)}`
  }
  const s = String(v)
  return s.includes(".") ? s : `${s}.0`
}

export type Params = Readonly<Record<string, string | number | boolean>>

/** The task description: the template filled from the constant and per-variation parameters, trimmed. */
export const renderDescription = (template: string, params: Params, v: number): string => {
  const numLifeStages = Object.keys(params).filter((k) => /^stage\d+$/.test(k)).length
  const extra: Record<string, string> = { numLifeStages: String(numLifeStages), sourceKind: v % 2 === 0 ? "renewable" : "nonrenewable" }
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? javaString(params[key]) : (extra[key] ?? whole))).trim()
}

const str = (params: Params, key: string): string => {
  const v = params[key]
  if (v === undefined) throw new Error(`variation parameter ${key} missing`)
  return String(v)
}

/** What the goals need beyond the parameters: the descript names of the two inclined planes, in data order. */
export interface GoalContext {
  readonly v: number
  readonly planeNames: ReadonlyArray<string>
}

const findTask = (focus: () => Goal) => (p: Params) =>
  new GoalSequence(
    [focus(), new ObjectInContainer(str(p, "answerBox"))],
    [new ObjectInContainer("inventory"), new InRoomWithOpenDoor(), new MoveToNewLocation(), new MoveToLocation(str(p, "location"))]
  )

const lifespanUnordered = (p: Params) => [new MoveToNewLocation(str(p, "location")), new MoveToLocation(str(p, "location"))]

const planeUnordered = (p: Params, ctx: GoalContext): Array<Goal> => {
  const time = str(p, "timeDeviceName")
  const block = [str(p, "blockName")]
  return [
    new MoveToNewLocation(str(p, "planeLocation")),
    new MoveToLocation(str(p, "planeLocation")),
    new SpecificObjectInDirectContainer(ctx.planeNames[0], block, "b1"),
    new DeviceWithNameState(time, true, "aTime1", ["b1"]),
    new DeviceWithNameState(time, false, "dTime1", ["aTime1"]),
    new PastActionExamineObject(time, "readTime1", ["dTime1"]),
    new SpecificObjectInDirectContainer(ctx.planeNames[1], block, "b2"),
    new DeviceWithNameState(time, true, "aTime2", ["b2"]),
    new DeviceWithNameState(time, false, "dTime2", ["aTime2"]),
    new PastActionExamineObject(time, "readTime2", ["dTime2"])
  ]
}

const frictionTask = (p: Params, ctx: GoalContext) => {
  const surface = str(p, "mode") === "most" ? str(p, "mostFriction") : str(p, "leastFriction")
  return new GoalSequence([new FindInclinedPlane((plane) => plane.surface.substanceName === surface, true)], planeUnordered(p, ctx))
}

const conductivityTask = (substanceKey: string, conductiveKey: string) => (p: Params) => {
  const name = str(p, substanceKey)
  const conductive = p[conductiveKey] === true
  const [right, wrong] = conductive ? [str(p, "conductive"), str(p, "nonconductive")] : [str(p, "nonconductive"), str(p, "conductive")]
  return new GoalSequence(
    [new Find(name), new ObjectInContainer(right, [wrong])],
    [
      new MoveToNewLocation(),
      new InRoomWithObject(name),
      new ObjectConnectedToWire(name, true),
      new ObjectConnectedToWire(name, false),
      wireConnectsObjectAndPowerSource(name),
      wireConnectsObjectAndLightBulb(name),
      wireConnectsPowerSourceAndLightBulb()
    ]
  )
}

const powerUnordered = (part: string, source = ""): Array<Goal> => [
  new MoveToNewLocation(),
  new InRoomWithObject(part),
  new ObjectConnectedToWire(part, true),
  new ObjectConnectedToWire(part, false),
  wireConnectsObjectAndPowerSource(part, source)
]

const heaters = ["stove", "blast furnace", "oven", "hot plate"]

/**
 * The shaping goals of heating something, shared by the matter and melting-point tasks: a
 * heater turned on, a lighter held, wood in the fire pit and lit, the focused object in a
 * heater or the fire pit (those last after the keys `after`).
 */
const heatingGoals = (after: ReadonlyArray<string>): Array<Goal> => [
  ...heaters.map((h) => new DeviceWithNameState(h, true)),
  new SpecificObjectInDirectContainer("inventory", ["lighter"]),
  new SpecificObjectInDirectContainer("fire pit", ["wood"], "wood1"),
  new TemperatureOnFire("wood", "ignite", ["wood1"]),
  ...[...heaters, "fire pit"].map((h) => new ObjectInContainer(h, [], "", after))
]

/** TaskChangeOfState's shaping goals: near the substance, alone in a container, heaters (or coolers) used, the temperature moved. */
const matterUnordered = (name: string, heat: boolean, cool: boolean, tempDelta: number): Array<Goal> => [
  new InRoomWithObject(name),
  new ObjectsInSingleContainer([name]),
  ...(heat ? heatingGoals([]) : []),
  ...(cool ? [new ObjectInContainer("fridge"), new ObjectInContainer("freezer")] : []),
  ...(heat ? [new TemperatureChange(tempDelta, true)] : []),
  ...(cool ? [new TemperatureChange(tempDelta, false)] : [])
]

const matterTask = (states: (name: string) => [Goal, Goal], heat: boolean, cool: boolean, tempDelta: number) => (p: Params) => {
  const name = str(p, "objectName")
  return new GoalSequence([new Find(name), ...states(name)], matterUnordered(name, heat, cool, tempDelta))
}

/** TaskUseInstrumentThermometer: focus the thermometer, then the object, then put it in the box its temperature asks for. */
const thermometerTask = (p: Params) => {
  const instrument = str(p, "instrumentName")
  const name = str(p, "objectName")
  return new GoalSequence(
    [new Find(instrument, true, true), new Find(name), new ContainerByTemperature(Number(p.temperaturePoint), str(p, "boxAbove"), str(p, "boxBelow"))],
    [
      new InRoomWithObject(instrument),
      new SpecificObjectInDirectContainer("inventory", [instrument]),
      new MoveToNewLocation(),
      new MoveToLocation(str(p, "location"), "move1"),
      new MoveToLocation(str(p, "locationAnswerBox"), "move2", ["move1"]),
      new SpecificObjectInDirectContainer("inventory", [name]),
      new PastActionUseObjectOnObject(instrument, name),
      new PastActionUseObjectOnObject(instrument, name, "", ["move2"])
    ]
  )
}

/** TaskUseInstrumentThermometer2/3: focus the thermometer, then the substance, then the answer box its melting point asks for. */
const meltingPointTask = (p: Params) => {
  const instrument = str(p, "instrumentName")
  const name = str(p, "objectName")
  const box = Number(p.meltingPoint) >= Number(p.temperaturePoint) ? str(p, "boxAbove") : str(p, "boxBelow")
  return new GoalSequence(
    [new Find(instrument, true, true), new Find(name, true, false, "", "focusObject"), new FindAnswerBox(box)],
    [
      new InRoomWithObject(instrument),
      new SpecificObjectInDirectContainer("inventory", [instrument]),
      new MoveToNewLocation(),
      new MoveToLocation(str(p, "location"), "move1"),
      new MoveToLocation(str(p, "locationAnswerBox"), "move1"),
      new MoveToLocation("kitchen", "move2a", ["move1"]),
      new MoveToLocation("outside", "move2b", ["move1"]),
      new MoveToLocation("foundry", "move2c", ["move1"]),
      new SpecificObjectInDirectContainer("inventory", [name]),
      new PastActionUseObjectOnObject(instrument, name),
      new PastActionUseObjectOnObject(instrument, name, "", ["heatObject"]),
      new ObjectsInSingleContainer([name]),
      ...heatingGoals(["focusObject"]),
      new TemperatureChange(20, true, "heatObject", ["focusObject"])
    ]
  )
}

const list = (p: Params, key: string): ReadonlyArray<string> => str(p, key).split(",")

/** TaskChemistryMix: focus the product; shaping: move, be near each input, the inputs alone in a container, near the product, read the recipe. */
const chemistryMixTask = (p: Params) => {
  const result = str(p, "result")
  const inputs = list(p, "inputChemicals")
  return new GoalSequence(
    [new Find(result)],
    [
      new MoveToNewLocation(),
      ...inputs.map((i) => new InRoomWithObject(i)),
      new ObjectsInSingleContainer(inputs),
      new InRoomWithObject(result),
      new PastActionReadObject("recipe")
    ]
  )
}

/** TaskChemistryMixPaint (secondary): focus the secondary paint. */
const secondaryPaintTask = (p: Params) => {
  const secondary = str(p, "secondaryColor")
  const inputs = list(p, "inputChemicalsSecondary")
  return new GoalSequence(
    [new Find(secondary)],
    [new MoveToNewLocation(), ...inputs.map((i) => new InRoomWithObject(i)), new ObjectsInSingleContainer(inputs), new InRoomWithObject(secondary)]
  )
}

/** TaskChemistryMixPaint (tertiary): focus the secondary paint (which clears the focus), then the tertiary one. */
const tertiaryPaintTask = (p: Params) => {
  const secondary = str(p, "secondaryColor")
  const tertiary = str(p, "tertiaryColor")
  const location = str(p, "location")
  const inputs2 = list(p, "inputChemicalsSecondary")
  const inputs3 = list(p, "inputChemicalsTertiary")
  return new GoalSequence(
    [new Find(secondary, true, true), new Find(tertiary)],
    [
      new MoveToNewLocation(location),
      new MoveToLocation(location),
      ...inputs2.map((i) => new InRoomWithObject(i)),
      new ObjectsInSingleContainer(inputs2),
      new InRoomWithObject(secondary, "secondary"),
      ...inputs3.map((i) => new InRoomWithObject(i, `tertiary_${i}`, ["secondary"])),
      new ObjectsInSingleContainer(inputs3),
      new InRoomWithObject(tertiary)
    ]
  )
}

const goalBuilders: Readonly<Record<string, (p: Params, ctx: GoalContext) => GoalSequence>> = {
  "find-living-thing": findTask(focusOnLivingThing),
  "find-non-living-thing": findTask(() => new FocusOnNonlivingThing()),
  "find-plant": findTask(focusOnPlant),
  "find-animal": findTask(focusOnAnimal),
  "lifespan-longest-lived": (p) => new GoalSequence([new Find(str(p, "long"))], lifespanUnordered(p)),
  "lifespan-shortest-lived": (p) => new GoalSequence([new Find(str(p, "short"))], lifespanUnordered(p)),
  "lifespan-longest-lived-then-shortest-lived": (p) =>
    new GoalSequence([new Find(str(p, "long"), true, true), new Find(str(p, "short"))], lifespanUnordered(p)),
  "inclined-plane-determine-angle": (p, ctx) => {
    const letter = str(p, "mode") === "steepest" ? str(p, "steepestAngle") : str(p, "shallowestAngle")
    return new GoalSequence([new FindInclinedPlane((plane) => plane.additionalName === letter, true)], planeUnordered(p, ctx))
  },
  "inclined-plane-friction-named-surfaces": frictionTask,
  "inclined-plane-friction-unnamed-surfaces": frictionTask,
  "test-conductivity": conductivityTask("substance", "isConductive"),
  "test-conductivity-of-unknown-substances": conductivityTask("unknownSubstance", "unknownIsConductive"),
  boil: matterTask(() => [new ChangeStateOfMatter("liquid"), new ChangeStateOfMatter("gas", true)], true, false, 20),
  melt: matterTask(() => [new ChangeStateOfMatter("solid"), new ChangeStateOfMatter("liquid")], true, false, 20),
  freeze: matterTask(() => [new ChangeStateOfMatter("liquid"), new ChangeStateOfMatter("solid")], false, true, 5),
  "use-thermometer": thermometerTask,
  "measure-melting-point-known-substance": meltingPointTask,
  "measure-melting-point-unknown-substance": meltingPointTask,
  "chemistry-mix": chemistryMixTask,
  "chemistry-mix-paint-secondary-color": secondaryPaintTask,
  "chemistry-mix-paint-tertiary-color": tertiaryPaintTask,
  "change-the-state-of-matter-of": matterTask(() => [new IsStateOfMatter(), new IsDifferentStateOfMatter()], true, true, 10),
  "power-component": (p) => {
    const part = str(p, "componentToPower")
    return new GoalSequence([new Find(part), new ActivateDevice(part)], powerUnordered(part))
  },
  "power-component-renewable-vs-nonrenewable-energy": (p, ctx) => {
    const part = str(p, "componentToPower")
    const source = ctx.v % 2 === 0 ? str(p, "renewableSource") : str(p, "nonrenewableSource")
    return new GoalSequence([new Find(part), new ActivateDevice(part), new ElectricallyConnected(source)], powerUnordered(part, source))
  }
}

export const isImplemented = (task: string): boolean => task in goalBuilders

export const goalsFor = (task: string, params: Params, ctx: GoalContext): GoalSequence => {
  const build = goalBuilders[task]
  if (build === undefined) throw new UnsupportedTaskError({ task })
  return build(params, ctx)
}
