/**
 * Plain things: substances, foods, paints, documents, pictures, small task items and the
 * inclined plane (objects/substance, objects/document, objects/misc, objects/taskitems).
 * Each class keeps the original's name, referents, article and description exactly,
 * including its quirks ("A aluminum foil", "an grapefruit" style articles).
 */
import { material } from "./Material.js"
import { changeOfState, edible, hooks, MODE_DETAILED, notContainer, Obj, openContainer } from "./Obj.js"

/*
 * Substances
 */
export class Substance extends Obj {
  constructor(name = "substance", materialClass?: string) {
    super()
    this.name = name
    if (materialClass !== undefined) this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return ["substance", this.name, this.descriptName()]
  }
  override description(): string {
    return `a substance called ${this.descriptName()}`
  }
}

export class Air extends Substance {
  constructor() {
    super("air", "AirProp")
  }
}

export class Water extends Substance {
  constructor() {
    super("water", "WaterProp")
  }
}

/** Frozen water that starts named "water" (the original names it after the liquid state); the first tick renames it. */
export class Ice extends Substance {
  constructor() {
    super("substance", "WaterProp")
    this.material!.temperatureC = -10.0
    this.name = this.material!.nameInStateOfMatter.liquid
  }
}

export class Ash extends Substance {
  constructor() {
    super("ash", "AshProp")
  }
}
hooks.makeAsh = () => new Ash()

/** A substance whose description is "a <name>" and referents include "block". */
export class Block extends Substance {
  constructor(name: string, materialClass: string) {
    super(name, materialClass)
  }
  override referents(): Array<string> {
    return ["block", this.name, this.descriptName()]
  }
  override description(): string {
    return `a ${this.descriptName()}`
  }
}

export class Brick extends Substance {
  constructor() {
    super("brick", "BrickProp")
  }
  override description(): string {
    return `a ${this.descriptName()}`
  }
}

/** Substances that differ only in name and material. */
export const simpleSubstances: Readonly<Record<string, readonly [string, string]>> = {
  Lead: ["lead", "LeadProp"],
  Tin: ["tin", "TinProp"],
  Mercury: ["mercury", "MercuryProp"],
  Gallium: ["gallium", "GalliumProp"],
  Caesium: ["caesium", "CaesiumProp"],
  Soap: ["soap", "SoapProp"],
  Rubber: ["rubber", "RubberProp"],
  Wood: ["wood", "WoodProp"],
  Sodium: ["sodium", "SodiumProp"],
  SodiumChloride: ["sodium chloride", "SodiumChlorideProp"],
  SaltWater: ["salt water", "SaltWaterProp"],
  SoapyWater: ["soapy water", "SoapyWaterProp"],
  SodiumBicarbonate: ["sodium bicarbonate", "SodiumBicarbonateProp"],
  AceticAcid: ["acetic acid", "AceticAcidProp"],
  SodiumAcetate: ["sodium acetate", "SodiumAcetateProp"],
  Rust: ["rust", "RustProp"],
  Sugar: ["sugar", "SugarProp"],
  SugarWater: ["sugar water", "SugarProp"]
}

export const blocks: Readonly<Record<string, readonly [string, string]>> = {
  WoodBlock: ["wood block", "WoodProp"],
  SteelBlock: ["steel block", "SteelProp"],
  IronBlock: ["iron block", "IronProp"]
}

/*
 * Foods
 */
export class Food extends Obj {
  /** The class's own name: the original lists it first among the referents whatever the object is called now ("liquid chocolate" still answers to "chocolate"). */
  readonly canonical: string
  constructor(name: string, materialClass?: string) {
    super()
    this.name = name
    this.canonical = name
    this.edibility = edible()
    if (materialClass !== undefined) this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return [this.canonical, this.name, this.descriptName()]
  }
  override description(): string {
    return this.descriptName()
  }
}

/** A food described as "<article> <name>" (fruits, potato). */
export class ArticleFood extends Food {
  constructor(
    name: string,
    readonly article: "a" | "an",
    materialClass?: string
  ) {
    super(name, materialClass)
  }
  override description(): string {
    return `${this.article} ${this.descriptName()}`
  }
}

