import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { mix } from "./Chemistry.js"
import { dataDir } from "./Data.js"
import { ScienceWorld } from "./Engine.js"
import { buildEntry } from "./world/Catalog.js"
import { Water } from "./world/Things.js"
import type { Obj } from "./world/Obj.js"

/**
 * The mix action's chemistry against ../shared/data/science/chemistry.json (transcribed
 * from processes/Chemistry.scala): every named recipe, in a container holding exactly its
 * ingredients, gives the recipe's message (the original's, wrong ones included) and its
 * product; any 2 to 4 other paints make brown paint; the rest produce nothing new.
 */
interface RecipeJson {
  readonly size: number
  readonly productClass: string
  readonly message: string
  readonly inputs: ReadonlyArray<string> | string
  readonly productName: string
}
const chemistry = JSON.parse(readFileSync(join(dataDir(), "chemistry.json"), "utf8")) as { recipes: ReadonlyArray<RecipeJson> }

/** Catalogue class of each ingredient name (the first class so named; water is made as the sinks make it). */
const classOf = (() => {
  const out = new Map<string, string>()
  for (const line of readFileSync(join(dataDir(), "object_catalog.jsonl"), "utf8").split("\n")) {
    if (line.trim().length === 0) continue
    const o = JSON.parse(line) as { class: string; name?: string }
    if (o.name !== undefined && !out.has(o.name)) out.set(o.name, o.class)
  }
  return out
})()

/** A glass cup in the kitchen of a fresh world holding these things (liquids as the tasks place them). */
const cupWith = (names: ReadonlyArray<string>): Obj => {
  const env = new ScienceWorld("chemistry-mix", 0, { simplifications: "easy" })
  env.reset()
  const kitchen = env.internals!.universe.children.find((c) => c.name === "kitchen")!
  const cup = buildEntry("kitchen :: glass cup<GlassCup>").obj
  kitchen.addObject(cup)
  for (const name of names) {
    if (name === "water") {
      cup.addObject(new Water())
      continue
    }
    const cls = classOf.get(name)
    if (cls === undefined) throw new Error(`no catalogue class named ${name}`)
    const liquid = name.endsWith(" paint")
    cup.addObject(buildEntry(`kitchen :: ${name}<${cls}${liquid ? " som=liquid" : ""}>`).obj)
  }
  return cup
}

describe("chemistry (mix)", () => {
  const named = chemistry.recipes.filter((r): r is RecipeJson & { inputs: ReadonlyArray<string> } => Array.isArray(r.inputs))

  it("chemistry.json has the original's 29 named recipes and the brown-paint catch-all for 2, 3 and 4 paints", () => {
    expect(named.length).toBe(29)
    expect(chemistry.recipes.filter((r) => r.productClass === "BrownPaint").map((r) => r.size)).toEqual([2, 3, 4])
  })

  for (const r of named) {
    it(`${r.inputs.join(" + ")} -> ${r.productName}`, () => {
      for (const order of [r.inputs, [...r.inputs].reverse()]) {
        const cup = cupWith(order)
        expect(mix(cup)).toEqual([true, r.message])
        expect(cup.contents(false).map((o) => o.name)).toEqual([r.productName])
      }
    })
  }

  it("any 2, 3 or 4 paints no named recipe takes make brown paint", () => {
    for (const paints of [["red paint", "green paint"], ["red paint", "blue paint", "yellow paint"], ["red paint", "blue paint", "yellow paint", "violet paint"]]) {
      const cup = cupWith(paints)
      expect(mix(cup)).toEqual([true, "The paints mix to produce brown paint."])
      expect(cup.contents(false).map((o) => o.name)).toEqual(["brown paint"])
    }
  })

  it("otherwise nothing new: an empty container, one thing, no recipe, five things, a paint the catch-all does not list (yellow-green: it lists 'green-yellow')", () => {
    expect(mix(cupWith([]))).toEqual([false, "That container is empty, so there are no items to mix."])
    expect(mix(cupWith(["soap"]))).toEqual([false, "There is only one thing (soap)"])
    for (const things of [["soap", "sugar"], ["red paint", "blue paint", "yellow paint", "violet paint", "green paint"], ["yellow-green paint", "red paint"]]) {
      const cup = cupWith(things)
      expect(mix(cup)).toEqual([false, "Mixing the contents of the glass cup does not appear to produce anything new."])
      expect(cup.contents(false).length).toBe(things.length)
    }
  })

  it("water must be liquid: frozen water and sodium chloride make nothing", () => {
    const cup = cupWith(["sodium chloride", "water"])
    const water = cup.contents(false).find((o) => o instanceof Water)!
    water.material!.stateOfMatter = "solid"
    expect(mix(cup)[0]).toBe(false)
  })
})
