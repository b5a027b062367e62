/**
 * Devices (objects/devices): heat sources (stove, hot plate, oven, blast furnace,
 * lighter), cooling sources (fridge, freezers), sinks, the bathtub and the toilet, the
 * stopwatch, the thermometer, the shovel and the axe.
 */
import { Ground, Hole } from "./Containers.js"
import { Tree } from "./Living.js"
import { material } from "./Material.js"
import {
  activableOff,
  activableOn,
  closableContainer,
  heatTransferCoolingSource,
  heatTransferHeatSource,
  LiquidDrain,
  listDescription,
  MODE_CURSORY,
  MODE_DETAILED,
  notContainer,
  Obj,
  openContainer,
  type Portal,
  setOnFire,
  usable
} from "./Obj.js"
import { Soil, Water, simpleSubstances, Substance } from "./Things.js"

const onOff = (o: Obj): string => (o.device!.isActivated ? "on" : "off")

export class Device extends Obj {
  constructor(name = "device") {
    super()
    this.name = name
    this.device = activableOff()
  }
  override description(): string {
    return `a ${this.descriptName()}, which is turned ${onOff(this)}`
  }
}

/*
 * Heat sources
 */
export class HeatSource extends Device {
  constructor(name: string, maxTemp: number) {
    super(name)
    this.heatSource = { limit: maxTemp, setTemp: undefined }
  }
  override tick(): boolean {
    const hs = this.heatSource!
    hs.setTemp = this.device!.isActivated ? hs.limit : undefined
    for (const c of this.children) heatTransferHeatSource(this, c)
    return super.tick()
  }
}

/** Stove and hot plate: open tops. */
export class Hob extends HeatSource {
  constructor(name: string) {
    super(name, 260.0)
    this.containerProps = openContainer()
    this.movable = false
  }
  override referents(): Array<string> {
    return [this.name, this.name]
  }
  override description(): string {
    return `a ${this.name}, which is turned ${onOff(this)}. On the ${this.name} is: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, false)}.`
  }
}

/** Oven and blast furnace: a door. */
export class Furnace extends HeatSource {
  constructor(
    name: string,
    maxTemp: number,
    readonly kind: string
  ) {
    super(name, maxTemp)
    this.containerProps = closableContainer()
    this.movable = false
  }
  override referents(): Array<string> {
    return [this.kind, this.name, this.descriptName()]
  }
  override description(mode: number = MODE_CURSORY): string {
    const open = this.containerProps!.isOpen
    let s = `a ${this.descriptName()}, which is turned ${onOff(this)}. The ${this.descriptName()} door is ${open ? "open. " : "closed. "}`
    if (open) {
      if (mode === MODE_DETAILED) s += `In the ${this.descriptName()} is: \n${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, true)}`
      else s += `In the ${this.descriptName()} is: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, false)}.`
    }
    return s
  }
}

export const makeStove = () => new Hob("stove")
export const makeHotPlate = () => new Hob("hot plate")
export const makeOven = () => new Furnace("oven", 540.0, "oven")
export const makeBlastFurnace = () => new Furnace("blast furnace", 3000.0, "furnace")

export class Lighter extends HeatSource {
  constructor() {
    super("lighter", 2200.0)
    this.material = material("MetalProp")
    this.containerProps = notContainer()
    this.device = usable()
  }
  /** Sets the patient on fire if it burns below 2200 C, else warms it by up to 10 C. */
  override useWith(patient: Obj): [boolean, string] {
    const m = patient.material
    if (m === undefined) return [true, "It's not clear how to use those items together."]
    const limit = this.heatSource!.limit
    if (m.combustionPoint <= limit) return [true, setOnFire(patient)[1]]
    let delta = limit - m.temperatureC
    if (delta > 10.0) delta = 10.0
    if (delta + m.temperatureC > limit) delta = limit - m.temperatureC
    if (delta < 0) delta = 0.0
    m.temperatureC += delta
    return [true, `The lighter heats up the ${patient.name} a small amount.`]
  }
  override referents(): Array<string> {
    return ["lighter", this.name, this.descriptName()]
  }
  override description(): string {
    return `a ${this.descriptName()}`
  }
}

