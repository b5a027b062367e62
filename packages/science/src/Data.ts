/**
 * The reference data the engine is built from (../shared/data/science, see its README):
 * materials, the 30 task definitions, per-variation task objects and the random parts of
 * the house per variation index. Files are read once, checked with Schema, and cached.
 * The folder is `$EPO_SCIENCE_DATA` when set, else the package's own `data/`, a verbatim
 * copy of ../shared/data/science (so a clean clone needs nothing beside it).
 */
import { Data, Result, Schema } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export class ScienceDataError extends Data.TaggedError("ScienceDataError")<{
  readonly file: string
  readonly message: string
}> {
  override toString(): string {
    return `science data error in ${this.file}: ${this.message}`
  }
}

export const dataDir = (): string =>
  process.env.EPO_SCIENCE_DATA ?? fileURLToPath(new URL("../data/", import.meta.url))

const readText = (file: string): string => {
  const path = join(dataDir(), file)
  if (!existsSync(path)) throw new ScienceDataError({ file: path, message: "missing (set EPO_SCIENCE_DATA to the data/science folder)" })
  return readFileSync(path, "utf8")
}

const decode = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, file: string, input: unknown): S["Type"] => {
  const r = Schema.decodeUnknownResult(schema)(input, { errors: "all" })
  if (Result.isFailure(r)) throw new ScienceDataError({ file, message: r.failure.message })
  return r.success
}

const parseJson = (file: string, text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ScienceDataError({ file, message: `not JSON: ${String(e)}` })
  }
}

const cached = <A>(load: () => A): (() => A) => {
  let value: A | undefined
  return () => (value ??= load())
}

/*
 * Materials (materials.json)
 */
export const MaterialJson = Schema.Struct({
  substanceName: Schema.String,
  nameInStateOfMatter: Schema.Record(Schema.String, Schema.String),
  color: Schema.String,
  temperatureC: Schema.Number,
  thermalConductivity: Schema.Number,
  stateOfMatter: Schema.Literals(["solid", "liquid", "gas"]),
  boilingPoint: Schema.Number,
  meltingPoint: Schema.Number,
  combustionPoint: Schema.Number,
  combustionTicks: Schema.Number,
  isCombusting: Schema.Boolean,
  hasCombusted: Schema.Boolean,
  electricallyConductive: Schema.Boolean,
  frictionCoefficient: Schema.Number
})
export type MaterialJson = typeof MaterialJson.Type

export const materials = cached(() =>
  decode(Schema.Record(Schema.String, MaterialJson), "materials.json", parseJson("materials.json", readText("materials.json")))
)

/*
 * Tasks (tasks.json)
 */
const Range = Schema.Tuple([Schema.Number, Schema.Number])

export const TaskJson = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  topic: Schema.String,
  title: Schema.String,
  indexInSortedTaskNames: Schema.Number,
  numVariations: Schema.Number,
  train: Range,
  dev: Range,
  test: Range,
  descriptionTemplate: Schema.String,
  constantParameters: Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean]))
})
export type TaskJson = typeof TaskJson.Type

export const tasks = cached(() => decode(Schema.Array(TaskJson), "tasks.json", parseJson("tasks.json", readText("tasks.json"))))

/*
 * Variations (variations/<task>.jsonl)
 */
export const KvValue = Schema.Union([Schema.String, Schema.Number, Schema.Boolean])

export const VariationJson = Schema.Struct({
  v: Schema.Number,
  kv: Schema.Record(Schema.String, KvValue),
  disable: Schema.optionalKey(Schema.Array(Schema.Struct({ name: Schema.String, rooms: Schema.Array(Schema.String) }))),
  objs: Schema.Array(Schema.String)
})
export type VariationJson = typeof VariationJson.Type

export const VariationHeader = Schema.Struct({
  task: Schema.String,
  numVariations: Schema.Number,
  kvConstant: Schema.Record(Schema.String, KvValue),
  descriptionTemplate: Schema.String
})
export type VariationHeader = typeof VariationHeader.Type

export interface VariationFile {
  readonly header: VariationHeader
  /** Raw lines, decoded on demand (a task has up to 1386). */
  readonly lines: ReadonlyArray<string>
}

const variationFiles = new Map<string, VariationFile>()

export const variationFile = (task: string): VariationFile => {
  const hit = variationFiles.get(task)
  if (hit !== undefined) return hit
  const file = `variations/${task}.jsonl`
  const lines = readText(file).split("\n").filter((l) => l.length > 0)
  const header = decode(VariationHeader, file, parseJson(file, lines[0]))
  const out = { header, lines: lines.slice(1) }
  if (out.lines.length !== header.numVariations)
    throw new ScienceDataError({ file, message: `${out.lines.length} variation lines, header says ${header.numVariations}` })
  variationFiles.set(task, out)
  return out
}

export const variation = (task: string, v: number): VariationJson => {
  const f = variationFile(task)
  const file = `variations/${task}.jsonl`
  const line = f.lines[v]
  if (line === undefined) throw new ScienceDataError({ file, message: `no variation ${v}` })
  const out = decode(VariationJson, file, parseJson(file, line))
  if (out.v !== v) throw new ScienceDataError({ file, message: `line ${v + 2} holds variation ${out.v}` })
  return out
}

/*
 * Houses (houses.jsonl): the random parts of the house per variation index
 */
const Books = Schema.NullOr(Schema.Array(Schema.String))

export const HouseJson = Schema.Tuple([
  Schema.Number,
  Schema.String,
  Schema.Array(Schema.String),
  Schema.Literals(["WoodTable", "SteelTable", "Desk"]),
  Books,
  Books,
  Schema.Array(Schema.String),
  Schema.Array(Schema.String),
  Schema.Literals(["GlassCup", "WoodBowl", "Jug"]),
  Schema.Literals(["greenhouse", "outside"])
])

export interface House {
  readonly seed: number
  readonly agentLocation: string
  /** kitchen, living room, bedroom, bathroom, hallway: "type|subject|artist". */
  readonly pictures: ReadonlyArray<string>
  readonly livingRoomTable: "WoodTable" | "SteelTable" | "Desk"
  readonly livingRoomBooks: ReadonlyArray<string> | null
  readonly bedroomBooks: ReadonlyArray<string> | null
  readonly bulbColours: ReadonlyArray<string>
  readonly wireColours: ReadonlyArray<string>
  readonly mixingContainer: "GlassCup" | "WoodBowl" | "Jug"
  readonly shovelLocation: "greenhouse" | "outside"
}

const houseLines = cached(() => readText("houses.jsonl").split("\n").filter((l) => l.length > 0))

export const house = (seed: number): House => {
  const line = houseLines()[seed]
  if (line === undefined) throw new ScienceDataError({ file: "houses.jsonl", message: `no house for variation index ${seed}` })
  const [s, agentLocation, pictures, livingRoomTable, livingRoomBooks, bedroomBooks, bulbColours, wireColours, mixingContainer, shovelLocation] =
    decode(HouseJson, "houses.jsonl", parseJson("houses.jsonl", line))
  if (s !== seed) throw new ScienceDataError({ file: "houses.jsonl", message: `line ${seed + 1} holds seed ${s}` })
  return { seed, agentLocation, pictures, livingRoomTable, livingRoomBooks, bedroomBooks, bulbColours, wireColours, mixingContainer, shovelLocation }
}