/** A food with a colour that joins its referents and possibly its description ("a red apple", "red jam"). */
export class ColouredFood extends Food {
  constructor(
    name: string,
    readonly colour: string,
    readonly article: string,
    readonly describeColour: boolean,
    materialClass?: string
  ) {
    super(name, materialClass)
  }
  override referents(): Array<string> {
    const canonical = `${this.colour} ${this.name}`
    return [this.name, canonical, this.name, this.descriptName(), this.descriptName(canonical)]
  }
  override description(): string {
    const shown = this.describeColour ? this.descriptName(`${this.colour} ${this.name}`) : this.descriptName(this.name)
    return this.article === "" ? shown : `${this.article} ${shown}`
  }
}

/** Flour, dough and bread: colour in one referent only, never in the description. */
export class BakedFood extends Food {
  constructor(
    name: string,
    readonly colour: string,
    materialClass: string
  ) {
    super(name, materialClass)
  }
  override referents(): Array<string> {
    return [this.name, this.name, this.descriptName(), this.descriptName(`${this.colour} ${this.name}`)]
  }
  override description(): string {
    return this.descriptName(this.name)
  }
}

export class Sandwich extends Food {
  constructor(readonly sandwichType: string) {
    super(`${sandwichType} sandwich`, "FlourProp")
  }
  override referents(): Array<string> {
    return ["sandwich", this.name, this.descriptName(), this.descriptName(`${this.sandwichType} sandwich`)]
  }
  override description(): string {
    return this.descriptName(`${this.sandwichType} sandwich`)
  }
}

export const makeApple = (): Obj => new ColouredFood("apple", "red", "a", true)
export const makeApricot = (): Obj => new ColouredFood("apricot", "orange", "a", true, "PlantMatterProp")
export const makeOnion = (): Obj => new ColouredFood("onion", "red", "a", true)
export const makeAvocado = (): Obj => new ArticleFood("avocado", "an")
export const makeBanana = (): Obj => new ArticleFood("banana", "a")
export const makeCherry = (): Obj => new ArticleFood("cherry", "a")
export const makeLemon = (): Obj => new ArticleFood("lemon", "a")
export const makeOrange = (): Obj => new ArticleFood("orange", "an")
export const makeGrapefruit = (): Obj => new ArticleFood("grapefruit", "an")
export const makePeach = (): Obj => new ArticleFood("peach", "a")
export const makePear = (): Obj => new ArticleFood("pear", "a")
export const makePotato = (): Obj => new ArticleFood("potato", "a")

/** Foods described by their name alone, with their material class. */
export const plainFoods: Readonly<Record<string, readonly [string, string | undefined]>> = {
  OrangeJuice: ["orange juice", "OrangeJuiceProp"],
  AppleJuice: ["apple juice", "AppleJuiceProp"],
  Garlic: ["garlic", undefined],
  Chocolate: ["chocolate", "ChocolateProp"],
  Marshmallow: ["marshmallow", "MarshmallowProp"],
  Smores: ["smores", "MarshmallowProp"],
  IceCream: ["ice cream", "IceCreamProp"],
  Peanut: ["peanut", "NutProp"],
  Cashew: ["cashew", "NutProp"],
  Almond: ["almond", "NutProp"],
  MixedNuts: ["mixed nuts", "NutProp"],
  FruitSalad: ["fruit salad", "PlantMatterProp"]
}

/*
 * Paints
 */
export class Paint extends Obj {
  constructor(colour: string, materialClass: string) {
    super()
    this.name = `${colour} paint`
    this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return ["paint", this.name, this.descriptName()]
  }
  override description(): string {
    return this.descriptName()
  }
}

/** Paint colours by class name: the colour and the material class. */
export const paints: Readonly<Record<string, string>> = {
  RedPaint: "red",
  BluePaint: "blue",
  YellowPaint: "yellow",
  VioletPaint: "violet",
  GreenPaint: "green",
  OrangePaint: "orange",
  BrownPaint: "brown",
  YellowOrangePaint: "yellow-orange",
  RedOrangePaint: "red-orange",
  VioletRedPaint: "violet-red",
  BlueVioletPaint: "blue-violet",
  GreenBluePaint: "green-blue",
  YellowGreenPaint: "yellow-green"
}

export const makePaint = (cls: string): Obj => new Paint(paints[cls], `${cls}Prop`)

/*
 * Documents, books, pictures
 */
