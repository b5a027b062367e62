/**
 * Living things (objects/livingthing, processes/lifestage, processes/genetics for peas):
 * animals advance through timed life stages; plants grow from seed to a reproducing
 * stage with water and soil, grow a flower, the flower makes pollen and, pollinated by
 * the same kind of plant, turns into fruit. Bees wander when their hive is open; where
 * the original draws from its global generator (bee moves, pea offspring), this engine
 * draws from the world's own stream, so those runs are not bit-exact (version 3 of the spec).
 */
import { material } from "./Material.js"
import { current, edible, type LifeProps, listDescription, MODE_CURSORY, MODE_DETAILED, notContainer, Obj, openContainer, type Portal } from "./Obj.js"
import { Location } from "./Places.js"
import { makeApple, makeApricot, makeAvocado, makeBanana, makeCherry, makeGrapefruit, makeLemon, makeOrange, makePeach, makePear } from "./Things.js"

/*
 * Life cycles
 */
export class LifeStage {
  ticksMeetingCriteria = 0
  duration = 0
  constructor(
    readonly stageName: string,
    readonly canonicalName = ""
  ) {}
  tick(_cycle: LifeCycle, _obj: Obj): void {}
}

export class LifeCycle {
  cur = 0
  constructor(readonly stages: ReadonlyArray<LifeStage>) {}
  stage(): LifeStage {
    return this.stages[this.cur]
  }
  stageName(): string {
    return this.stage().stageName
  }
  /** Moves `owner` (the living thing of this cycle, whose names show its stage) to the named stage. */
  changeStage(name: string, owner: Obj, failGracefully = false): void {
    const i = this.stages.findIndex((s) => s.stageName === name)
    if (i !== -1) {
      if (i !== this.cur) owner.renamed()
      this.cur = i
    } else if (!failGracefully) throw new Error(`life stage ${name} not found`)
  }
  tick(obj: Obj): void {
    this.stage().tick(this, obj)
  }
}

/** A stage that lasts `length` ticks, then moves to `next` (every animal stage). */
class TimedStage extends LifeStage {
  constructor(
    stageName: string,
    canonicalName: string,
    readonly length: number,
    readonly next: string | undefined
  ) {
    super(stageName, canonicalName)
  }
  override tick(cycle: LifeCycle, obj: Obj): void {
    this.duration += 1
    this.ticksMeetingCriteria += 1
    if (this.next !== undefined && this.ticksMeetingCriteria >= this.length) cycle.changeStage(this.next, obj)
  }
}

/** Death: the thing is dead; whatever it holds falls into its container. */
class AnimalDeath extends LifeStage {
  override tick(_cycle: LifeCycle, obj: Obj): void {
    obj.life!.isDead = true
    const parent = obj.container
    if (parent !== undefined) for (const c of obj.contentsAndPortals()) parent.addObject(c)
    this.duration += 1
  }
}

type Stage = readonly [name: string, canonical: string, length: number]

const animalCycle = (stages: ReadonlyArray<Stage>, death: readonly [string, string]): LifeCycle =>
  new LifeCycle([
    ...stages.map(([name, canonical, length], i) => new TimedStage(name, canonical, length, i + 1 < stages.length ? stages[i + 1][0] : death[0])),
    new AnimalDeath(death[0], death[1])
  ])

export const lifeCycles = {
  animal: () =>
    animalCycle(
      [
        ["baby", "", 20],
        ["juvenile", "", 20],
        ["adult", "", 50]
      ],
      ["dead", ""]
    ),
  bird: () =>
    animalCycle(
      [
        ["egg", "", 20],
        ["hatchling", "", 20],
        ["juvenile", "", 20],
        ["adult", "", 50]
      ],
      ["dead", ""]
    ),
  tortoise: () =>
    animalCycle(
      [
        ["egg", "", 20],
        ["hatchling", "", 20],
        ["juvenile", "", 20],
        ["adult", "", 50]
      ],
      ["dead", ""]
    ),
  frog: () =>
    animalCycle(
      [
        ["egg", "frog egg", 20],
        ["tadpole", "tadpole", 20],
        ["adult", "adult frog", 50]
      ],
      ["death", "dead frog"]
    ),
  butterfly: () =>
    animalCycle(
      [
        ["egg", "butterfly egg", 20],
        ["caterpillar", "caterpillar", 20],
        ["pupa", "butterfly pupa", 20],
        ["adult", "adult butterfly", 50]
      ],
      ["death", "dead butterfly"]
    ),
  adultForever: () => new LifeCycle([new TimedStage("adult", "", 50, undefined), new AnimalDeath("dead", "")])
} as const

