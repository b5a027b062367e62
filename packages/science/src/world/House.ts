/**
 * The house (environments/BuildingMaker.scala): ten locations, their default contents and
 * the doors, built in the original's order (creation order fixes UUIDs, hence tie-breaks
 * and tick order). Its random parts come from houses.jsonl per variation index.
 */
import type { House } from "../Data.js"
import { bookByName } from "./Books.js"
import {
  FirePit,
  Fountain,
  makeBeeHive,
  makeBed,
  makeBookShelf,
  makeCeramicCup,
  makeChair,
  makeCloset,
  makeCouch,
  makeCounter,
  makeCupboard,
  makeDesk,
  makeGlassCup,
  makeGlassJar,
  makeJug,
  makeMetalPot,
  makeSteelTable,
  makeTinCup,
  makeWoodBowl,
  makeWoodCup,
  makeWoodTable,
  Sewer
} from "./Containers.js"
import {
  Lighter,
  makeAxe,
  makeBathtub,
  makeBlastFurnace,
  makeFreezer,
  makeFridge,
  makeOven,
  makeShovel,
  makeSink,
  makeStopWatch,
  makeStove,
  makeUltraColdFreezer,
  Thermometer,
  Toilet
} from "./Devices.js"
import { makeBattery, makeLightBulb, Switch, Wire } from "./Electrical.js"
import { Bee } from "./Living.js"
import { Door, type Obj } from "./Obj.js"
import { Agent, Outside, Room, Universe } from "./Places.js"
import { makeApple, makeBanana, makeOrange, makePaint, makePotato, Picture, plainFoods, simpleSubstances, Food, Substance } from "./Things.js"

const picture = (spec: string): Obj => {
  const [kind, subject, artist] = spec.split("|")
  return new Picture(kind, subject, artist)
}

const shelf = (books: ReadonlyArray<string> | null): Obj | undefined => {
  if (books === null) return undefined
  const s = makeBookShelf()
  for (const b of books) s.addObject(bookByName(b))
  return s
}

const substance = (cls: string): Obj => new Substance(...simpleSubstances[cls])

const kitchen = (sewer: Obj, h: House): Room => {
  const room = new Room("kitchen")
  room.addObject(makeSink(sewer))
  room.addObject(makeStove())
  const fridge = makeFridge()
  room.addObject(fridge)
  room.addObject(makeFreezer())
  room.addObject(makeOven())
  const cupboard = makeCupboard()
  room.addObject(cupboard)
  cupboard.addObject(makeMetalPot())
  cupboard.addObject(makeTinCup())
  cupboard.addObject(makeCeramicCup())
  const counter = makeCounter()
  room.addObject(counter)
  const bowl = makeWoodBowl()
  counter.addObject(bowl)
  bowl.addObject(makeApple())
  bowl.addObject(makeBanana())
  bowl.addObject(makeOrange())
  bowl.addObject(makePotato())
  const cup = makeWoodCup()
  cup.addObject(new Food(...plainFoods.OrangeJuice))
  fridge.addObject(cup)
  room.addObject(new Thermometer())
  room.addObject(picture(h.pictures[0]))
  const table = makeWoodTable()
  room.addObject(table)
  table.addObject(makeGlassCup())
  room.addObject(makeChair())
  room.addObject(new Lighter())
  const jar = makeGlassJar()
  jar.addObject(substance("SodiumChloride"))
  room.addObject(jar)
  room.addObject(substance("Soap"))
  room.addObject(makeStopWatch())
  return room
}

const livingRoom = (h: House): Room => {
  const room = new Room("living room")
  room.addObject(makeCouch())
  room.addObject(makeChair())
  room.addObject(h.livingRoomTable === "Desk" ? makeDesk() : h.livingRoomTable === "SteelTable" ? makeSteelTable() : makeWoodTable())
  room.addObject(picture(h.pictures[1]))
  const s = shelf(h.livingRoomBooks)
  if (s !== undefined) room.addObject(s)
  return room
}

const bedroom = (h: House): Room => {
  const room = new Room("bedroom")
  room.addObject(makeBed())
  room.addObject(makeWoodTable())
  room.addObject(makeCloset())
  room.addObject(picture(h.pictures[2]))
  const s = shelf(h.bedroomBooks)
  if (s !== undefined) room.addObject(s)
  return room
}

