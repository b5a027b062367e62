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

export const material = (className: string): Material => {
  const m = materials()[className]
  if (m === undefined) throw new ScienceDataError({ file: "materials.json", message: `no material class ${className}` })
  const names = className.endsWith("PaintProp") ? paintNames(m.color) : { substanceName: m.substanceName, nameInStateOfMatter: m.nameInStateOfMatter }
  return {
    className,
    ...names,
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