export class Document extends Obj {
  title = ""
  text = ""
  constructor() {
    super()
    this.name = "document"
    this.material = material("PaperProp")
    this.containerProps = notContainer()
  }
  read(): string {
    return `${this.title}\n${this.text}`
  }
  override referents(): Array<string> {
    return [this.name, this.title, `${this.name} called ${this.title}`, this.descriptName(), `${this.descriptName()} called ${this.title}`]
  }
  override description(): string {
    return `A ${this.descriptName()} titled ${this.title}`
  }
}

export class Paper extends Document {
  constructor() {
    super()
    this.name = "paper"
  }
  override read(): string {
    if (this.text.length === 0) return "The paper does not have any text on it."
    return `The paper reads:\n${this.title}\n${this.text}`
  }
  override description(): string {
    return this.title.length > 0 ? `A ${this.descriptName()} titled ${this.title}` : `A blank ${this.descriptName()}`
  }
}

export class ColoredPaper extends Document {
  constructor(colour: string) {
    super()
    this.name = `${colour} paper`
  }
  override read(): string {
    return "The paper does not have any text on it."
  }
  override description(): string {
    return `A ${this.descriptName()}`
  }
}

export class Recipe extends Document {
  constructor() {
    super()
    this.name = "recipe"
  }
  override read(): string {
    return `The recipe reads:\n${this.text}`
  }
  /** Recipe.mkRecipe: the recipe for a product of these ingredients (TaskChemistryMix gives the task's own). */
  write(product: string, ingredients: ReadonlyArray<string>): void {
    this.title = `instructions to make ${product}`
    this.text = `To make ${product}, you need to mix ${ingredients.join(", ")}.`
  }
}

export class Book extends Document {
  author = "author"
  constructor(title: string, author: string, contents: string) {
    super()
    this.title = title
    this.author = author
    this.text = contents
    this.name = `book (${title})`
  }
  override read(): string {
    return `The book reads:\n${this.title} by ${this.author}\n${this.text}`
  }
  override referents(): Array<string> {
    return [
      "book",
      this.title,
      `book by ${this.author}`,
      `${this.title} book`,
      this.name,
      this.descriptName(),
      `${this.descriptName()} by ${this.author}`,
      `${this.descriptName()} called ${this.title}`
    ]
  }
  override description(): string {
    return `A ${this.descriptName()} titled ${this.title} by ${this.author}`
  }
}

export class Picture extends Obj {
  constructor(
    kind: string,
    readonly subject: string,
    readonly artist: string
  ) {
    super()
    this.name = kind
    this.material = material("PaperProp")
    this.containerProps = notContainer()
  }
  override referents(): Array<string> {
    return [this.name, `${this.name} of ${this.subject}`, this.descriptName(), `${this.descriptName()} of ${this.subject}`]
  }
  override description(mode = 0): string {
    if (mode === MODE_DETAILED) return `a ${this.descriptName()} of ${this.subject}.  The artist is listed as ${this.artist}. `
    return `a ${this.descriptName()}`
  }
}

/*
 * Small task items (forks, paper clip, foil, unknown substances)
 */
export class Item extends Obj {
  constructor(
    name: string,
    materialClass: string,
    readonly extraReferent: string | undefined
  ) {
    super()
    this.name = name
    this.material = material(materialClass)
  }
  override referents(): Array<string> {
    return this.extraReferent === undefined ? [this.name, this.descriptName()] : [this.name, this.extraReferent, this.descriptName()]
  }
  override description(): string {
    return `A ${this.descriptName()}`
  }
}

export const makeForkMetal = (): Obj => new Item("metal fork", "SteelProp", "steel fork")
export const makeForkPlastic = (): Obj => new Item("plastic fork", "PlasticProp", "plastic fork")
export const makePaperClip = (): Obj => new Item("paper clip", "SteelProp", "steel paper clip")
export const makeAluminumFoil = (): Obj => new Item("aluminum foil", "AluminumProp", undefined)

/** An unknown substance: described by its bare name. */
export class UnknownSubstance extends Obj {
  constructor(letter: string) {
    super()
    this.name = `unknown substance ${letter}`
    this.material = material("MetalProp")
  }
  override referents(): Array<string> {
    return [this.name, "unknown substance", this.descriptName()]
  }
  override description(): string {
    return this.name
  }
}

