import { describe, expect, it } from "vitest"
import { tasks, variation, variationFile } from "./Data.js"
import { implementedTasks, javaString, normaliseTaskName, type Params, renderDescription, splitOf, taskNames, version1Tasks, version2Tasks } from "./Tasks.js"

/**
 * The descriptions as the original's setupGoals builds them (tasks/specifictasks/*.scala),
 * written out independently of the templates, for the implemented task types.
 */
const original = (task: string, p: Params, v: number): string => {
  const s = (k: string) => String(p[k])
  switch (task) {
    case "find-living-thing":
    case "find-non-living-thing":
    case "find-plant":
    case "find-animal": {
      const kind = { "find-living-thing": "living thing", "find-non-living-thing": "non-living thing", "find-plant": "plant", "find-animal": "animal" }[task]
      return `Your task is to find a(n) ${kind}. First, focus on the thing. Then, move it to the ${s("answerBox")} in the ${s("location")}.`
    }
    case "lifespan-longest-lived":
      return `Your task is to find the animal with the longest life span.  The animals are in the '${s("location")}' location.  Focus on the animal with the longest life span.`
    case "lifespan-shortest-lived":
      return `Your task is to find the animal with the shortest life span.  The animals are in the '${s("location")}' location.  Focus on the animal with the shortest life span.`
    case "lifespan-longest-lived-then-shortest-lived":
      return `Your task is to find the animal with the longest life span, then the shortest life span. First, focus on the animal with the longest life span.  Then, focus on the animal with the shortest life span. The animals are in the '${s("location")}' location.`
    case "inclined-plane-determine-angle":
      return `Your task is to determine which of the two inclined planes (${s("descPlanes")}) has the ${s("mode")} angle. After completing your experiment, focus on the inclined plane with the ${s("mode")} angle.`
    case "inclined-plane-friction-named-surfaces":
    case "inclined-plane-friction-unnamed-surfaces":
      return `Your task is to determine which of the two inclined planes (${s("descPlanes")}) has the ${s("mode")} friction. After completing your experiment, focus on the inclined plane with the ${s("mode")} friction.`
    case "test-conductivity":
    case "test-conductivity-of-unknown-substances": {
      const x = task === "test-conductivity" ? s("substance") : s("unknownSubstance")
      return `Your task is to determine if ${x} is electrically conductive. The ${x} is located around the ${s("substanceLocation")}. First, focus on the ${x}. If it is electrically conductive, place it in the ${s("conductive")}. If it is electrically nonconductive, place it in the ${s("nonconductive")}.`
    }
    case "power-component":
      return `Your task is to turn on the ${s("componentToPower")}. First, focus on the ${s("componentToPower")}. Then, create an electrical circuit that powers it on.`
    case "power-component-renewable-vs-nonrenewable-energy":
      return `Your task is to turn on the ${s("componentToPower")} by powering it using a ${v % 2 === 0 ? "renewable" : "nonrenewable"} power source. First, focus on the ${s("componentToPower")}. Then, create an electrical circuit that powers it on.`
    case "boil":
    case "melt":
    case "freeze":
    case "change-the-state-of-matter-of": {
      const subTask = task === "change-the-state-of-matter-of" ? "change the state of matter of" : task
      const combustion = task === "boil" ? "For compounds without a boiling point, combusting the substance is also acceptable. " : ""
      return `Your task is to ${subTask} ${s("objectName")}. ${combustion}First, focus on the substance. Then, take actions that will cause it to change its state of matter. `
    }
    case "use-thermometer": {
      const x = s("objectName")
      const t = javaString(p.temperaturePoint)
      return `Your task is to measure the temperature of ${x}, which is located around the ${s("location")}. First, focus on the thermometer. Next, focus on the ${x}. If the ${x} temperature is above ${t} degrees celsius, place it in the ${s("boxAbove")}. If the ${x} temperature is below ${t} degrees celsius, place it in the ${s("boxBelow")}. The boxes are located around the ${s("locationAnswerBox")}. `
    }
    case "measure-melting-point-known-substance":
    case "measure-melting-point-unknown-substance": {
      const x = s("objectName")
      const t = javaString(p.temperaturePoint)
      return `Your task is to measure the melting point of ${x}, which is located around the ${s("location")}. First, focus on the thermometer. Next, focus on the ${x}. If the melting point of ${x} is above ${t} degrees celsius, focus on the ${s("boxAbove")}. If the melting point of ${x} is below ${t} degrees celsius, focus on the ${s("boxBelow")}. The boxes are located around the ${s("locationAnswerBox")}. `
    }
    case "chemistry-mix":
      return `Your task is to use chemistry to create the substance '${s("result")}'. A recipe and some of the ingredients might be found near the ${s("location")}. When you are done, focus on the ${s("result")}.`
    case "chemistry-mix-paint-secondary-color":
      return `Your task is to use chemistry to create ${s("secondaryColor")}. When you are done, focus on the ${s("secondaryColor")}.`
    case "chemistry-mix-paint-tertiary-color":
      return `Your task is to use chemistry to create ${s("tertiaryColor")}. When you are part-way done, focus on the intermediate (secondary color) paint you created.  When you are completely done, focus on the ${s("secondaryColor")}.`
    default:
      throw new Error(task)
  }
}

