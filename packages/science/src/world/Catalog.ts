/**
 * Objects by class name, as the reference data names them (variations/<task>.jsonl
 * `objs`: "<room>[/<container>] :: <name><<Class> <props>>" with indented children), and
 * the parser of those entries. A child the constructor already made (a desk's drawer, a
 * bulb's anode) is matched instead of made twice; the listed name and properties are
 * applied to every object.
 */
import { ScienceDataError } from "../Data.js"
import {
  AnswerBox,
  FlowerPot,
  makeBookShelf,
  makeCeramicCup,
  makeCloset,
  makeCupboard,
  makeDesk,
  makeGlassCup,
  makeGlassJar,
  makeJug,
  makeMetalPot,
  makePaperCup,
  makePlasticCup,
  makeTinCup,
  makeWoodBowl,
  makeWoodCup
} from "./Containers.js"
import { makeShovel, makeStopWatch } from "./Devices.js"
import { makeBuzzer, makeGasGenerator, makeLightBulb, makeMotor, makeNuclearGenerator, makeSolarPanel, makeWindGenerator, Wire } from "./Electrical.js"
import { type Allele, animals, Chromosomes, FruitingTree, makeAnimal, PeaPlant, peaTraits, type Plant, trees } from "./Living.js"
import { materials } from "../Data.js"
import { material } from "./Material.js"
import type { Obj } from "./Obj.js"
import {
  BakedFood,
  Block,
  blocks,
  Brick,
  ColouredFood,
  Food,
  Ice,
  InclinedPlane,
  makeAluminumFoil,
  makeApple,
  makeApricot,
  makeBanana,
  makeForkMetal,
  makeForkPlastic,
  makeOrange,
  makePaint,
  makePaperClip,
  makeUnknownConductor,
  makeUnknownThermal,
  UnknownSubstance,
  Paper,
  paints,
  plainFoods,
  Recipe,
  simpleSubstances,
  Soil,
  Substance
} from "./Things.js"
import { bookByTitle } from "./Books.js"

export type Props = Readonly<Record<string, string>>

const bool = (v: string | undefined): boolean => v === "true"

/** The material class of an inclined plane's surface: by substance name and friction (two "unknown material J" exist). */
const surfaceClass = (surface: string, friction: number): string => {
  const hit = Object.keys(materials()).find((cls) => {
    const m = material(cls)
    return m.substanceName === surface && m.frictionCoefficient === friction
  })
  if (hit === undefined) throw new ScienceDataError({ file: "materials.json", message: `no surface material "${surface}" with friction ${friction}` })
  return hit
}

/** "flower color=purpleD/whiteR>purple plant height=tallD/tallD>tall ..." as the two parents' alleles. */
export const parseGenes = (genes: string): Chromosomes => {
  const p1: Array<Allele> = []
  const p2: Array<Allele> = []
  for (const m of genes.matchAll(/([a-z ]+?)=(\w+?)([DR])\/(\w+?)([DR])>\w+/g)) {
    const trait = m[1].trim()
    const t = peaTraits[trait]
    if (t === undefined) throw new ScienceDataError({ file: "variations", message: `unknown trait "${trait}" (only pea genetics are supported)` })
    const allele = (dominant: boolean): Allele => ({ trait, dominantValue: t[0], recessiveValue: t[1], suffix: t[2], dominant })
    p1.push(allele(m[3] === "D"))
    p2.push(allele(m[5] === "D"))
  }
  return new Chromosomes(p1, p2)
}

const factories: Readonly<Record<string, (props: Props) => Obj>> = {
  AnswerBox: () => new AnswerBox("answer"),
  FlowerPot: () => new FlowerPot(),
  SelfWateringFlowerPot: () => new FlowerPot("self watering flower pot", true),
  Soil: () => new Soil(),
  MetalPot: makeMetalPot,
  GlassCup: makeGlassCup,
  PlasticCup: makePlasticCup,
  WoodCup: makeWoodCup,
  TinCup: makeTinCup,
  PaperCup: makePaperCup,
  CeramicCup: makeCeramicCup,
  GlassJar: makeGlassJar,
  WoodBowl: makeWoodBowl,
  Jug: makeJug,
  BookShelf: makeBookShelf,
  Cupboard: makeCupboard,
  Closet: makeCloset,
  Desk: makeDesk,
  StopWatch: makeStopWatch,
  Shovel: makeShovel,
  LightBulb: () => makeLightBulb("red"),
  ElectricBuzzer: makeBuzzer,
  ElectricMotor: makeMotor,
  SolarPanel: makeSolarPanel,
  WindGenerator: makeWindGenerator,
  GasGenerator: makeGasGenerator,
  NuclearGenerator: makeNuclearGenerator,
  Wire: () => new Wire(),
  AluminumFoil: makeAluminumFoil,
  ForkMetal: makeForkMetal,
  ForkPlastic: makeForkPlastic,
  PaperClip: makePaperClip,
  Apple: makeApple,
  Apricot: makeApricot,
  Banana: makeBanana,
  Orange: makeOrange,
  Jam: () => new ColouredFood("jam", "red", "", true, "JamProp"),
  Flour: () => new BakedFood("flour", "white", "FlourProp"),
  Bread: () => new BakedFood("bread", "white", "FlourProp"),
  Brick: () => new Brick(),
  Ice: () => new Ice(),
  Paper: () => new Paper(),
  Recipe: () => new Recipe(),
  UnknownSubstanceElectricalConductivity: (p) => makeUnknownConductor("A", bool(p.conductive)),
  // The melting-point tasks' substances are named by letter and renamed by state; use-thermometer's is a plain one (MetalProp).
  UnknownSubstanceThermal: (p) =>
    p.substance?.startsWith("unknown substance ") === true ? makeUnknownThermal(p.substance.slice("unknown substance ".length), Number(p.mp)) : new UnknownSubstance("B"),
  InclinedPlane: (p) => new InclinedPlane(Number(p.angle), surfaceClass(p.surface, Number(p.friction)), p.extraName ?? ""),
  PeaPlant: (p) => new PeaPlant(p.genes === undefined ? undefined : parseGenes(p.genes))
}