/** For the conductivity tasks: metal-like, conductive or not per variation. */
export const makeUnknownConductor = (letter: string, conductive: boolean): Obj => {
  const s = new UnknownSubstance(letter)
  s.material!.electricallyConductive = conductive
  return s
}

/** For the melting-point tasks: a given melting point and state names "solid|liquid|gaseous unknown substance X". */
export const makeUnknownThermal = (letter: string, meltingPoint: number): Obj => {
  const s = new UnknownSubstance(letter)
  const m = s.material!
  m.meltingPoint = meltingPoint
  m.substanceName = s.name
  m.nameInStateOfMatter = { solid: `solid ${s.name}`, liquid: `liquid ${s.name}`, gas: `gaseous ${s.name}` }
  changeOfState(s, true)
  return s
}

export class Soil extends Obj {
  constructor() {
    super()
    this.name = "soil"
    this.material = material("SoilProp")
  }
  override referents(): Array<string> {
    return ["soil", this.name, this.descriptName()]
  }
  override description(): string {
    return this.descriptName()
  }
}

/*
 * Inclined plane (objects/misc/InclinedPlane.scala)
 */
const G = Math.fround(0.1)
const TOP = Math.fround(0.99)

/** Java's "%3.0f" then trim, for non-negative values: round half up on the exact value. */
const formatPercent = (x: number): string => x.toFixed(0)

export class InclinedPlane extends Obj {
  /** Position of each object on the plane by UUID: 1 at the top, 0 at the bottom. Filled from the base constructor, hence `declare`. */
  declare positions: Map<number, number>
  readonly angleDeg: number
  readonly surface: import("./Material.js").Material
  readonly additionalName: string

  constructor(angleDeg: number, surfaceMaterialClass: string, additionalName = "") {
    super()
    this.angleDeg = angleDeg
    this.surface = material(surfaceMaterialClass)
    this.additionalName = additionalName
    this.name = "inclined plane"
    this.containerProps = openContainer()
    this.material = material("SteelProp")
  }

  override addObject(obj: Obj): void {
    ;(this.positions ??= new Map()).set(obj.uuid, 1.0)
    super.addObject(obj)
  }

  position(obj: Obj): number | undefined {
    return this.positions?.get(obj.uuid)
  }

  private slide(obj: Obj): void {
    const pos = this.positions.get(obj.uuid)
    if (pos === undefined) return
    const state = obj.material?.stateOfMatter
    if (state === "liquid") return void this.positions.set(obj.uuid, 0.0)
    if (state === "gas") return void this.positions.set(obj.uuid, 1.0)
    if (pos <= 0) return
    const forceDown = G * Math.sin(this.angleDeg * 0.017453292519943295)
    const delta = forceDown * (1 - this.surface.frictionCoefficient)
    this.positions.set(obj.uuid, Math.max(pos - delta, 0.0))
  }

  override tick(): boolean {
    for (const c of this.contents(false)) this.slide(c)
    return super.tick()
  }

  private nameSuffix(): string {
    return this.surface.className === "DefaultFrictionMaterialProp" ? "" : ` with a ${this.surface.substanceName} surface`
  }

  override descriptName(override = ""): string {
    if (override !== "") return super.descriptName(override)
    return super.descriptName(`${this.name} ${this.additionalName} ${this.nameSuffix()}`.replace(/\s+/g, " ").trim())
  }

  override referents(): Array<string> {
    const out = ["inclined plane", "plane", this.name, this.descriptName()]
    if (this.additionalName === "") return out
    const a = this.additionalName
    return [...out, `inclined plane ${a}`, `plane ${a}`, `${this.name} ${a}`, `${this.descriptName()} ${a}`]
  }

  override description(): string {
    const things = this.contentsAndPortals(false)
    if (things.length === 0) return `an ${this.descriptName()}`
    const parts = things.map((c) => {
      const pos = this.position(c)
      let s = ` a ${c.descriptName()}`
      if (pos !== undefined) {
        if (pos === 0.0) s += " at the bottom of the plane"
        else if (pos >= TOP) s += " at the top of the plane"
        else s += ` approximately ${formatPercent(100 - 100 * pos).trim()}% down the plane`
      }
      return s
    })
    return `an ${this.descriptName()}, with: ${parts.join(",")}`
  }
}
