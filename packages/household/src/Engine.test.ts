import { describe, expect, it } from "vitest"
import * as Scene from "./Scene.js"
import { kitchen, roomOf, sessionOf, thing } from "./testing.js"
import * as Text from "./Text.js"

const play = (s: ReturnType<typeof sessionOf>, commands: ReadonlyArray<string>) => commands.map((c) => s.step(c))

describe("Text", () => {
  it("renders lists like TextWorld", () => {
    expect(Text.list([])).toBe("nothing")
    expect(Text.list(["apple 1"])).toBe("a apple 1")
    expect(Text.list(["apple 1", "egg 2"])).toBe("a apple 1, and a egg 2")
    expect(Text.list(["apple 1", "egg 2", "mug 1"])).toBe("a apple 1, a egg 2, and a mug 1")
  })

  it("examines objects with every reachable state combination, in the grammar's order", () => {
    const cases: Array<[[boolean, boolean, boolean, boolean], string]> = [
      [[true, false, true, true], "This is a hot and clean sliced apple 1."],
      [[false, true, true, true], "This is a cool and clean sliced apple 1."],
      [[false, false, true, true], "This is a clean sliced apple 1."],
      [[true, false, false, true], "This is a hot sliced apple 1."],
      [[false, true, false, true], "This is a cool sliced apple 1."],
      [[true, false, true, false], "This is a hot and clean apple 1."],
      [[false, true, true, false], "This is a cool and clean apple 1."],
      [[true, false, false, false], "This is a hot apple 1."],
      [[false, false, true, false], "This is a clean apple 1."],
      [[false, true, false, false], "This is a cold apple 1."],
      [[false, false, false, true], "This is a sliced apple 1."],
      [[false, false, false, false], "There's nothing special about apple 1."]
    ]
    for (const [[hot, cool, clean, sliced], text] of cases) expect(Text.examineObject("apple 1", hot, cool, clean, sliced)).toBe(text)
    expect(Text.examineReceptacleObject("mug 1", [])).toBe("This is a normal mug 1. In it, you see nothing.")
  })

  it("prints help without the grammar's leading newline, as ALFWorld does", () => {
    const s = sessionOf(kitchen)
    const help = s.step("help").observation
    expect(help.startsWith("Available commands:\n  look:                             look around your current location\n")).toBe(true)
    expect(help.endsWith("  slice (object) with (object):     slice an object using a sharp object\n")).toBe(true)
  })

  it("lists the receptacles a look faces without article, ', and' before the last even of two", () => {
    expect(Text.lookAt(["desk 1"], [])).toBe("You are facing the desk 1. Next to it, you see nothing.")
    expect(Text.lookAt(["cabinet 2", "cabinet 1"], ["box 1"])).toBe("You are facing the cabinet 2, and cabinet 1. Next to it, you see a box 1.")
    expect(Text.lookAt(["drawer 5", "drawer 4", "drawer 3"], [])).toBe("You are facing the drawer 5, drawer 4, and drawer 3. Next to it, you see nothing.")
  })
})