/*
 * Cooling sources: always on unless deactivated; "which is turned off" only when off
 */
export class Cooler extends Device {
  constructor(
    name: string,
    minTemp: number,
    readonly kind: string
  ) {
    super(name)
    this.coolingSource = { limit: minTemp, setTemp: minTemp }
    this.containerProps = closableContainer()
    this.movable = false
    this.device = activableOn()
  }
  override tick(): boolean {
    const cs = this.coolingSource!
    cs.setTemp = this.device!.isActivated ? cs.limit : undefined
    for (const c of this.children) heatTransferCoolingSource(this, c)
    return super.tick()
  }
  override referents(): Array<string> {
    return [this.kind, this.name, this.descriptName()]
  }
  override description(): string {
    const open = this.containerProps!.isOpen
    let s = `a ${this.descriptName()}`
    if (!this.device!.isActivated) s += ", which is turned off"
    s += `. The ${this.descriptName()} door is ${open ? "open. " : "closed. "}`
    if (open) s += `In the ${this.descriptName()} is: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, false)}.`
    return s
  }
}

export const makeFridge = () => new Cooler("fridge", 2.0, "fridge")
export const makeFreezer = () => new Cooler("freezer", -18.0, "freezer")
export const makeUltraColdFreezer = () => new Cooler("ultra low temperature freezer", -86.0, "freezer")

/*
 * Water: sinks, the bathtub, the toilet
 */
const fillWithWater = (vessel: Obj): void => {
  for (const obj of vessel.contents()) {
    const cp = obj.containerProps
    if (cp !== undefined && cp.isContainer && cp.isOpen && !obj.children.some((c) => c instanceof Water)) obj.addObject(new Water())
  }
  if (!vessel.children.some((c) => c instanceof Water)) vessel.addObject(new Water())
}

/** A sink or bathtub: when on, fills open containers inside and itself; its drain (open) empties liquids into the sewer. */
export class Basin extends Device {
  constructor(name: string, materialClass: string, drainsTo: Obj | undefined) {
    super(name)
    this.material = material(materialClass)
    this.containerProps = openContainer()
    this.movable = false
    if (drainsTo !== undefined) this.addPortal(new LiquidDrain(true, this, drainsTo))
  }
  override tick(): boolean {
    if (this.device!.isActivated) fillWithWater(this)
    return super.tick()
  }
  override referents(): Array<string> {
    return [this.name, this.name, this.descriptName()]
  }
  override description(mode: number = MODE_CURSORY): string {
    let s = `a ${this.descriptName()}, which is turned ${onOff(this)}. In the ${this.descriptName()} is: ${listDescription(this.contents(), this, MODE_CURSORY, false)}.`
    if (mode === MODE_DETAILED) for (const p of this.portals as Array<Portal>) s += ` The ${p.name} is ${p.openClosedStr()}.`
    return s
  }
}

export const makeSink = (sewer: Obj) => new Basin("sink", "SteelProp", sewer)
export const makeBathtub = (sewer: Obj) => new Basin("bathtub", "CeramicProp", sewer)

/** Holds water; `flush` refills for 5 ticks with the drain open, then closes the drain. */
export class Toilet extends Device {
  readonly drain: LiquidDrain
  flushStage = 0
  constructor(drainsTo: Obj) {
    super("toilet")
    this.material = material("SteelProp")
    this.containerProps = openContainer()
    this.movable = false
    this.drain = new LiquidDrain(true, this, drainsTo)
    this.addPortal(this.drain)
    this.addObject(new Water())
  }
  override tick(): boolean {
    if (this.device!.isActivated && this.flushStage === 0) {
      this.flushStage = 1
      this.drain.isOpen = true
    }
    if (this.flushStage > 0) {
      fillWithWater(this)
      this.flushStage += 1
      if (this.flushStage > 5) {
        this.device!.isActivated = false
        this.flushStage = 0
      }
    }
    if (this.flushStage === 0) this.drain.isOpen = false
    return super.tick()
  }
  override referents(): Array<string> {
    return ["toilet", this.name, this.descriptName()]
  }
  override description(): string {
    let s = `a ${this.descriptName()}`
    if (this.flushStage > 0) s += ", which is flushing"
    s += ". "
    if (this.children.length > 0) s += `In the ${this.descriptName()} is: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, false)}.`
    return s
  }
}

