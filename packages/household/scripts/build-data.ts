/**
 * Writes the engine's data files in packages/household/src/data from the project's reference
 * data (the engine never reads ../shared at run time). Run from the repository root:
 *
 *   npx tsx packages/household/scripts/build-data.ts [household data dir] [json_2.1.1 dir]
 *
 * - classes.json: ../shared/data/household/classes.json, verbatim.
 * - layouts.json: ../shared/data/household/layouts.json without what the engine does not
 *   use (object ids, navigation points, scene class lists, layout variants, objects that
 *   never appear in any text).
 * - starts.json (only when a json_2.1.1 directory is given), counted over ALFWorld's game
 *   files: which receptacles of a floor plan start the same object (a pot on two stove
 *   burners, a mug in the coffee machine and on the counter top), and how many instances of
 *   a class a game holds within the range layouts.json gives (`counts[span][k]`: how often a
 *   game held min + k instances of a class whose range is min..min + span). Source used:
 *   LeapLabTHU/ExpeL:data/alfworld/json_2.1.1@2e4ce0305824a2b0f3da70b734ebe5b7c191441e
 *   (valid_seen, valid_unseen, valid_train; the copy ../shared/data/household/README.md
 *   cites), games selected as ALFWorld's collect_game_files does (task types 1-6, no
 *   "movable" or "Sliced" in the path, solvable), receptacles named by the Demangler rule
 *   of ../shared/specs/household.md.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const dataDir = process.argv[2] ?? "../shared/data/household"
const gamesDir = process.argv[3]
const out = "packages/household/src/data"

interface LayoutReceptacle {
  name: string
  type: string
  openable: boolean
  location: number
}
interface LayoutObject {
  type: string
  pickupable: boolean
  listed: boolean
  count: [number, number]
  in: Record<string, number>
}
interface LayoutFloorPlan {
  floorPlan: number
  roomType: string
  games: Record<string, number>
  receptacles: Array<LayoutReceptacle>
  objects: Array<LayoutObject>
}

const classesText = readFileSync(join(dataDir, "classes.json"), "utf8")
writeFileSync(join(out, "classes.json"), classesText)
// The six task types ALFWorld's games are collected for (the keys of goalRoomTypes).
const taskTypes = Object.keys((JSON.parse(classesText) as { goalRoomTypes: Record<string, unknown> }).goalRoomTypes)

const layouts = JSON.parse(readFileSync(join(dataDir, "layouts.json"), "utf8")) as {
  splits: Record<string, { games: number; floorPlans: Array<number> }>
  floorPlans: Array<LayoutFloorPlan>
}
const trimmed = {
  source: "../shared/data/household/layouts.json, trimmed by packages/household/scripts/build-data.ts",
  splits: layouts.splits,
  floorPlans: layouts.floorPlans.map((fp) => ({
    floorPlan: fp.floorPlan,
    roomType: fp.roomType,
    games: fp.games,
    receptacles: fp.receptacles.map(({ name, type, openable, location }) => ({ name, type, openable, location })),
    objects: fp.objects.filter((o) => o.listed).map(({ type, pickupable, count, in: inR }) => ({ type, pickupable, count, in: inR }))
  }))
}
// One line per floor plan keeps the file diffable.
writeFileSync(
  join(out, "layouts.json"),
  `{"source":${JSON.stringify(trimmed.source)},\n"splits":${JSON.stringify(trimmed.splits)},\n"floorPlans":[\n${trimmed.floorPlans.map((f) => JSON.stringify(f)).join(",\n")}\n]}\n`
)

if (gamesDir !== undefined) {
  const types: ReadonlySet<string> = new Set(taskTypes)
  const games: Array<string> = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name === "game.tw-pddl" && !dir.includes("movable") && !dir.includes("Sliced")) games.push(dir)
    }
  }
  walk(gamesDir)
  const fact = /\(([A-Za-z]+)((?:\s+[^\s()]+)+)\)/g
  // floor plan -> receptacle group (names joined by "|") -> objects; receptacle -> objects in it
  const groups = new Map<number, Map<string, number>>()
  const contained = new Map<number, Map<string, number>>()
  const ranges = new Map(layouts.floorPlans.map((f) => [f.floorPlan, f.objects.filter((o) => o.listed)]))
  const instanceCounts: Array<Array<number>> = []
  let used = 0
  for (const dir of games) {
    const trajPath = join(dir, "traj_data.json")
    if (!existsSync(trajPath)) continue
    const traj = JSON.parse(readFileSync(trajPath, "utf8")) as { task_type: string; scene: { floor_plan: string } }
    const game = JSON.parse(readFileSync(join(dir, "game.tw-pddl"), "utf8")) as { pddl_problem: string; solvable?: boolean }
    if (!types.has(traj.task_type) || game.solvable !== true) continue
    used++
    const fp = Number(traj.scene.floor_plan.replace("FloorPlan", ""))
    const init = game.pddl_problem.toLowerCase().split("(:init", 2)[1].split("(:goal", 1)[0]
    const facts = [...init.matchAll(fact)].map((m) => [m[1], m[2].trim().split(/\s+/)] as const)
    // The Demangler: per class, the id that sorts k-th of N is number N - k.
    const ids = [...new Set(facts.flatMap(([, args]) => args))].sort()
    const classOf = (id: string) => `${id.split("_bar_", 1)[0]}${id.includes("basin") ? "basin" : ""}`
    const counts = new Map<string, number>()
    for (const id of ids) if (id.includes("_bar_")) counts.set(classOf(id), (counts.get(classOf(id)) ?? 0) + 1)
    const names = new Map<string, string>()
    for (const id of ids) {
      if (!id.includes("_bar_")) continue
      const c = classOf(id)
      const n = counts.get(c)!
      names.set(id, `${c} ${n}`)
      counts.set(c, n - 1)
    }
    const perType = new Map<string, number>()
    for (const [p, [, t]] of facts) if (p === "objecttype") perType.set(t, (perType.get(t) ?? 0) + 1)
    for (const o of ranges.get(fp) ?? []) {
      const span = o.count[1] - o.count[0]
      instanceCounts[span] ??= Array.from({ length: span + 1 }, () => 0)
      instanceCounts[span][(perType.get(`${o.type.toLowerCase()}type`) ?? 0) - o.count[0]]++
    }
    const inside = new Map<string, Array<string>>()
    for (const [p, [o, r]] of facts) if (p === "inreceptacle") inside.set(o, [...(inside.get(o) ?? []), names.get(r)!])
    const g = groups.get(fp) ?? new Map<string, number>()
    const c = contained.get(fp) ?? new Map<string, number>()
    groups.set(fp, g)
    contained.set(fp, c)
    for (const rs of inside.values()) {
      for (const r of rs) c.set(r, (c.get(r) ?? 0) + 1)
      if (rs.length > 1) {
        const key = rs.slice().sort().join("|")
        g.set(key, (g.get(key) ?? 0) + 1)
      }
    }
  }
  const floorPlans = [...groups.entries()]
    .filter(([, g]) => g.size > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([fp, g]) => {
      const members = new Set([...g.keys()].flatMap((k) => k.split("|")))
      return {
        floorPlan: fp,
        groups: [...g.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => ({ receptacles: k.split("|"), objects: n })),
        contained: Object.fromEntries([...members].sort().map((r) => [r, contained.get(fp)!.get(r) ?? 0]))
      }
    })
  const source = "LeapLabTHU/ExpeL:data/alfworld/json_2.1.1@2e4ce0305824a2b0f3da70b734ebe5b7c191441e, by packages/household/scripts/build-data.ts"
  writeFileSync(
    join(out, "starts.json"),
    `{"source":${JSON.stringify(source)},\n"games":${used},\n"counts":${JSON.stringify(instanceCounts)},\n"floorPlans":[\n${floorPlans.map((f) => JSON.stringify(f)).join(",\n")}\n]}\n`
  )
  console.log(JSON.stringify({ games: used, floorPlansWithOverlaps: floorPlans.length }))
}