const lifeProps = (lifeformType: string, lifespanTypical = 0): LifeProps => ({
  lifeformType,
  minTemp: 0,
  maxTemp: 50,
  isSickly: false,
  isDead: false,
  lifespanTypical
})

/*
 * Living things and animals
 */
export class LivingThing extends Obj {
  lifecycle: LifeCycle | undefined = undefined
  constructor() {
    super()
    this.name = "living thing"
  }
  override referents(): Array<string> {
    return ["living thing", "organism", this.name, this.descriptName()]
  }
  geneticTraits(): string {
    return ""
  }
  override description(): string {
    return `a ${this.descriptName()}. `
  }
}

export class Animal extends LivingThing {
  constructor(name = "animal", lifeformType = "animal", cycle: LifeCycle = lifeCycles.animal(), lifespan = 0) {
    super()
    this.name = name
    this.life = lifeProps(lifeformType, lifespan)
    this.lifecycle = cycle
  }
  override tick(): boolean {
    this.lifecycle!.tick(this)
    return super.tick()
  }
  /** "<stage> <kind>", "<kind> egg", or the stage's own name ("caterpillar"). */
  canonicalName(): string {
    if (this.lifecycle === undefined) return this.name
    const stage = this.lifecycle.stage()
    if (stage.canonicalName.length > 0) return stage.canonicalName
    const kind = this.life === undefined ? this.name : this.life.lifeformType
    return stage.stageName !== "egg" ? `${stage.stageName} ${kind}` : `${kind} ${stage.stageName}`
  }
  override descriptName(override = ""): string {
    return super.descriptName(override.length > 0 ? override : this.canonicalName())
  }
  override referents(): Array<string> {
    const stage = this.lifecycle!.stageName()
    return ["living thing", "organism", this.name, this.descriptName(), `${stage} ${this.name}`, `${stage} ${this.descriptName()}`]
  }
  override description(): string {
    if (this.life!.isDead) return `a ${this.descriptName()}`
    return `a ${this.descriptName()}${this.life!.isSickly ? " (that looks unwell)" : ""}`
  }
}

/** Animal classes: name, lifeform type, life cycle, typical lifespan (years). */
export const animals: Readonly<Record<string, readonly [string, string, keyof typeof lifeCycles, number]>> = {
  GiantTortoise: ["giant tortoise", "giant tortoise", "tortoise", 150],
  Turtle: ["turtle", "turtle", "tortoise", 30],
  Parrot: ["parrot", "parrot", "bird", 80],
  Elephant: ["elephant", "elephant", "animal", 70],
  Crocodile: ["crocodile", "crocodile", "tortoise", 45],
  BrownBear: ["brown bear", "brown bear", "animal", 30],
  Beaver: ["beaver", "beaver", "animal", 16],
  Wolf: ["wolf", "wolf", "animal", 14],
  Chipmunk: ["chipmunk", "chipmunk", "animal", 12],
  Toad: ["common toad", "common toad", "frog", 10],
  Rabbit: ["rabbit", "rabbit", "animal", 9],
  Mouse: ["mouse", "mouse", "animal", 4],
  Chameleon: ["chameleon", "chameleon", "tortoise", 3],
  Dragonfly: ["dragonfly", "dragonfly", "animal", Math.fround(0.4)],
  Ant: ["ant", "ant", "animal", Math.fround(0.1)],
  Hedgehog: ["hedgehog", "hedgehog", "animal", 5],
  Butterfly: ["butterfly", "butterfly", "butterfly", Math.fround(0.1)],
  Moth: ["moth", "moth", "butterfly", Math.fround(0.2)],
  Frog: ["frog", "frog", "frog", 6],
  Dove: ["dove", "dove", "bird", 2],
  BlueJay: ["blue jay", "blue jay", "bird", 7]
}