const make = (cls: string, props: Props): Obj => {
  const f = factories[cls]
  if (f !== undefined) return f(props)
  if (cls in animals) return makeAnimal(cls)
  if (cls in trees) return new FruitingTree(trees[cls])
  if (cls in simpleSubstances) return new Substance(...simpleSubstances[cls])
  if (cls in blocks) return new Block(...blocks[cls])
  if (cls in plainFoods) return new Food(...plainFoods[cls])
  if (cls in paints) return makePaint(cls)
  if (cls.startsWith("Book")) return bookByTitle(cls)
  throw new ScienceDataError({ file: "variations", message: `unsupported object class ${cls}` })
}

/** Applies the listed name and properties to an object (the name is what the world showed when the data was made). */
const apply = (obj: Obj, name: string, props: Props): void => {
  obj.name = name
  const m = obj.material
  if (props.T !== undefined && m !== undefined) m.temperatureC = Number(props.T)
  if (props.som !== undefined && m !== undefined) m.stateOfMatter = props.som as typeof m.stateOfMatter
  if (props.mp !== undefined && m !== undefined) m.meltingPoint = Number(props.mp)
  if (props.substance !== undefined && m !== undefined) m.substanceName = props.substance
  if (props.on !== undefined && obj.device !== undefined) obj.device.isActivated = bool(props.on)
  if (props.open !== undefined && obj.containerProps !== undefined) obj.containerProps.isOpen = bool(props.open)
  if (props.stage !== undefined) (obj as Plant).lifecycle?.changeStage(props.stage, obj)
}

interface Entry {
  readonly depth: number
  readonly name: string
  readonly cls: string
  readonly props: Props
}

const parseLine = (line: string): Entry => {
  const m = /^( *)(.*)<(\w+)(?: (.*))?>$/.exec(line)
  if (m === null) throw new ScienceDataError({ file: "variations", message: `bad object line "${line}"` })
  const props: Record<string, string> = {}
  if (m[4] !== undefined) {
    // "genes= flower color=..." holds spaces and '=', so split on ';' only.
    for (const part of m[4].split(";")) {
      const i = part.indexOf("=")
      if (i > 0) props[part.slice(0, i)] = part.slice(i + 1)
    }
  }
  return { depth: m[1].length / 2, name: m[2], cls: m[3], props }
}

/** One `objs` entry: where it goes and the object tree, built now (before the house, as the original does). */
export interface Placement {
  readonly room: string
  readonly container: string | undefined
  readonly obj: Obj
}

export const buildEntry = (entry: string): Placement => {
  const [head, ...rest] = entry.split("\n")
  const sep = head.indexOf(" :: ")
  if (sep === -1) throw new ScienceDataError({ file: "variations", message: `bad object entry "${head}"` })
  const [room, container] = head.slice(0, sep).split("/")
  const entries = [parseLine(head.slice(sep + 4)), ...rest.map(parseLine)]
  const stack: Array<Obj> = []
  const matched = new Set<Obj>()
  let root: Obj | undefined
  for (const e of entries) {
    const parent = e.depth === 0 ? undefined : stack[e.depth - 1]
    const made = parent?.children.find((c) => !c.hidden && c.name === e.name && !matched.has(c))
    const obj = made ?? make(e.cls, e.props)
    matched.add(obj)
    apply(obj, e.name, e.props)
    if (parent !== undefined && made === undefined) parent.addObject(obj)
    stack[e.depth] = obj
    stack.length = e.depth + 1
    root ??= obj
  }
  return { room, container, obj: root! }
}