describe("tasks", () => {
  it("names are sorted and their index is EPO's task index", () => {
    const names = taskNames()
    expect(names.length).toBe(30)
    for (const t of tasks()) expect(names.indexOf(t.name)).toBe(t.indexInSortedTaskNames)
    expect(version1Tasks.length).toBe(14)
    expect(version2Tasks).toEqual([
      "boil",
      "melt",
      "freeze",
      "change-the-state-of-matter-of",
      "use-thermometer",
      "measure-melting-point-known-substance",
      "measure-melting-point-unknown-substance",
      "chemistry-mix",
      "chemistry-mix-paint-secondary-color",
      "chemistry-mix-paint-tertiary-color"
    ])
    expect(implementedTasks).toEqual([...version1Tasks, ...version2Tasks])
  })

  it("splits follow PythonInterface.getSets and agree with tasks.json", () => {
    expect(splitOf(30).dev).toEqual([14, 15, 16, 17, 18, 19, 20])
    expect(splitOf(30).test).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29])
    expect(splitOf(2)).toEqual({ train: [0], dev: [], test: [1] })
    expect(splitOf(4)).toEqual({ train: [0, 1], dev: [2], test: [3] })
    for (const t of tasks()) {
      const s = splitOf(t.numVariations)
      const range = (r: readonly [number, number]) => Array.from({ length: r[1] - r[0] + 1 }, (_, i) => r[0] + i)
      expect([s.train, s.dev, s.test]).toEqual([range(t.train), range(t.dev), range(t.test)])
    }
  })

  it("names normalise as the Python wrapper's infer_task and TaskMaker do", () => {
    expect(normaliseTaskName("4-4")).toBe("find-animal")
    expect(normaliseTaskName("Classification Find an animal")).toBe("find-animal")
    expect(normaliseTaskName("task-1-boil")).toBe("boil")
    expect(normaliseTaskName("task-10-measure-melting-point-(known-substance)")).toBe("measure-melting-point-known-substance")
    expect(normaliseTaskName("mendellian-genetics-known-plant")).toBe("mendelian-genetics-known-plant")
  })

  it("numbers print as Java doubles", () => {
    expect([javaString(100), javaString(-10), javaString(2.5), javaString(true), javaString("x"), javaString(1e7), javaString(0.0001)]).toEqual([
      "100.0",
      "-10.0",
      "2.5",
      "true",
      "x",
      "1.0E7",
      "1.0E-4"
    ])
  })

  it("every implemented task's variations' descriptions render from their templates as the original writes them", () => {
    let checked = 0
    for (const task of implementedTasks) {
      const f = variationFile(task)
      for (let v = 0; v < f.header.numVariations; v++) {
        const p = { ...f.header.kvConstant, ...variation(task, v).kv }
        expect(renderDescription(f.header.descriptionTemplate, p, v)).toBe(original(task, p, v).trim())
        checked++
      }
    }
    expect(checked).toBe(4831 + 4 * 30 + 540 + 436 + 300 + 32 + 36 + 36)
  })
})