export const makeAnimal = (cls: string): Animal => {
  const [name, kind, cycle, lifespan] = animals[cls]
  return new Animal(name, kind, lifeCycles[cycle](), lifespan)
}

/** Wanders through open doors at random, or out of an open container into its location. */
export class WanderingAnimal extends Animal {
  moveToNewLocation(): boolean {
    const here = this.container
    if (here === undefined) return false
    const passable = (here.portals as Array<Portal>).filter((p) => p.isPassable())
    if (passable.length === 0) {
      if (here instanceof Location) return false
      if (here.containerProps?.isOpen === true) {
        const parent = containerRecursiveOfLocation(here)
        if (parent === undefined) return false
        parent.addObject(this)
      }
      return false
    }
    const to = passable[Math.floor(current().random() * passable.length)].connectsToFrom(here)
    to!.addObject(this)
    return true
  }
  override referents(): Array<string> {
    return ["living thing", "organism", this.name, this.descriptName()]
  }
  override description(): string {
    return `a ${this.descriptName()}. `
  }
}

/** EnvObject.getContainerRecursiveOfType[Location] (it climbs only through objects that are themselves open containers). */
export const containerRecursiveOfLocation = (obj: Obj): Obj | undefined => {
  const c = obj.container
  if (c === undefined) return undefined
  if (c instanceof Location) return c
  if (obj.containerProps?.isOpen === true) return containerRecursiveOfLocation(c)
  return undefined
}

export class Bee extends WanderingAnimal {
  readonly maxPollen = 5
  constructor(name = "bee") {
    super(name, "bee", lifeCycles.adultForever(), Math.fround(0.1))
  }
  private moveIntoFlower(): boolean {
    const here = this.container
    if (here === undefined) return false
    const flowers = here.contentsAccessibleWhere((o) => o instanceof Flower)
    if (flowers.length === 0) return false
    flowers[Math.floor(current().random() * flowers.length)].addObject(this)
    return true
  }
  private collectPollen(): boolean {
    const here = this.container
    if (here === undefined) return false
    if (this.contentsAccessibleWhere((o) => o instanceof Pollen).length > this.maxPollen) return false
    const pollens = here.children.filter((o) => o instanceof Pollen)
    if (pollens.length === 0) return false
    this.addObject(pollens[Math.floor(current().random() * pollens.length)])
    return true
  }
  override tick(): boolean {
    if (this.wasTickProcessed()) return false
    const coin = Math.floor(current().random() * 2)
    if (this.container instanceof Flower) {
      if (coin === 0) this.collectPollen()
      else this.moveToNewLocation()
    } else if (coin === 1) this.moveIntoFlower()
    else this.moveToNewLocation()
    return super.tick()
  }
  override referents(): Array<string> {
    return ["living thing", "organism", this.name, this.life!.lifeformType, this.descriptName()]
  }
  override description(mode = 0): string {
    if (this.life!.isDead) return `a dead ${this.descriptName()}`
    let s = `a ${this.descriptName()}${this.life!.isSickly ? " (that looks unwell)" : ""}`
    if (mode === MODE_DETAILED && this.contentsAccessible().some((o) => o instanceof Pollen)) s += ", that is covered in pollen"
    return s
  }
}

/*
 * Pea genetics (processes/genetics/Chromosomes.scala): one allele per parent, dominant or recessive
 */
export interface Allele {
  readonly trait: string
  readonly dominantValue: string
  readonly recessiveValue: string
  readonly suffix: string
  readonly dominant: boolean
}