/*
 * Instruments and tools
 */
export class StopWatch extends Device {
  curTime = 0
  userTime = 0
  constructor() {
    super("stopwatch")
    this.device = activableOff()
    this.containerProps = notContainer()
  }
  override tick(): boolean {
    if (this.device!.isActivated) {
      this.curTime += 1
      this.userTime = this.curTime
    } else this.curTime = 0
    return super.tick()
  }
  override referents(): Array<string> {
    return ["stopwatch", "watch", "timer", this.name, this.descriptName()]
  }
  override description(mode: number = MODE_CURSORY): string {
    const s = `a ${this.descriptName()}, which is ${this.device!.isActivated ? "activated" : "deactivated"}. `
    return mode === MODE_DETAILED ? `${s}The time reads ${this.userTime} ticks.` : s
  }
}

export const makeStopWatch = () => new StopWatch()

/** Java's "%.0f" (HALF_UP on the exact value, "-0" kept), which toFixed(0) matches. */
export const formatTemperature = (t: number): string => t.toFixed(0)

export class Thermometer extends Device {
  constructor() {
    super("thermometer")
    this.material = material("GlassProp")
    this.containerProps = notContainer()
    this.device = usable()
  }
  private reading(obj: Obj): string | undefined {
    return obj.material === undefined ? undefined : `${formatTemperature(obj.material.temperatureC)} degrees celsius`
  }
  override useWith(patient: Obj): [boolean, string] {
    const r = this.reading(patient)
    if (r === undefined) return [true, "That thing doesn't appear to have a temperature that the thermometer can read. "]
    return [true, `the thermometer measures a temperature of ${r}`]
  }
  override referents(): Array<string> {
    return ["thermometer", this.name, this.descriptName()]
  }
  override description(): string {
    const r = this.reading(this)
    return r === undefined ? `a ${this.descriptName()}` : `a ${this.descriptName()}, currently reading a temperature of ${r}`
  }
}

/** Shovel and axe: usable on something, never activated. */
export class Tool extends Device {
  constructor(
    name: string,
    readonly article: "a" | "an",
    readonly use: (patient: Obj) => [boolean, string]
  ) {
    super(name)
    this.material = material("SteelProp")
    this.containerProps = notContainer()
    this.device = usable()
  }
  override useWith(patient: Obj): [boolean, string] {
    return this.use(patient)
  }
  override referents(): Array<string> {
    return [this.name, this.name, this.descriptName()]
  }
  override description(): string {
    return `${this.article} ${this.descriptName()}`
  }
}

/** Shovelling: digging the ground leaves a hole and soil in its location. */
const shovel = (patient: Obj): [boolean, string] => {
  if (patient instanceof Ground) {
    const at = patient.container
    if (at === undefined) return [false, "ERROR: The ground does not appear to be in a location."]
    at.addObject(new Hole())
    at.addObject(new Soil())
    return [true, "You dig a hole in the ground, and place the soil nearby."]
  }
  return [false, "It's not clear how to shovel that."]
}

/** Chopping: a tree becomes wood; any device is broken. */
const chop = (patient: Obj): [boolean, string] => {
  if (patient instanceof Tree) {
    const at = patient.container
    if (at === undefined) return [false, `ERROR: The ${patient.name} does not appear to be in a location.`]
    if (patient.isSeed()) return [true, "You can't chop a seed."]
    const [name, cls] = simpleSubstances.Wood
    at.addObject(new Substance(name, cls))
    const treeName = patient.descriptName()
    patient.delete(true)
    return [true, `You chop down the ${treeName}, creating wood.`]
  }
  if (patient.device !== undefined) {
    patient.device.isBroken = true
    return [true, `You hit the ${patient.name} with the axe, causing it to break.`]
  }
  return [false, "It's not clear how to use an axe with that."]
}

export const makeShovel = () => new Tool("shovel", "a", shovel)
export const makeAxe = () => new Tool("axe", "an", chop)
