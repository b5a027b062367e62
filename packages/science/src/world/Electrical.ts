/**
 * Electrical components (objects/electricalcomponent): polarized parts with an anode and
 * a cathode (light bulbs, buzzer, motor, switch, generators, battery, solar panel, wind
 * generator) and unpolarized ones with two visible terminals (wires). A consumer turns on
 * in a tick when its anode leads to ground and its cathode touches the generator voltage
 * (ElectricalComponent.scala); generators set their terminals' voltages each tick.
 */
import { material } from "./Material.js"
import {
  activableOff,
  activableOn,
  Anode,
  Cathode,
  MODE_DETAILED,
  notActivableOff,
  notActivableOn,
  Obj,
  ROLE_GENERATOR,
  ROLE_SWITCH,
  ROLE_USER,
  type Terminal,
  unpolarizedConductivityTick,
  VOLTAGE_GENERATOR,
  VOLTAGE_GROUND
} from "./Obj.js"
import { Outside } from "./Places.js"

const onOff = (o: Obj): string => (o.device!.isActivated ? "on" : "off")

export class PolarizedComponent extends Obj {
  readonly anode: Anode
  readonly cathode: Cathode
  constructor(name = "component") {
    super(false)
    this.name = name
    this.device = notActivableOff()
    this.movable = true
    this.anode = new Anode(this)
    this.cathode = new Cathode(this)
    this.addObject(this.anode)
    this.addObject(this.cathode)
    this.poles = [this.anode, this.cathode]
    this.electricalRole = ROLE_USER
  }

  override electricalKind(): "polarized" {
    return "polarized"
  }

  private readonly poles: ReadonlyArray<Obj> = []
  override visibleTerminals(): ReadonlyArray<Obj> {
    return this.poles
  }

  override isElectricallyConnected(): boolean {
    return this.anode.connections.size() > 0 || this.cathode.connections.size() > 0
  }

  override otherTerminal(t: Obj): Terminal | undefined {
    if (t === this.anode) return this.cathode
    if (t === this.cathode) return this.anode
    return undefined
  }

  override disconnectElectricalTerminals(): void {
    this.anode.disconnect()
    this.cathode.disconnect()
  }

  override tick(): boolean {
    if (this.electricalRole === ROLE_USER) {
      this.device!.isActivated = false
      if (this.anode.connectsToGround() && this.cathode.connectsToVoltage()) {
        this.anode.voltage = VOLTAGE_GENERATOR
        this.device!.isActivated = true
      }
    }
    return super.tick()
  }

  override referents(): Array<string> {
    return ["component", this.name, this.descriptName()]
  }

  protected connectionDetail(): string {
    return `its anode is connected to: ${this.anode.connections.connectedToStr()}. its cathode is connected to: ${this.cathode.connections.connectedToStr()}. `
  }

  override description(mode = 0): string {
    return `a ${this.descriptName()}. ${mode === MODE_DETAILED ? this.connectionDetail() : ""}`
  }
}

/** Light bulbs, the buzzer and the motor: "a X, which is on|off", connections when detailed. */
export class Consumer extends PolarizedComponent {
  constructor(
    name: string,
    readonly kindReferents: ReadonlyArray<string>
  ) {
    super(name)
    this.device = notActivableOff()
    this.electricalRole = ROLE_USER
  }
  override referents(): Array<string> {
    return [...this.kindReferents, this.name, this.descriptName()]
  }
  override description(mode = 0): string {
    const base = `a ${this.descriptName()}, which is ${onOff(this)}`
    return mode === MODE_DETAILED ? `${base}. ${this.connectionDetail()}` : base
  }
}

export class LightBulb extends Consumer {
  constructor(colour: string) {
    super(`${colour} light bulb`.trim(), ["light", "light bulb"])
  }
}

export const makeLightBulb = (colour: string): Obj => new LightBulb(colour)
export const makeBuzzer = (): Obj => new Consumer("electric buzzer", ["buzzer", "electric buzzer"])
export const makeMotor = (): Obj => new Consumer("electric motor", ["motor", "electric motor"])