export const peaTraits: Readonly<Record<string, readonly [dominant: string, recessive: string, suffix: string]>> = {
  "plant height": ["tall", "short", "height"],
  "seed shape": ["round", "wrinkly", "peas"],
  "seed color": ["green", "orange", "peas"],
  "flower color": ["purple", "white", "flowers"]
}

export class Chromosomes {
  constructor(
    readonly parent1: ReadonlyArray<Allele>,
    readonly parent2: ReadonlyArray<Allele>
  ) {}
  private pair(trait: string): [Allele, Allele] | undefined {
    const a = this.parent1.find((x) => x.trait === trait)
    const b = this.parent2.find((x) => x.trait === trait)
    return a === undefined || b === undefined ? undefined : [a, b]
  }
  /** The shown value: recessive only when both alleles are recessive. */
  phenotype(trait: string): string | undefined {
    const p = this.pair(trait)
    if (p === undefined) return undefined
    return !p[0].dominant && !p[1].dominant ? p[0].recessiveValue : p[0].dominantValue
  }
  /** "<value> <suffix>", e.g. "tall height". */
  phenotypeText(trait: string): string | undefined {
    const v = this.phenotype(trait)
    return v === undefined ? undefined : `${v} ${this.pair(trait)![0].suffix}`
  }
  traitNames(): Array<string> {
    return [...new Set([...this.parent1, ...this.parent2].map((a) => a.trait))]
  }
  /** Punnett square: for each trait one of the four parent-allele pairings, drawn from the world's stream. */
  mate(other: Chromosomes): Chromosomes {
    const c1: Array<Allele> = []
    const c2: Array<Allele> = []
    for (const t of this.traitNames()) {
      const [a1, b1] = this.pair(t)!
      const [a2, b2] = other.pair(t)!
      const options: Array<[Allele, Allele]> = [
        [a1, a2],
        [a1, b2],
        [b1, a2],
        [b1, b2]
      ]
      const pick = options[Math.floor(current().random() * 4)]
      c1.push(pick[0])
      c2.push(pick[1])
    }
    return new Chromosomes(c1, c2)
  }
}

const randomAlleles = (): Array<Allele> =>
  Object.entries(peaTraits).map(([trait, [dominantValue, recessiveValue, suffix]]) => ({
    trait,
    dominantValue,
    recessiveValue,
    suffix,
    dominant: current().random() < 0.5
  }))

/** GeneticTraitPeas.mkRandomChromosomePair, drawn from the world's stream. */
const randomPeaChromosomes = (): Chromosomes => new Chromosomes(randomAlleles(), randomAlleles())

/*
 * Plants
 */
const SEED = "seed"
const SEEDLING = "seedling"
const ADULT = "adult"
const REPRODUCING = "reproducing"
const DEAD = "dead"

/** The thing named `name` in the plant's container, if any. */
const containerHas = (obj: Obj, name: string): Obj | undefined => obj.container?.children.find((c) => c.name === name)

class SeedStage extends LifeStage {
  override tick(cycle: LifeCycle, plant: Obj): void {
    this.duration += 1
    const water = containerHas(plant, "water")
    if (water === undefined) return
    if (containerHas(plant, "soil") === undefined) return
    this.ticksMeetingCriteria += 1
    if (this.ticksMeetingCriteria >= 10) {
      water.delete()
      cycle.changeStage(SEEDLING, plant)
    }
  }
}

