/**
 * The reference transcripts (../shared/data/science/transcripts): runs of the original
 * simulator with every step's observation, score, reward, done flag and moves. `replay`
 * runs one on the engine and reports every difference, so a test (and anyone porting a
 * new task) sees exactly where the engine departs from the original.
 */
import { Schema } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { dataDir } from "./Data.js"
import { ScienceWorld } from "./Engine.js"

export const StepJson = Schema.Struct({
  action: Schema.String,
  observation: Schema.String,
  score: Schema.Number,
  reward: Schema.Number,
  done: Schema.Boolean,
  moves: Schema.Number
})

export const TranscriptJson = Schema.Struct({
  task: Schema.String,
  variation: Schema.Number,
  simplifications: Schema.String,
  taskDescription: Schema.String,
  resetObservation: Schema.String,
  resetInventory: Schema.optionalKey(Schema.String),
  resetValidActions: Schema.optionalKey(Schema.Array(Schema.String)),
  goldActions: Schema.optionalKey(Schema.Array(Schema.String)),
  steps: Schema.Array(StepJson),
  note: Schema.optionalKey(Schema.String),
  possibleActions: Schema.optionalKey(Schema.Array(Schema.String)),
  possibleObjects: Schema.optionalKey(Schema.Array(Schema.String)),
  validActions: Schema.optionalKey(Schema.Array(Schema.String)),
  validActionsCount: Schema.optionalKey(Schema.Number),
  finalValidActions: Schema.optionalKey(Schema.Array(Schema.String)),
  finalValidActionsCount: Schema.optionalKey(Schema.Number),
  finalPossibleObjects: Schema.optionalKey(Schema.Array(Schema.String)),
  finalLook: Schema.optionalKey(Schema.String),
  finalInventory: Schema.optionalKey(Schema.String)
})
export type Transcript = typeof TranscriptJson.Type

export const transcriptFiles = ["gold_easy_v0.jsonl", "gold_none_v0.jsonl", "scripted.jsonl"] as const

export const readTranscripts = (file: string): Array<Transcript> =>
  readFileSync(join(dataDir(), "transcripts", file), "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => Schema.decodeUnknownSync(TranscriptJson)(JSON.parse(l)))

/** The valid-action entries the scripted transcripts leave out of their lists (their counts are full). */
const filteredOut = /^(connect|disconnect|pour|mix|move|dunk)/

export interface Mismatch {
  /** Where: "reset", "step 3 'go to kitchen'", "final valid actions", ... */
  readonly at: string
  readonly got: string
  readonly want: string
}

export interface ReplayResult {
  readonly steps: number
  /** Steps whose observation, score, reward, done and moves all match. */
  readonly matchingSteps: number
  readonly mismatches: ReadonlyArray<Mismatch>
}

const same = (at: string, got: unknown, want: unknown, out: Array<Mismatch>) => {
  const g = JSON.stringify(got)
  const w = JSON.stringify(want)
  if (g !== w) out.push({ at, got: g, want: w })
}

/** Replays a transcript on the engine, string-exactly. */
export const replay = (t: Transcript): ReplayResult => {
  const out: Array<Mismatch> = []
  const env = new ScienceWorld(t.task, t.variation, { simplifications: t.simplifications })
  const lists = (when: "reset" | "final", valid?: ReadonlyArray<string>, count?: number, objects?: ReadonlyArray<string>) => {
    if (valid !== undefined) {
      const all = env.validActions()
      same(`${when} valid actions`, count === undefined ? all : all.filter((a) => !filteredOut.test(a)), valid, out)
      if (count !== undefined) same(`${when} valid action count`, all.length, count, out)
    }
    if (objects !== undefined) same(`${when} possible objects`, env.possibleObjects(), objects, out)
  }
  const r = env.reset()
  same("reset observation", r.observation, t.resetObservation, out)
  same("task description", env.taskDescription(), t.taskDescription, out)
  if (t.resetInventory !== undefined) same("reset inventory", env.inventory(), t.resetInventory, out)
  if (t.possibleActions !== undefined) same("possible actions", env.possibleActions(), t.possibleActions, out)
  lists("reset", t.resetValidActions ?? t.validActions, t.validActionsCount, t.possibleObjects)
  let matchingSteps = 0
  t.steps.forEach((s, i) => {
    const before = out.length
    const o = env.step(s.action)
    same(`step ${i} '${s.action}' observation`, o.observation, s.observation, out)
    same(`step ${i} '${s.action}' score, reward, done, moves`, [o.score, o.reward, o.done, o.moves], [s.score, s.reward, s.done, s.moves], out)
    if (out.length === before) matchingSteps++
  })
  lists("final", t.finalValidActions, t.finalValidActionsCount, t.finalPossibleObjects)
  if (t.finalLook !== undefined) same("final look", env.look(), t.finalLook, out)
  if (t.finalInventory !== undefined) same("final inventory", env.inventory(), t.finalInventory, out)
  return { steps: t.steps.length, matchingSteps, mismatches: out }
}