const bathroom = (sewer: Obj, h: House): Room => {
  const room = new Room("bathroom")
  room.addObject(makeSink(sewer))
  room.addObject(new Toilet(sewer))
  room.addObject(makeBathtub(sewer))
  room.addObject(makeGlassCup())
  room.addObject(picture(h.pictures[3]))
  return room
}

const workshop = (h: House): Room => {
  const room = new Room("workshop")
  const table = makeWoodTable()
  room.addObject(table)
  for (const c of h.bulbColours) table.addObject(makeLightBulb(c))
  for (const c of h.wireColours) table.addObject(new Wire(`${c} wire`))
  table.addObject(new Switch())
  table.addObject(makeBattery())
  room.addObject(makeUltraColdFreezer())
  return room
}

const greenhouse = (sewer: Obj): Room => {
  const room = new Room("greenhouse")
  room.addObject(makeJug())
  const hive = makeBeeHive()
  for (let i = 0; i < 5; i++) hive.addObject(new Bee(`bee ${i}`))
  room.addObject(hive)
  room.addObject(makeSink(sewer))
  return room
}

const artStudio = (h: House): Room => {
  const room = new Room("art studio")
  const table = makeWoodTable()
  room.addObject(table)
  // All three candidate mixing containers are made (and take UUIDs); the house's pick goes on the table.
  const candidates: Record<string, Obj> = { GlassCup: makeGlassCup(), WoodBowl: makeWoodBowl(), Jug: makeJug() }
  table.addObject(candidates[h.mixingContainer])
  const cupsOfPaint = (into: Obj) => {
    const paints = ["RedPaint", "BluePaint", "YellowPaint"].map(makePaint)
    for (const p of paints) {
      const cup = makeWoodCup()
      cup.addObject(p)
      into.addObject(cup)
    }
  }
  cupsOfPaint(room)
  const cupboard = makeCupboard()
  room.addObject(cupboard)
  cupsOfPaint(cupboard)
  cupboard.name = "large cupboard"
  return room
}

const outside = (): Outside => {
  const out = new Outside()
  out.addObject(new FirePit())
  out.addObject(substance("Wood"))
  out.addObject(makeAxe())
  out.addObject(new Fountain())
  return out
}

const foundry = (sewer: Obj): Room => {
  const room = new Room("foundry")
  room.addObject(makeBlastFurnace())
  room.addObject(makeSink(sewer))
  room.addObject(makeSteelTable())
  return room
}

const door = (a: Obj, b: Obj): void => {
  const d = new Door(false, a, b)
  a.addPortal(d)
  b.addPortal(d)
}

export interface Built {
  readonly universe: Universe
  readonly agent: Agent
}

/** The house of one variation index, with the agent at its start location. */
export const buildHouse = (h: House): Built => {
  const universe = new Universe()
  const sewer = new Sewer()
  universe.addObject(sewer)
  const k = kitchen(sewer, h)
  universe.addObject(k)
  const lr = livingRoom(h)
  universe.addObject(lr)
  const br = bedroom(h)
  universe.addObject(br)
  const ba = bathroom(sewer, h)
  universe.addObject(ba)
  const ws = workshop(h)
  universe.addObject(ws)
  const gh = greenhouse(sewer)
  universe.addObject(gh)
  const as = artStudio(h)
  universe.addObject(as)
  const hall = new Room("hallway")
  hall.addObject(picture(h.pictures[4]))
  universe.addObject(hall)
  const out = outside()
  universe.addObject(out)
  const fo = foundry(sewer)
  universe.addObject(fo)
  const shovel = makeShovel()
  ;(h.shovelLocation === "greenhouse" ? gh : out).addObject(shovel)
  door(k, hall)
  door(lr, hall)
  door(br, hall)
  door(ba, k)
  door(ws, hall)
  door(gh, hall)
  door(as, hall)
  door(k, out)
  door(gh, out)
  door(fo, out)
  const agent = new Agent()
  const start = universe.children.find((c) => c.name === h.agentLocation)
  if (start === undefined) throw new Error(`no location ${h.agentLocation}`)
  start.addObject(agent)
  return { universe, agent }
}