/** Seedling, adult and reproducing plants: stressed without water, soil or a temperature in 0-50 C. */
class GrowingStage extends LifeStage {
  durationWithoutWater = 0
  durationWithoutSoil = 0
  durationOutOfTemperature = 0
  constructor(
    stageName: string,
    readonly length: number,
    readonly maxWithoutWater: number,
    readonly onDone: (stage: GrowingStage, cycle: LifeCycle, plant: Obj, water: Obj | undefined) => void
  ) {
    super(stageName)
  }
  override tick(cycle: LifeCycle, plant: Obj): void {
    let stressed = false
    let sickly = false
    this.duration += 1
    const seedling = this.stageName === SEEDLING
    const water = containerHas(plant, "water")
    if (water !== undefined) {
      this.durationWithoutWater = 0
      if (!seedling) water.delete()
    } else {
      this.durationWithoutWater += 1
      if (seedling) stressed = true
      if (this.durationWithoutWater >= Math.trunc(this.maxWithoutWater / 2)) {
        stressed = true
        sickly = true
      }
      if (this.durationWithoutWater >= this.maxWithoutWater) cycle.changeStage(DEAD, plant)
    }
    if (containerHas(plant, "soil") !== undefined) this.durationWithoutSoil = 0
    else {
      stressed = true
      this.durationWithoutSoil += 1
      if (this.durationWithoutSoil >= 2) sickly = true
      if (this.durationWithoutSoil >= 5) cycle.changeStage(DEAD, plant)
    }
    const t = plant.material!.temperatureC
    const life = plant.life!
    if (t >= life.maxTemp || t <= life.minTemp) {
      this.durationOutOfTemperature += 1
      sickly = true
      if (this.durationOutOfTemperature >= 5) cycle.changeStage(DEAD, plant)
    } else this.durationOutOfTemperature = 0
    if (life.isSickly !== sickly) plant.renamed()
    life.isSickly = sickly
    if (stressed) return
    this.ticksMeetingCriteria += 1
    if (this.ticksMeetingCriteria >= this.length) this.onDone(this, cycle, plant, water)
  }
}

class PlantDeath extends LifeStage {
  override tick(_cycle: LifeCycle, plant: Obj): void {
    plant.life!.isDead = true
    const parent = plant.container
    if (parent !== undefined) {
      for (const c of plant.contentsAndPortals()) {
        if (c instanceof Flower) {
          c.moveAllContainedObjects(parent)
          c.delete()
        } else parent.addObject(c)
      }
    }
    this.duration += 1
  }
}

const plantCycle = (): LifeCycle =>
  new LifeCycle([
    new SeedStage(SEED),
    new GrowingStage(SEEDLING, 10, 20, (_stage, cycle, plant, water) => {
      water!.delete()
      cycle.changeStage(ADULT, plant)
    }),
    new GrowingStage(ADULT, 5, 50, (_stage, cycle, plant) => cycle.changeStage(REPRODUCING, plant)),
    new GrowingStage(REPRODUCING, 5, 50, (stage, _cycle, plant) => {
      if (!plant.children.some((c) => c instanceof Flower)) plant.addObject(new Flower(plant as Plant))
      stage.ticksMeetingCriteria = 0
    }),
    new PlantDeath(DEAD)
  ])

export class Plant extends LivingThing {
  chromosomes: Chromosomes | undefined = undefined
  constructor(lifeformType = "plant") {
    super()
    this.name = "plant"
    this.objType = "plant"
    this.life = lifeProps(lifeformType)
    this.material = material("PlantMatterProp")
    this.containerProps = openContainer()
    this.lifecycle = plantCycle()
  }
  isSeed(): boolean {
    return this.lifecycle!.stageName() === SEED
  }
  plantType(): string {
    return this.life!.lifeformType
  }
  /** "<type> seed" or "<type> plant" (trees: "<type> tree"). */
  plantName(): string {
    return this.descriptName(`${this.life!.lifeformType} ${this.isSeed() ? "seed" : "plant"}`)
  }
  override tick(): boolean {
    this.lifecycle!.tick(this)
    return super.tick()
  }
  override referents(): Array<string> {
    const stage = this.lifecycle!.stageName()
    const out = [
      "living thing",
      "organism",
      this.name,
      `${this.name} in the ${stage} stage`,
      `${stage} plant`,
      this.descriptName(),
      `${this.descriptName()} in the ${stage} stage`
    ]
    return this.withSickly(out)
  }
  protected withSickly(out: Array<string>): Array<string> {
    return this.life!.isSickly ? [...out, ...out.map((r) => `sick ${r}`)] : out
  }
  /** The seed description (peas add their traits). */
  protected seedDescription(plantName: string): string {
    return `a ${plantName}`
  }
  override description(): string {
    const plantName = this.plantName()
    if (this.life!.isDead) return `a dead ${plantName}`
    if (this.isSeed()) return this.seedDescription(plantName)
    let s = `a ${plantName} in the ${this.lifecycle!.stageName()} stage${this.geneticTraits()}`
    if (this.life!.isSickly) s += " (that looks unwell)"
    const things = this.contents(false)
    if (things.length > 0) s += `. On the ${plantName} you see: ${listDescription(things, this, MODE_CURSORY, false)}. `
    return s
  }
}

