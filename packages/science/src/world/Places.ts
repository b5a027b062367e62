/**
 * Locations and the agent (objects/location/Location.scala, objects/agent/Agent.scala):
 * the universe root, rooms and the outside (each with air at 25 C), and the agent with
 * its inventory (which starts with an orange, a debug leftover of the original).
 */
import { InventoryContainer, Ground } from "./Containers.js"
import { listDescription, MODE_CURSORY, Obj, openContainer, portalListDescription } from "./Obj.js"
import { Air, makeOrange } from "./Things.js"

export class Location extends Obj {
  constructor(name = "location") {
    super()
    this.name = name
    this.movable = false
    this.containerProps = openContainer()
  }
  override referents(): Array<string> {
    return ["location", this.name, this.descriptName()]
  }
  override description(): string {
    return `A ${this.descriptName()}. In this location, you see: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, true)}.`
  }
}

export class Universe extends Location {
  constructor() {
    super("universe")
  }
  override referents(): Array<string> {
    return ["universe", this.descriptName()]
  }
  override description(): string {
    return `A ${this.descriptName()}. In this Universe, you see: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, true)}.`
  }
}

const withWarmAir = (place: Obj): void => {
  const air = new Air()
  air.material!.temperatureC = 25.0
  place.addObject(air)
}

export class Room extends Location {
  constructor(name = "room") {
    super(name)
    withWarmAir(this)
  }
  override referents(): Array<string> {
    return ["room", this.name, this.descriptName()]
  }
  override description(): string {
    return (
      `This room is called the ${this.descriptName()}. In it, you see: \n` +
      listDescription(this.contents(), this, MODE_CURSORY, true) +
      "You also see:\n" +
      portalListDescription(this.portals, this)
    )
  }
}

export class Outside extends Location {
  constructor(name = "outside") {
    super(name)
    withWarmAir(this)
    this.addObject(new Ground())
  }
  override referents(): Array<string> {
    return ["outside", this.name, this.descriptName()]
  }
  override description(): string {
    return (
      `This outside location is called the ${this.descriptName()}. Here you see: \n` +
      listDescription(this.contents(), this, MODE_CURSORY, true) +
      "You also see:\n" +
      portalListDescription(this.portals, this)
    )
  }
}

/** An action taken by the agent, as its history records it (past-action goals read it). */
export interface PastAction {
  readonly name: string
  readonly assignments: Readonly<Record<string, Obj>>
}

export class Agent extends Obj {
  waitingCounter = 0
  readonly inventory: InventoryContainer
  taskDescription = ""
  readonly actionHistory: Array<PastAction> = []
  constructor() {
    super()
    this.name = "agent"
    this.movable = false
    this.inventory = new InventoryContainer()
    this.addObject(this.inventory)
    this.inventory.addObject(makeOrange())
  }
  isWaiting(): boolean {
    return this.waitingCounter > 0
  }
  decrementWait(): void {
    if (this.waitingCounter > 0) this.waitingCounter -= 1
  }
  override referents(): Array<string> {
    return ["agent", "self"]
  }
  override description(): string {
    return "the agent"
  }
}
