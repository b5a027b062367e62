/**
 * Mixing (processes/Chemistry.scala, recipes in ../shared/data/science/chemistry.json):
 * with exactly 2, 3 or 4 visible things in a container, the first recipe whose
 * ingredients are all present replaces them with its product; any 2-4 distinct paints
 * make brown paint.
 */
import type { Obj } from "./world/Obj.js"
import { ColoredPaper, Food, makePaint, plainFoods, Sandwich, simpleSubstances, Substance, BakedFood } from "./world/Things.js"

/** The state of matter an ingredient must be in (checked by name or substance); "" = any, by name only. */
const requiredState = (ingredient: string): string =>
  ingredient === "water" ? "liquid" : ingredient === "sodium" || ingredient === "sodium chloride" ? "solid" : ingredient.endsWith(" paint") ? "liquid" : ""

/** Chemistry.getSubstance: the first child named so (in the state, if one is required), or whose substance is so in that state. */
const ingredient = (container: Obj, name: string): Obj | undefined => {
  const state = requiredState(name)
  for (const c of container.children) {
    if (c.name === name && (state === "" || c.material?.stateOfMatter === state)) return c
    if (c.material !== undefined && c.material.substanceName === name && c.material.stateOfMatter === state) return c
  }
  return undefined
}

const paintNames = [
  "red paint",
  "blue paint",
  "yellow paint",
  "violet paint",
  "green paint",
  "orange paint",
  "yellow-orange paint",
  "red-orange paint",
  "violet-red paint",
  "blue-violet paint",
  "green-blue paint",
  "green-yellow paint",
  "brown paint"
]

interface Recipe {
  readonly size: number
  readonly inputs: ReadonlyArray<string>
  readonly make: () => Obj
  readonly message: string
}

const substance = (cls: string) => () => new Substance(...simpleSubstances[cls])
const food = (cls: string) => () => new Food(...plainFoods[cls])
const paint = (cls: string) => () => makePaint(cls)
const paper = (colour: string) => () => new ColoredPaper(colour)
const sandwich = (kind: string) => () => new Sandwich(kind)

const two = (inputs: [string, string], make: () => Obj, message: string): Recipe => ({ size: 2, inputs, make, message })
const three = (inputs: [string, string, string], make: () => Obj, message: string): Recipe => ({ size: 3, inputs, make, message })

/** The named recipes, in the order the original tries them. */
const recipes: ReadonlyArray<Recipe> = [
  two(["water", "sodium chloride"], substance("SaltWater"), "Sodium chloride and water mix to produce salt water."),
  two(["water", "soap"], substance("SoapyWater"), "Soap and water mix to produce soapy water."),
  two(["water", "sugar"], substance("SugarWater"), "Sugar and water mix to produce sugar water."),
  two(["water", "flour"], () => new BakedFood("dough", "white", "FlourProp"), "Flour and water mix to produce dough."),
  two(["chocolate", "marshmallow"], food("Smores"), "Chocolate and marshmallow mix to produce smores."),
  two(["water", "iron block"], substance("Rust"), "Iron block and water mix to produce rust."),
  two(["sodium bicarbonate", "acetic acid"], substance("SodiumAcetate"), "Sodium bicarbonate and acetic acid mix to produce sodium acetate."),
  two(["bread", "peanut"], sandwich("peanut butter"), "Bread and peanuts mix to produce a peanut butter sandwich."),
  two(["bread", "jam"], sandwich("jam"), "Bread and peanuts mix to produce a jam sandwich."),
  two(["bread", "banana"], sandwich("banana"), "Bread and peanuts mix to produce a banana sandwich."),
  two(["paper", "red paint"], paper("red"), "Paper and blue paint mix to produce red paper."),
  two(["paper", "green paint"], paper("green"), "Paper and blue paint mix to produce green paper."),
  two(["paper", "blue paint"], paper("blue"), "Paper and blue paint mix to produce blue paper."),
  two(["paper", "orange paint"], paper("orange"), "Paper and blue paint mix to produce orange paper."),
  two(["paper", "yellow paint"], paper("yellow"), "Paper and blue paint mix to produce yellow paper."),
  two(["paper", "violet paint"], paper("violet"), "Paper and blue paint mix to produce violet paper."),
  two(["red paint", "blue paint"], paint("VioletPaint"), "Red and blue paint mix to produce violet paint."),
  two(["blue paint", "yellow paint"], paint("GreenPaint"), "Blue and yellow paint mix to produce green paint."),
  two(["yellow paint", "red paint"], paint("OrangePaint"), "Yellow and red paint mix to produce orange paint."),
  two(["yellow paint", "orange paint"], paint("YellowOrangePaint"), "Yellow and orange paint mix to produce yellow-orange paint."),
  two(["orange paint", "red paint"], paint("RedOrangePaint"), "Red and orange paint mix to produce red-orange paint."),
  two(["red paint", "violet paint"], paint("VioletRedPaint"), "Violet and red paint mix to produce violet-red paint."),
  two(["violet paint", "blue paint"], paint("BlueVioletPaint"), "Blue and violet paint mix to produce blue-violet paint."),
  two(["blue paint", "green paint"], paint("GreenBluePaint"), "Blue and green paint mix to produce blue green paint."),
  two(["green paint", "yellow paint"], paint("YellowGreenPaint"), "Green and yellow paint mix to produce yellow-green paint."),
  three(["peanut", "almond", "cashew"], food("MixedNuts"), "Peanuts, almonds, and cashews mix to produce mixed nuts."),
  three(["apple", "orange", "banana"], food("FruitSalad"), "Apples, oranges, and bananas mix to produce fruit salad."),
  three(["bread", "peanut", "jam"], sandwich("peanut butter with jam"), "Bread and peanuts and jam mix to produce a peanut butter with jam sandwich."),
  three(["bread", "peanut", "banana"], sandwich("peanut butter with banana"), "Bread and peanuts and jam mix to produce a peanut butter with banana sandwich.")
]

/** Chemistry.mixContainer: (success, message). */
export const mix = (container: Obj): [boolean, string] => {
  const contents = container.contents(false)
  if (contents.length === 0) return [false, "That container is empty, so there are no items to mix."]
  if (contents.length === 1) return [false, `There is only one thing (${contents[contents.length - 1].descriptName()})`]
  for (const r of recipes) {
    if (r.size !== contents.length) continue
    const found = r.inputs.map((name) => ingredient(container, name))
    if (found.some((f) => f === undefined)) continue
    for (const f of found) f!.delete()
    container.addObject(r.make())
    return [true, r.message]
  }
  if (contents.length <= 4) {
    const paints = [...new Set(paintNames.map((p) => ingredient(container, p)).filter((p) => p !== undefined))]
    if (paints.length === contents.length) {
      for (const p of paints) p.delete()
      container.addObject(makePaint("BrownPaint"))
      return [true, "The paints mix to produce brown paint."]
    }
  }
  return [false, `Mixing the contents of the ${container.descriptName()} does not appear to produce anything new.`]
}
