/**
 * Containers and furniture (objects/containers, objects/containers/furniture,
 * objects/taskitems/AnswerBox, objects/environmentoutside): cups and pots, flower pots
 * (self-watering under the simplification), shelves, tables, cupboards, the bee hive,
 * answer boxes, the fire pit, the fountain and the ground.
 */
import { material } from "./Material.js"
import { closableContainer, current, listDescription, MODE_CURSORY, MODE_DETAILED, Obj, openContainer } from "./Obj.js"
import { Water } from "./Things.js"

export class Container extends Obj {
  constructor(name = "container") {
    super()
    this.name = name
    this.containerProps = closableContainer()
  }

  /** Each referent r plus "r containing <sorted contents joined by ' and '>" (or "containing nothing"). */
  contentReferences(base: ReadonlyArray<string>): Array<string> {
    const contents = this.contents(false)
    const suffix = contents.length === 0 ? " containing nothing" : ` containing ${contents.map((c) => c.descriptName()).sort().join(" and ")}`
    return base.flatMap((r) => [r, r + suffix])
  }

  override referents(): Array<string> {
    return ["container", this.name, this.descriptName()]
  }

  override description(): string {
    const things = this.contentsAndPortals()
    if (things.length === 0) return `an empty ${this.descriptName()}`
    return `a ${this.descriptName()} (containing ${listDescription(things, this, MODE_CURSORY, false)})`
  }
}

/** A container whose referents are the given ones, each with its contents. */
export class Vessel extends Container {
  constructor(
    name: string,
    materialClass: string,
    readonly baseReferents: (self: Vessel) => ReadonlyArray<string>,
    closable = false
  ) {
    super(name)
    this.containerProps = closable ? closableContainer() : openContainer()
    this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return this.contentReferences(this.baseReferents(this))
  }
}

const vessel = (name: string, materialClass: string, kind: string, closable = false): Vessel =>
  new Vessel(name, materialClass, (s) => [kind, name, s.name, s.descriptName()], closable)

export const makeMetalPot = () => vessel("metal pot", "SteelProp", "pot")
export const makeGlassCup = () => vessel("glass cup", "GlassProp", "cup")
export const makePlasticCup = () => vessel("plastic cup", "PlasticProp", "cup")
export const makeWoodCup = () => vessel("wood cup", "WoodProp", "cup")
export const makeTinCup = () => vessel("tin cup", "TinProp", "cup")
export const makePaperCup = () => vessel("paper cup", "PaperProp", "cup")
export const makeCeramicCup = () => vessel("ceramic cup", "CeramicProp", "cup")
export const makeGlassJar = () => vessel("glass jar", "GlassProp", "jar", true)
export const makeWoodBowl = () => new Vessel("bowl", "WoodProp", (s) => ["bowl", `${s.material!.substanceName} bowl`, s.name, s.descriptName()])
export const makeJug = () => new Vessel("jug", "PlasticProp", (s) => ["jug", s.name, s.descriptName()])
export const makeBookShelf = () => new Vessel("book shelf", "WoodProp", (s) => ["shelf", "book shelf", s.name, s.descriptName()])

/** Where drains lead; seen only through the drains. */
export class Sewer extends Container {
  constructor() {
    super("sewer")
    this.containerProps = openContainer()
    this.material = material("SteelProp")
  }
  override referents(): Array<string> {
    return [this.name, this.descriptName()]
  }
}

/** A flower pot; adds water each tick when it has none, if the simplification is on (or always, for the self-watering kind). */
export class FlowerPot extends Vessel {
  constructor(
    name = "flower pot",
    readonly alwaysSelfWatering = false
  ) {
    super(name, "CeramicProp", (s) => ["pot", "flower pot", s.name, s.descriptName()])
  }
  override tick(): boolean {
    if ((this.alwaysSelfWatering || current().selfWateringFlowerPots) && !this.children.some((c) => c instanceof Water)) this.addObject(new Water())
    return super.tick()
  }
}

export class AnswerBox extends Container {
  constructor(colour: string) {
    super(`${colour} box`)
    this.containerProps = openContainer()
    this.material = material("CeramicProp")
  }
  override referents(): Array<string> {
    return [this.name, this.descriptName()]
  }
}

export class InventoryContainer extends Container {
  constructor() {
    super("inventory")
    this.containerProps = openContainer()
    this.movable = false
  }
  override referents(): Array<string> {
    return ["inventory", this.name]
  }
}

export class FirePit extends Container {
  constructor() {
    super("fire pit")
    this.material = material("CeramicProp")
    this.containerProps = openContainer()
  }
  override referents(): Array<string> {
    return ["fire pit", this.name, this.descriptName()]
  }
}

export class Fountain extends Container {
  constructor() {
    super("fountain")
    this.containerProps = openContainer()
    this.material = material("CeramicProp")
  }
  override tick(): boolean {
    if (!this.children.some((c) => c instanceof Water)) this.addObject(new Water())
    return super.tick()
  }
  override referents(): Array<string> {
    return ["fountain", this.name, this.descriptName()]
  }
}