describe("HouseholdSession", () => {
  it("starts in the middle of the room with ALFWorld's intro", () => {
    const s = sessionOf(kitchen)
    expect(s.initialObservation).toBe(
      "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see a cabinet 2, a cabinet 1, a countertop 1, a diningtable 1, a fridge 1, a microwave 1, and a sinkbasin 1.\n\nYour task is to: put a hot apple in diningtable."
    )
    expect(s.task).toBe("put a hot apple in diningtable.")
    expect(s.admissibleCommands()).toEqual([
      "go to cabinet 1",
      "go to cabinet 2",
      "go to countertop 1",
      "go to diningtable 1",
      "go to fridge 1",
      "go to microwave 1",
      "go to sinkbasin 1",
      "help",
      "inventory",
      "look"
    ])
  })

  it("plays every command with the original feedback strings", () => {
    const s = sessionOf(kitchen)
    const obs = play(s, [
      "look",
      "inventory",
      "go to cabinet 1",
      "take mug 1 from cabinet 1",
      "open cabinet 1",
      "take mug 1 from cabinet 1",
      "inventory",
      "examine mug 1",
      "look",
      "close cabinet 1",
      "examine cabinet 1",
      "go to sinkbasin 1",
      "clean mug 1 with sinkbasin 1",
      "examine mug 1",
      "move mug 1 to sinkbasin 1",
      "go to countertop 1",
      "take apple 1 from countertop 1",
      "go to fridge 1",
      "cool apple 1 with fridge 1",
      "examine apple 1",
      "go to microwave 1",
      "heat apple 1 with microwave 1",
      "examine apple 1",
      "go to diningtable 1",
      "move apple 1 to diningtable 1"
    ]).map((t) => t.observation)
    expect(obs).toEqual([
      "You are in the middle of a room. Looking quickly around you, you see nothing.",
      "You are not carrying anything.",
      "You arrive at cabinet 1. The cabinet 1 is closed.",
      "Nothing happens.",
      "You open the cabinet 1. The cabinet 1 is open. In it, you see a mug 1.",
      "You pick up the mug 1 from the cabinet 1.",
      "You are carrying: a mug 1.",
      "This is a normal mug 1. In it, you see nothing.",
      "You are facing the cabinet 1. Next to it, you see nothing.",
      "You close the cabinet 1.",
      "The cabinet 1 is closed.",
      "You arrive at sinkbasin 1. On the sinkbasin 1, you see nothing.",
      "You clean the mug 1 using the sinkbasin 1.",
      "This is a normal mug 1. In it, you see nothing.",
      "You move the mug 1 to the sinkbasin 1.",
      "You arrive at countertop 1. On the countertop 1, you see a apple 1, and a knife 1.",
      "You pick up the apple 1 from the countertop 1.",
      "You arrive at fridge 1. The fridge 1 is closed.",
      "You cool the apple 1 using the fridge 1.",
      "This is a cold apple 1.",
      "You arrive at microwave 1. The microwave 1 is closed.",
      "You heat the apple 1 using the microwave 1.",
      "This is a hot apple 1.",
      "You arrive at diningtable 1. On the diningtable 1, you see nothing.",
      "You move the apple 1 to the diningtable 1."
    ])
    expect(s.isWon).toBe(true)
    expect(s.stepCount).toBe(25)
  })

  it("offers exactly the admissible commands at a receptacle, sorted as plain strings", () => {
    const s = sessionOf(kitchen)
    play(s, ["go to countertop 1"])
    expect(s.admissibleCommands()).toEqual([
      "examine countertop 1",
      "go to cabinet 1",
      "go to cabinet 2",
      "go to diningtable 1",
      "go to fridge 1",
      "go to microwave 1",
      "go to sinkbasin 1",
      "help",
      "inventory",
      "look",
      "take apple 1 from countertop 1",
      "take knife 1 from countertop 1"
    ])
    play(s, ["take knife 1 from countertop 1"])
    expect(s.admissibleCommands()).toEqual([
      "examine countertop 1",
      "examine knife 1",
      "go to cabinet 1",
      "go to cabinet 2",
      "go to diningtable 1",
      "go to fridge 1",
      "go to microwave 1",
      "go to sinkbasin 1",
      "help",
      "inventory",
      "look",
      "move knife 1 to countertop 1",
      "slice apple 1 with knife 1"
    ])
  })

  it("answers anything not exactly admissible with Nothing happens, counting the step", () => {
    const s = sessionOf(kitchen, 50)
    play(s, ["go to countertop 1", "take knife 1 from countertop 1", "go to fridge 1", "open fridge 1"])
    const before = JSON.stringify(Scene.saveSession(s))
    for (const c of [
      "go to fridge 1", // already here
      "move knife 1 to fridge 1", // a fridge cannot contain a knife
      "cool knife 1 with fridge 1", // a knife is not coolable
      "take apple 2 from fridge 1", // hands full
      "Open fridge 1",
      "go to  cabinet 1",
      "examine apple 2",
      "use fridge 1",
      ""
    ]) {
      const t = s.step(c)
      expect([c, t.observation, t.valid, t.reward]).toEqual([c, "Nothing happens.", false, 0])
    }
    expect(JSON.stringify(Scene.saveSession(s))).toBe(before)
    expect(s.stepCount).toBe(13)
    expect(s.step("  inventory \n").observation).toBe("You are carrying: a knife 1.")
  })

  it("heating un-cools and cooling un-heats, as in the PDDL effects", () => {
    const s = sessionOf(kitchen)
    play(s, ["go to countertop 1", "take apple 1 from countertop 1", "go to microwave 1", "heat apple 1 with microwave 1"])
    play(s, ["go to fridge 1", "cool apple 1 with fridge 1", "go to diningtable 1", "move apple 1 to diningtable 1"])
    expect(s.isWon).toBe(false)
    const apple = s.game.objects.findIndex((o) => o.name === "apple 1")
    expect([s.state.cool[apple], s.state.hot[apple]]).toEqual([1, 0])
  })

  it("is done after maxSteps, invalid commands included, and then does nothing", () => {
    const s = sessionOf(kitchen, 3)
    expect(s.step("go to countertop 1").done).toBe(false)
    expect(s.step("xyzzy").done).toBe(false)
    const t = s.step("look")
    expect([t.done, t.won, t.step, t.reward]).toEqual([true, false, 3, 0])
    expect(s.step("go to cabinet 1")).toMatchObject({ observation: "Nothing happens.", done: true, valid: false, step: 3 })
    expect(s.expertCommand()).toBeUndefined()
  })

  it("rewards 1 exactly on the winning step, which adds no text", () => {
    const s = sessionOf(kitchen)
    const ts = play(s, [
      "go to countertop 1",
      "take apple 1 from countertop 1",
      "go to microwave 1",
      "heat apple 1 with microwave 1",
      "go to diningtable 1",
      "move apple 1 to diningtable 1"
    ])
    expect(ts.map((t) => t.reward)).toEqual([0, 0, 0, 0, 0, 1])
    expect(ts.at(-1)).toMatchObject({ observation: "You move the apple 1 to the diningtable 1.", done: true, won: true })
  })
})

