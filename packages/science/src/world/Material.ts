/**
 * Material properties (ScienceWorld's MaterialProperties classes, transcribed in
 * ../shared/data/science/materials.json): each object with a material gets its own
 * mutable copy, since temperature, state and combustion change per object.
 */
import { materials, ScienceDataError } from "../Data.js"

export type StateOfMatter = "solid" | "liquid" | "gas"

export interface Material {
  /** The MaterialProperties class this copy was made from, e.g. "WaterProp". */
  readonly className: string
  substanceName: string
  nameInStateOfMatter: Readonly<Record<string, string>>
  color: string
  temperatureC: number
  thermalConductivity: number
  stateOfMatter: StateOfMatter
  boilingPoint: number
  meltingPoint: number
  combustionPoint: number
  isCombusting: boolean
  hasCombusted: boolean
  combustionTicks: number
  electricallyConductive: boolean
  frictionCoefficient: number
}

/**
 * Paint classes compute their names from their colour in Scala (`this.color + "paint"`,
 * "dried red paint" ...); the data file keeps the expression, so the names are rebuilt here.
 */
const paintNames = (color: string) => ({
  substanceName: `${color}paint`,
  nameInStateOfMatter: { solid: `dried ${color} paint`, liquid: `${color} paint`, gas: `gaseous ${color} paint` }
})

/** Each class's starting properties, made once: `material` copies them. */
const templates = new Map<string, Material>()

const template = (className: string): Material => {
  const m = materials()[className]
  if (m === undefined) throw new ScienceDataError({ file: "materials.json", message: `no material class ${className}` })
  const names = className.endsWith("PaintProp") ? paintNames(m.color) : { substanceName: m.substanceName, nameInStateOfMatter: m.nameInStateOfMatter }
  return {
    className,
    substanceName: names.substanceName,
    nameInStateOfMatter: names.nameInStateOfMatter,
    color: m.color,
    temperatureC: m.temperatureC,
    thermalConductivity: m.thermalConductivity,
    stateOfMatter: m.stateOfMatter,
    boilingPoint: m.boilingPoint,
    meltingPoint: m.meltingPoint,
    combustionPoint: m.combustionPoint,
    isCombusting: m.isCombusting,
    hasCombusted: m.hasCombusted,
    combustionTicks: m.combustionTicks,
    electricallyConductive: m.electricallyConductive,
    frictionCoefficient: m.frictionCoefficient
  }
}

/**
 * A fresh copy of a class's properties. Copied field by field from a template made once
 * (objects are made every tick, e.g. a self-watering pot's water), so every material has
 * one shape; `nameInStateOfMatter` is shared, as it is never changed.
 */
export const material = (className: string): Material => {
  let t = templates.get(className)
  if (t === undefined) templates.set(className, (t = template(className)))
  return {
    className: t.className,
    substanceName: t.substanceName,
    nameInStateOfMatter: t.nameInStateOfMatter,
    color: t.color,
    temperatureC: t.temperatureC,
    thermalConductivity: t.thermalConductivity,
    stateOfMatter: t.stateOfMatter,
    boilingPoint: t.boilingPoint,
    meltingPoint: t.meltingPoint,
    combustionPoint: t.combustionPoint,
    isCombusting: t.isCombusting,
    hasCombusted: t.hasCombusted,
    combustionTicks: t.combustionTicks,
    electricallyConductive: t.electricallyConductive,
    frictionCoefficient: t.frictionCoefficient
  }
}