export class Tree extends Plant {}

/** Fruit trees: named "<type> tree" once they tick, edible only as seeds. */
export class FruitingTree extends Tree {
  constructor(lifeformType: string) {
    super(lifeformType)
    this.edibility = edible()
  }
  override plantName(): string {
    return this.descriptName(`${this.life!.lifeformType} ${this.isSeed() ? "seed" : "tree"}`)
  }
  override tick(): boolean {
    this.name = this.plantName()
    this.edibility!.isEdible = this.isSeed()
    return super.tick()
  }
  override referents(): Array<string> {
    const stage = this.lifecycle!.stageName()
    const plantName = this.plantName()
    const out = [
      "living thing",
      "organism",
      this.name,
      `${this.name} in the ${stage} stage`,
      `${stage} plant`,
      plantName,
      `${plantName} in the ${stage} stage`,
      `${stage} ${plantName}`,
      this.descriptName(),
      `${this.descriptName()} in the ${stage} stage`
    ]
    return this.withSickly(out)
  }
}

/** Tree classes by lifeform type. */
export const trees: Readonly<Record<string, string>> = {
  AppleTree: "apple",
  ApricotTree: "apricot",
  AvocadoTree: "avocado",
  BananaTree: "banana",
  CherryTree: "cherry",
  GrapefruitTree: "grapefruit",
  LemonTree: "lemon",
  OrangeTree: "orange",
  PeachTree: "peach",
  PearTree: "pear"
}

/** A pea plant: Mendelian traits in its description and referents. */
export class PeaPlant extends Tree {
  constructor(chromosomes: Chromosomes | undefined) {
    super("pea")
    this.name = "pea"
    this.edibility = edible()
    this.chromosomes = chromosomes ?? randomPeaChromosomes()
  }
  override plantName(): string {
    return this.descriptName(`pea ${this.isSeed() ? "seed" : "plant"}`)
  }
  override tick(): boolean {
    this.name = this.plantName()
    this.edibility!.isEdible = this.isSeed()
    return super.tick()
  }
  override geneticTraits(): string {
    const c = this.chromosomes
    if (c === undefined) return ""
    const stage = this.lifecycle!.stageName()
    let s = ""
    if (stage === SEED) s += `${c.phenotype("seed shape")} ${c.phenotype("seed color")} `
    if (stage === ADULT || stage === REPRODUCING) s += ` with a ${c.phenotypeText("plant height")}`
    return s
  }
  protected override seedDescription(plantName: string): string {
    return `a ${this.geneticTraits()} ${plantName}`
  }
  override referents(): Array<string> {
    const stage = this.lifecycle!.stageName()
    const plantName = this.plantName()
    const out = new Set([
      "living thing",
      "organism",
      this.name,
      this.life!.lifeformType,
      `${this.name} in the ${stage} stage`,
      `${stage} plant`,
      plantName,
      `${plantName} in the ${stage} stage`,
      `${stage} ${plantName}`,
      this.descriptName(),
      `${this.descriptName()} in the ${stage} stage`
    ])
    let prefix = this.geneticTraits()
    if (prefix.startsWith(" with a ")) prefix = prefix.substring(7).trim()
    if (prefix.length > 0) for (const r of [...out]) out.add(r.split(plantName).join(`${prefix.trim()} ${plantName}`))
    return this.withSickly([...out])
  }
}