/** Whatever is put on the ground moves to the ground's location at the next tick (its own hidden terminals too). */
export class Ground extends Obj {
  constructor() {
    super()
    this.name = "ground"
    this.material = material("SoilProp")
    this.containerProps = openContainer()
  }
  override tick(): boolean {
    const to = this.container
    if (to !== undefined) for (const c of this.children.slice()) to.addObject(c)
    return super.tick()
  }
  override referents(): Array<string> {
    return ["ground", this.name, this.descriptName()]
  }
  override description(): string {
    return `the ${this.descriptName()}`
  }
}

export class Hole extends Container {
  constructor() {
    super("hole")
    this.containerProps = openContainer()
  }
  override referents(): Array<string> {
    return ["hole", this.name, this.descriptName()]
  }
  override description(): string {
    const things = this.contents()
    if (things.length === 0) return `a hole ${this.descriptName()}`
    return `a ${this.descriptName()} (containing ${listDescription(things, this, MODE_CURSORY, false)})`
  }
}

/*
 * Furniture
 */

/** Chairs, couches, beds, mattresses: "a chair. On the chair is: <list>." in both modes. */
export class Sittable extends Container {
  constructor(name: string, materialClass: string) {
    super(name)
    this.containerProps = openContainer()
    this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return ["sittable", `${this.material!.substanceName} sittable`, this.name, this.descriptName()]
  }
  override description(): string {
    return `a ${this.descriptName()}. On the ${this.descriptName()} is: ${listDescription(this.contentsAndPortals(), this, MODE_CURSORY, false)}.`
  }
}

export class Pillow extends Obj {
  constructor() {
    super()
    this.name = "pillow"
    this.material = material("CottonClothProp")
  }
  override description(): string {
    return `a ${this.material!.color} ${this.descriptName()}`
  }
}

export const makeChair = () => new Sittable("chair", "WoodProp")
export const makeCouch = () => {
  const c = new Sittable("couch", "CottonClothProp")
  c.addObject(new Pillow())
  return c
}
export const makeBed = () => {
  const b = new Sittable("bed", "WoodProp")
  const mattress = new Sittable("mattress", "CottonClothProp")
  b.addObject(mattress)
  mattress.addObject(new Pillow())
  return b
}

/** Tables, desks and counters: "On the table is: " then one line (cursory) or one per object (detailed). */
export class Surface extends Container {
  constructor(name: string, materialClass: string) {
    super(name)
    this.containerProps = openContainer()
    this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return [this.name, `${this.material!.substanceName} ${this.name}`, this.name, this.descriptName()]
  }
  override description(mode: number = MODE_CURSORY): string {
    const head = `a ${this.descriptName()}. `
    if (mode === MODE_DETAILED) return `${head}On the ${this.descriptName()} is: \n${listDescription(this.contents(), this, MODE_CURSORY, true)}`
    return `${head}On the ${this.descriptName()} is: ${listDescription(this.contents(), this, MODE_CURSORY, false)}.`
  }
}

export class Drawer extends Container {
  constructor() {
    super("drawer")
    this.material = material("WoodProp")
  }
  override referents(): Array<string> {
    return ["drawer", `${this.material!.substanceName} table`, this.name, this.descriptName()]
  }
  override description(mode: number = MODE_CURSORY): string {
    let s = `a ${this.descriptName()}`
    if (mode === MODE_DETAILED) {
      s += ". "
      if (!this.containerProps!.isOpen) s += " The drawer is closed."
      else s += `In the ${this.descriptName()} is: \n${listDescription(this.contents(), this, MODE_CURSORY, true)}`
    }
    return s
  }
}

export const makeWoodTable = () => new Surface("table", "WoodProp")
export const makeSteelTable = () => new Surface("table", "SteelProp")
export const makeDesk = () => {
  const d = new Surface("desk", "WoodProp")
  d.addObject(new Drawer())
  return d
}
export const makeCounter = () => {
  const c = new Surface("counter", "WoodProp")
  c.addObject(new Drawer())
  return c
}

/** Cupboards, closets and the bee hive: a door that is open or closed, then the contents when open. */
export class Cabinet extends Container {
  constructor(
    name: string,
    readonly baseReferents: (self: Cabinet) => ReadonlyArray<string>
  ) {
    super(name)
    this.material = material("WoodProp")
  }
  override referents(): Array<string> {
    return [...this.baseReferents(this)]
  }
  override description(mode: number = MODE_CURSORY): string {
    const open = this.containerProps!.isOpen
    let s = `a ${this.descriptName()}. The ${this.descriptName()} door is ${open ? "open. " : "closed. "}`
    if (open) {
      if (mode === MODE_DETAILED) s += `In the ${this.descriptName()} is: \n${listDescription(this.contents(), this, MODE_CURSORY, true)}`
      else s += `In the ${this.descriptName()} is: ${listDescription(this.contents(), this, MODE_CURSORY, false)}.`
    }
    return s
  }
}

const furnitureReferents = (kind: string) => (self: Cabinet) => [kind, `${self.material!.substanceName} ${kind}`, self.name, self.descriptName()]

export const makeCupboard = () => {
  const c = new Cabinet("cupboard", furnitureReferents("cupboard"))
  c.addObject(new Drawer())
  return c
}
export const makeCloset = () => new Cabinet("closet", furnitureReferents("closet"))
export const makeBeeHive = () => new Cabinet("bee hive", (s) => ["bee hive", "hive", "beehive", s.name, s.descriptName()])