describe("goal checks", () => {
  const withGoal = (goal: Scene.SceneJson["goal"], patch: Partial<Scene.SceneJson> = {}) =>
    sessionOf({ ...kitchen, ...patch, goal })

  it("pick two needs two distinct objects in the same receptacle", () => {
    const s = withGoal(
      { type: "pick_two_obj_and_place", object: "Apple", receptacle: "DiningTable", lamp: null, template: 1 },
      { receptacles: [...kitchen.receptacles, { name: "diningtable 2", class: "DiningTable", open: false }] }
    )
    expect(s.task).toBe("find two apple and put them in diningtable.")
    play(s, ["go to countertop 1", "take apple 1 from countertop 1", "go to diningtable 2"])
    expect(s.step("move apple 1 to diningtable 2").won).toBe(false)
    play(s, ["go to fridge 1", "open fridge 1", "take apple 2 from fridge 1", "go to diningtable 1"])
    expect(s.step("move apple 2 to diningtable 1").won).toBe(false)
    play(s, ["take apple 2 from diningtable 1", "go to diningtable 2"])
    expect(s.step("move apple 2 to diningtable 2")).toMatchObject({ won: true, reward: 1 })
  })

  it("clean needs the object cleaned", () => {
    const s = withGoal({ type: "pick_clean_then_place_in_recep", object: "Knife", receptacle: "DiningTable", lamp: null, template: 0 })
    expect(s.task).toBe("put a clean knife in diningtable.")
    play(s, ["go to countertop 1", "take knife 1 from countertop 1", "go to diningtable 1"])
    expect(s.step("move knife 1 to diningtable 1").won).toBe(false)
    play(s, ["take knife 1 from diningtable 1", "go to sinkbasin 1", "clean knife 1 with sinkbasin 1", "go to diningtable 1"])
    expect(s.step("move knife 1 to diningtable 1").won).toBe(true)
  })

  it("look needs the object held at a toggled lamp's location; toggling is sticky", () => {
    const bedroom: Scene.SceneJson = {
      ...kitchen,
      floorPlan: 301,
      roomType: "Bedroom",
      receptacles: [
        { name: "desk 1", class: "Desk", open: false },
        { name: "drawer 1", class: "Drawer", open: false }
      ],
      objects: [
        { name: "book 1", class: "Book", location: "drawer 1", hot: false, cool: false, clean: false, toggled: false },
        { name: "desklamp 1", class: "DeskLamp", location: "desk 1", hot: false, cool: false, clean: false, toggled: false }
      ],
      goal: { type: "look_at_obj_in_light", object: "Book", receptacle: null, lamp: "DeskLamp", template: 0 }
    }
    const s = sessionOf(bedroom)
    expect(s.task).toBe("look at book under the desklamp.")
    const [arrive, use] = play(s, ["go to desk 1", "use desklamp 1"])
    expect(arrive.observation).toBe("You arrive at desk 1. On the desk 1, you see a desklamp 1.")
    expect(use).toMatchObject({ observation: "You turn on the desklamp 1.", won: false })
    expect(s.admissibleCommands()).not.toContain("take desklamp 1 from desk 1")
    play(s, ["go to drawer 1", "open drawer 1", "take book 1 from drawer 1"])
    expect(s.step("go to desk 1")).toMatchObject({ won: true, reward: 1 })
  })
})