/*
 * Flowers, pollen, fruit
 */
export class Pollen extends Obj {
  constructor(readonly parentPlant: Plant) {
    super()
    this.name = "pollen"
    this.containerProps = notContainer()
    this.material = material("PollenMatterProp")
  }
  plantType(): string {
    return this.parentPlant.plantType()
  }
  override referents(): Array<string> {
    return ["pollen", this.name, `${this.plantType()} pollen`, this.descriptName()]
  }
  override description(mode = 0): string {
    return mode === MODE_DETAILED ? this.plantType() + this.descriptName() : this.descriptName()
  }
}

const fruits: Readonly<Record<string, () => Obj>> = {
  apple: makeApple,
  avocado: makeAvocado,
  banana: makeBanana,
  cherry: makeCherry,
  lemon: makeLemon,
  orange: makeOrange,
  peach: makePeach,
  apricot: makeApricot,
  grapefruit: makeGrapefruit,
  pear: makePear
}

/** PlantReproduction.createFruit: a tree's fruit, or a pea seed with the mated genes. */
const createFruit = (type: string, parent1: Chromosomes | undefined, parent2: Chromosomes | undefined): Obj | undefined => {
  const mated = parent1 !== undefined && parent2 !== undefined ? parent1.mate(parent2) : undefined
  if (type === "pea") return new PeaPlant(mated)
  return fruits[type]?.()
}

export class Flower extends Obj {
  pollinationStep = 0
  readonly stepsUntilFruit = 5
  parent2: Chromosomes | undefined = undefined
  constructor(readonly parentPlant: Plant) {
    super()
    this.name = "flower"
    this.containerProps = openContainer()
    this.material = material("FlowerMatterProp")
  }
  private pollinate(pollen: Pollen): boolean {
    if (pollen.parentPlant === this.parentPlant) return false
    if (pollen.plantType() !== this.parentPlant.plantType()) return false
    pollen.delete()
    if (this.pollinationStep !== 1) this.renamed()
    this.pollinationStep = 1
    this.parent2 = pollen.parentPlant.chromosomes ?? new Chromosomes([], [])
    return true
  }
  private addPollen(): void {
    if (this.children.some((c) => c instanceof Pollen && c.parentPlant === this.parentPlant)) return
    this.addObject(new Pollen(this.parentPlant))
  }
  geneticTraits(): string {
    const c = this.parentPlant.chromosomes
    if (c === undefined) return ""
    return [c.phenotype("flower size"), c.phenotype("flower color")].filter((v) => v !== undefined && v.length > 0).join(" ")
  }
  override tick(): boolean {
    if (this.pollinationStep > 0) {
      this.pollinationStep += 1
      this.renamed()
      if (this.pollinationStep > this.stepsUntilFruit && this.container !== undefined) {
        const fruit = createFruit(this.parentPlant.plantType(), this.parentPlant.chromosomes, this.parent2)
        if (fruit !== undefined) this.container.addObject(fruit)
        this.delete(true)
      }
    } else {
      this.addPollen()
      pollination: for (const c of this.children.slice()) {
        if (c instanceof Pollen) {
          if (this.pollinate(c)) break
        } else {
          for (const cc of c.children.slice()) if (cc instanceof Pollen && this.pollinate(cc)) break pollination
        }
      }
    }
    return super.tick()
  }
  override referents(): Array<string> {
    if (this.pollinationStep > 0) return ["flower", this.name, "wilting flower", `wilting ${this.name}`, this.descriptName(), `wilting ${this.descriptName()}`]
    return ["flower", this.name, this.descriptName()]
  }
  override description(mode = 0): string {
    let s = this.pollinationStep > 0 ? `a wilting ${this.geneticTraits()} ${this.descriptName()}` : `a ${this.geneticTraits()} ${this.descriptName()}`
    if (mode === MODE_DETAILED) s += `. Inside the flower is: ${listDescription(this.contents(false), this, MODE_CURSORY, false)}`
    return s.replace(/\s+/g, " ").trim()
  }
}