export class Switch extends PolarizedComponent {
  constructor() {
    super("switch")
    this.electricalRole = ROLE_SWITCH
    this.device = activableOff()
  }
  /** An open switch conducts nothing. */
  override otherTerminal(t: Obj): Terminal | undefined {
    return this.device!.isActivated ? super.otherTerminal(t) : undefined
  }
  override description(mode = 0): string {
    const base = `a ${this.descriptName()}, which is ${onOff(this)}`
    return mode === MODE_DETAILED ? `${base}. ${this.connectionDetail()}` : base
  }
}

export class Generator extends PolarizedComponent {
  constructor(
    name = "generator",
    readonly displayOnOff = true
  ) {
    super(name)
    this.device = activableOn()
    this.electricalRole = ROLE_GENERATOR
  }
  override isGenerator(): boolean {
    return true
  }
  override tick(): boolean {
    const on = this.device!.isActivated
    this.anode.voltage = on ? VOLTAGE_GENERATOR : undefined
    this.cathode.voltage = on ? VOLTAGE_GROUND : undefined
    return super.tick()
  }
  override referents(): Array<string> {
    return ["generator", this.name, this.descriptName()]
  }
  override description(mode = 0): string {
    let s = `a ${this.descriptName()}`
    if (this.displayOnOff) s += `, which is ${onOff(this)}`
    if (mode === MODE_DETAILED) s += `. ${this.connectionDetail()}`
    return s
  }
}

export const makeBattery = (): Obj => {
  const b = new Generator("battery", false)
  b.device = notActivableOn()
  return b
}
export const makeGasGenerator = (): Obj => {
  const g = new Generator("gas generator")
  g.device = activableOff()
  return g
}
export const makeNuclearGenerator = (): Obj => {
  const g = new Generator("nuclear generator")
  g.device = activableOff()
  return g
}

/** Solar panel and wind generator: on only while outside, possibly within open containers (at most 10 levels). */
export class RenewableGenerator extends Generator {
  constructor(name: string) {
    super(name)
    this.device = notActivableOff()
  }
  override tick(): boolean {
    this.device!.isActivated = this.isOutdoors()
    return super.tick()
  }
  private isOutdoors(): boolean {
    let c = this.container
    for (let count = 0; count < 10; count++) {
      if (c === undefined) return false
      if (c instanceof Outside) return true
      if (c.containerProps?.isOpen !== true) return false
      c = c.container
    }
    return false
  }
}

export const makeSolarPanel = (): Obj => new RenewableGenerator("solar panel")
export const makeWindGenerator = (): Obj => new RenewableGenerator("wind generator")

/** A wire: unpolarized, conductive, its two terminals visible. */
export class UnpolarizedComponent extends Obj {
  constructor(name = "component") {
    super()
    this.name = name
    this.device = notActivableOff()
    this.movable = true
    this.electricalRole = ROLE_USER
    this.terminal1!.hidden = false
    this.terminal2!.hidden = false
  }
  override electricalKind(): "unpolarized" {
    return "unpolarized"
  }
  override visibleTerminals(): ReadonlyArray<Obj> {
    return this.terminalPair
  }
  override tick(): boolean {
    unpolarizedConductivityTick(this, true)
    return super.tick()
  }
  override referents(): Array<string> {
    return ["component", this.name, this.descriptName()]
  }
  override description(mode = 0): string {
    let s = `a ${this.descriptName()}`
    if (mode === MODE_DETAILED)
      s += `its terminal 1 is connected to: ${this.terminal1!.connections.connectedToStr()}. its terminal 2 is connected to: ${this.terminal2!.connections.connectedToStr()}. `
    return s
  }
}

export class Wire extends UnpolarizedComponent {
  constructor(name = "wire") {
    super(name)
    this.material = material("MetalProp")
    this.electricalRole = ROLE_USER
  }
}
