/**
 * The notebook prompt: what an agent that read every observation of the episode knows,
 * written down compactly. ALFWorld's explorer expert remembers which receptacles it has
 * seen and what was in them; a small model that sees only the last few commands cannot
 * imitate that. The notebook is a pure fold over the episode's observations (never the
 * engine's state): the room's receptacles from the first observation, the contents each
 * "On the X, you see ..." / "In it, you see ..." revealed (updated by the agent's own
 * take and move), what the agent holds and what its heat / cool / clean commands did to
 * it. A prompt stays a few hundred tokens whatever the episode's length:
 *
 *   Task: put a hot egg in countertop.
 *   Holding: egg 1 (hot)
 *   At: microwave 1
 *   Seen: cabinet 1: nothing; fridge 1: egg 2, lettuce 1
 *   Unseen: cabinet 2, cabinet 3, countertop 1, drawer 1
 *   Previous: take egg 1 from fridge 1 | go to microwave 1 | heat egg 1 with microwave 1
 *   Observation: You heat the egg 1 using the microwave 1.
 *   Action:
 *
 * The answer is the bare command, as in the compact prompt.
 */
import { Memory } from "@epo/env"
import { compactObservation, parse as parseCompact } from "./Compact.js"

export interface Notes {
  /** Every receptacle of the room, from the first observation. */
  readonly receptacles: ReadonlyArray<string>
  /** Receptacles whose contents the episode revealed, with those contents as last known. */
  readonly contents: ReadonlyMap<string, ReadonlyArray<string>>
  readonly holding: string | undefined
  /** States the agent's own commands gave the held object ("hot", "cool", "clean"). */
  readonly states: ReadonlyArray<string>
  readonly at: string | undefined
}

const listed = (text: string): Array<string> =>
  text === "nothing" ? [] : text.split(/, and |, | and /).map((item) => item.replace(/^an? /, "").trim()).filter((item) => item.length > 0)

/** "cabinet 10" after "cabinet 9": by name, then instance number. */
const byName = (a: string, b: string): number => {
  const [, an, ai] = /^(.*?) (\d+)$/.exec(a) ?? [a, a, "0"]
  const [, bn, bi] = /^(.*?) (\d+)$/.exec(b) ?? [b, b, "0"]
  return an === bn ? Number(ai) - Number(bi) : an < bn ? -1 : 1
}

const initial: Notes = { receptacles: [], contents: new Map(), holding: undefined, states: [], at: undefined }

/** The notes after one more observation. */
export const read = (notes: Notes, observation: string): Notes => {
  let { receptacles, holding, states, at } = notes
  const contents = new Map(notes.contents)
  const room = /Looking quickly around you, you see (.*?)\.(?:\n|$)/m.exec(observation)
  if (room) receptacles = listed(room[1])
  const arrived = /You arrive at (.+?)\. /.exec(observation) ?? /You arrive at (.+?)\.$/.exec(observation)
  if (arrived) at = arrived[1]
  for (const m of observation.matchAll(/On the (.+?), you see (.*?)\.(?= |$)/g)) contents.set(m[1], listed(m[2]))
  for (const m of observation.matchAll(/The (.+?) is open\. In it, you see (.*?)\.(?= |$)/g)) contents.set(m[1], listed(m[2]))
  const picked = /You pick up the (.+?) from the (.+?)\./.exec(observation)
  if (picked) {
    holding = picked[1]
    states = []
    const was = contents.get(picked[2])
    if (was) contents.set(picked[2], was.filter((o) => o !== picked[1]))
  }
  const moved = /You move the (.+?) to the (.+?)\./.exec(observation)
  if (moved) {
    holding = undefined
    states = []
    // An object can already be there: it can start in two receptacles and be taken out of one.
    const there = contents.get(moved[2]) ?? []
    contents.set(moved[2], there.includes(moved[1]) ? there : [...there, moved[1]])
  }
  const changed = /You (heat|cool|clean) the (.+?) using the/.exec(observation)
  if (changed) {
    const state = changed[1] === "heat" ? "hot" : changed[1]
    const opposite = state === "hot" ? "cool" : state === "cool" ? "hot" : undefined
    states = [...states.filter((s) => s !== state && s !== opposite), state]
  }
  return { receptacles, contents, holding, states, at }
}

/** The notes of an episode so far: every observation read in order. */
export const notesOf = (memory: Memory.EpisodeMemory): Notes =>
  [...memory.entries.map((e) => e.observation), memory.observation].reduce(read, initial)

export interface RenderOptions {
  /** How many of the last commands sent to show (default 3). */
  readonly recentActions?: number
}

export const defaultRecentActions = 3

/** The current observation; the opening room listing is in the notes already, so it is cut to its first sentence. */
const current = (observation: string): string => {
  const text = compactObservation(observation)
  const middle = "You are in the middle of a room."
  return text.startsWith(middle) ? middle : text
}

export const render = (memory: Memory.EpisodeMemory, options: RenderOptions = {}): string => {
  const notes = notesOf(memory)
  const seen = [...notes.contents.keys()].sort(byName)
  const unseen = notes.receptacles.filter((r) => !notes.contents.has(r)).sort(byName)
  const holding = notes.holding === undefined ? "nothing" : notes.states.length === 0 ? notes.holding : `${notes.holding} (${notes.states.join(", ")})`
  const recent = Memory.recent(memory, options.recentActions ?? defaultRecentActions)
  return [
    `Task: ${memory.task}`,
    `Holding: ${holding}`,
    ...(notes.at === undefined ? [] : [`At: ${notes.at}`]),
    ...(seen.length === 0 ? [] : [`Seen: ${seen.map((r) => `${r}: ${notes.contents.get(r)!.length === 0 ? "nothing" : notes.contents.get(r)!.join(", ")}`).join("; ")}`]),
    ...(unseen.length === 0 ? [] : [`Unseen: ${unseen.join(", ")}`]),
    ...(recent.length === 0 ? [] : [`Previous: ${recent.map((e) => e.action).join(" | ")}`]),
    `Observation: ${current(memory.observation)}`,
    "Action:"
  ].join("\n")
}

/** The bare command, as the compact prompt's answers. */
export const parse = parseCompact