describe("ALFWorld's rooms (version 2)", () => {
  const scene = (floorPlan: number, objects: Scene.SceneJson["objects"], goal: Scene.SceneJson["goal"], agent: string | null = null) =>
    ({
      ...kitchen,
      floorPlan,
      roomType: floorPlan < 200 ? "Kitchen" : floorPlan < 300 ? "LivingRoom" : floorPlan < 400 ? "Bedroom" : "Bathroom",
      receptacles: roomOf(floorPlan),
      objects,
      agent: { location: agent },
      goal
    }) as Scene.SceneJson
  const place = (object: string, receptacle: string) =>
    ({ type: "pick_and_place_simple", object, receptacle, lamp: null, template: 0 }) as const

  it("at a shared spot offers every receptacle there and no go to them (floor plan 426, the spec's example)", () => {
    const s = sessionOf(scene(426, [thing("soapbottle 1", "SoapBottle", "countertop 1")], place("SoapBottle", "Toilet"), "drawer 2"))
    const others = s.game.receptacles.map((r) => r.name).filter((n) => n !== "drawer 2" && n !== "drawer 6")
    expect(others.length).toBe(15)
    expect(s.admissibleCommands()).toEqual(
      ["examine drawer 2", "examine drawer 6", ...others.map((n) => `go to ${n}`), "help", "inventory", "look", "open drawer 2", "open drawer 6"].sort()
    )
    const before = JSON.stringify(Scene.saveSession(s))
    for (const c of ["go to drawer 6", "go to drawer 2"]) expect(s.step(c)).toMatchObject({ observation: "Nothing happens.", valid: false })
    expect(JSON.stringify(Scene.saveSession(s))).toBe(before)
    expect(s.stepCount).toBe(2)
    expect(play(s, ["open drawer 6", "look"]).map((t) => t.observation)).toEqual([
      "You open the drawer 6. The drawer 6 is open. In it, you see nothing.",
      "You are facing the drawer 6, and drawer 2. Next to it, you see nothing."
    ])
  })

  it("go to a receptacle of a shared spot prints that receptacle only; look lists what was taken out of one and moved into another (floor plan 219)", () => {
    const s = sessionOf(
      scene(219, [thing("box 1", "Box", "cabinet 1"), thing("vase 1", "Vase", "dresser 1")], place("Vase", "Safe"), "cabinet 1")
    )
    const obs = play(s, [
      "open cabinet 1",
      "look",
      "take box 1 from cabinet 1",
      "go to safe 1",
      "go to cabinet 2",
      "open cabinet 2",
      "move box 1 to cabinet 2",
      "look",
      "examine cabinet 1"
    ]).map((t) => t.observation)
    expect(obs).toEqual([
      "You open the cabinet 1. The cabinet 1 is open. In it, you see a box 1.",
      "You are facing the cabinet 2, and cabinet 1. Next to it, you see nothing.",
      "You pick up the box 1 from the cabinet 1.",
      "You arrive at safe 1. The safe 1 is closed.",
      "You arrive at cabinet 2. The cabinet 2 is closed.",
      "You open the cabinet 2. The cabinet 2 is open. In it, you see nothing.",
      "You move the box 1 to the cabinet 2.",
      "You are facing the cabinet 2, and cabinet 1. Next to it, you see a box 1.",
      "The cabinet 1 is open. In it, you see nothing."
    ])
    // Moved in from elsewhere, never taken out of a receptacle here: not listed.
    play(s, ["go to dresser 1", "take vase 1 from dresser 1", "go to cabinet 1", "move vase 1 to cabinet 1"])
    expect(s.step("look").observation).toBe("You are facing the cabinet 2, and cabinet 1. Next to it, you see a box 1.")
    // Back into cabinet 1, now out of cabinet 2: listed for cabinet 2.
    play(s, ["take box 1 from cabinet 2", "move box 1 to cabinet 1"])
    expect(s.step("look").observation).toBe("You are facing the cabinet 2, and cabinet 1. Next to it, you see a box 1.")
    play(s, ["take box 1 from cabinet 1", "go to dresser 1", "move box 1 to dresser 1"])
    expect(s.step("look").observation).toBe("You are facing the dresser 1. Next to it, you see nothing.")
  })

  it("a doorless instance of an openable class has no open or close (floor plan 18, cabinet 4)", () => {
    const s = sessionOf(scene(18, [thing("plate 1", "Plate", "cabinet 4")], place("Plate", "DiningTable")))
    expect(s.step("go to cabinet 4").observation).toBe("You arrive at cabinet 4. On the cabinet 4, you see a plate 1.")
    expect(s.admissibleCommands()).toContain("take plate 1 from cabinet 4")
    expect(s.admissibleCommands().filter((c) => /^(open|close) /.test(c))).toEqual([])
    expect(s.step("open cabinet 4")).toMatchObject({ observation: "Nothing happens.", valid: false })
  })

  it("props are listed but never taken or examined; lamps are used; teddy bears are taken but never put down", () => {
    const s = sessionOf(
      scene(
        301,
        [
          thing("book 1", "Book", "desk 1"),
          thing("desklamp 1", "DeskLamp", "desk 1"),
          thing("houseplant 1", "HousePlant", "desk 1"),
          thing("teddybear 1", "TeddyBear", "bed 1")
        ],
        { type: "look_at_obj_in_light", object: "Book", receptacle: null, lamp: "DeskLamp", template: 0 }
      )
    )
    expect(s.step("go to desk 1").observation).toBe("You arrive at desk 1. On the desk 1, you see a book 1, a desklamp 1, and a houseplant 1.")
    const cmds = s.admissibleCommands()
    expect(cmds).toContain("take book 1 from desk 1")
    expect(cmds).toContain("use desklamp 1")
    expect(cmds.filter((c) => /houseplant|take desklamp|examine desklamp/.test(c))).toEqual([])
    play(s, ["go to bed 1", "take teddybear 1 from bed 1"])
    expect(s.admissibleCommands().filter((c) => c.startsWith("move "))).toEqual([])
    expect(s.step("examine teddybear 1").observation).toBe("There's nothing special about teddybear 1.")
    expect(s.expertCommand()).toBeUndefined()
  })

  it("an object starting in two receptacles is listed in both; taking it from one leaves it in the other", () => {
    const pot = thing("pot 1", "Pot", "stoveburner 1", { alsoIn: ["stoveburner 3"] })
    const s = sessionOf(scene(18, [pot, thing("mug 1", "Mug", "coffeemachine 1", { alsoIn: ["countertop 2"] })], place("Pot", "DiningTable")))
    expect(play(s, ["go to stoveburner 3", "examine stoveburner 1", "take pot 1 from stoveburner 1", "examine stoveburner 3", "look"]).map((t) => t.observation)).toEqual([
      "You arrive at stoveburner 3. On the stoveburner 3, you see a pot 1.",
      "On the stoveburner 1, you see a pot 1.",
      "You pick up the pot 1 from the stoveburner 1.",
      "On the stoveburner 3, you see a pot 1.",
      "You are facing the stoveburner 3, and stoveburner 1. Next to it, you see nothing."
    ])
    expect(s.step("go to countertop 2").observation).toBe("You arrive at countertop 2. On the countertop 2, you see a mug 1.")
    expect(s.step("examine coffeemachine 1").observation).toBe("On the coffeemachine 1, you see a mug 1.")
    const json = Scene.saveSession(s).objects.find((o) => o.name === "pot 1")!
    expect([json.location, json.alsoIn, json.takenFrom]).toEqual(["held", ["stoveburner 3"], ["stoveburner 1"]])
  })

  it("slices a sliceable object lying at the spot with a knife in hand, as the PDDL allows", () => {
    const s = sessionOf(
      scene(
        18,
        [thing("apple 1", "Apple", "diningtable 1"), thing("butterknife 1", "ButterKnife", "diningtable 1"), thing("egg 1", "Egg", "fridge 1")],
        place("Apple", "CounterTop")
      )
    )
    play(s, ["go to diningtable 1", "take butterknife 1 from diningtable 1"])
    expect(s.admissibleCommands().filter((c) => c.startsWith("slice"))).toEqual(["slice apple 1 with butterknife 1"])
    expect(s.step("slice apple 1 with butterknife 1").observation).toBe("You sliced the apple 1 with the butterknife 1.")
    // objectAtLocation is all the PDDL asks: an egg in a closed fridge at the spot can be sliced.
    play(s, ["go to fridge 1"])
    expect(s.admissibleCommands().filter((c) => c.startsWith("slice"))).toEqual(["slice egg 1 with butterknife 1"])
    play(s, ["go to diningtable 1", "move butterknife 1 to diningtable 1", "take apple 1 from diningtable 1"])
    expect(s.step("examine apple 1").observation).toBe("This is a sliced apple 1.")
    expect(s.admissibleCommands().filter((c) => c.startsWith("slice"))).toEqual([])
  })

  it("a held movable receptacle examines with what started inside it", () => {
    const s = sessionOf(
      scene(18, [thing("cup 1", "Cup", "diningtable 1"), thing("spoon 1", "Spoon", "diningtable 1", { insideObject: "cup 1" })], place("Cup", "CounterTop"))
    )
    play(s, ["go to diningtable 1", "take cup 1 from diningtable 1"])
    expect(s.step("examine cup 1").observation).toBe("This is a normal cup 1. In it, you see a spoon 1.")
  })
})
