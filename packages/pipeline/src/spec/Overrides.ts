/**
 * `--set key=value` overrides of a spec's JSON form. The key is a dotted path
 * (`rollout.groupSize`, `evaluation.splits[0]`); the value is read as JSON when it parses
 * (numbers, booleans, arrays, objects, quoted strings) and as a plain string otherwise;
 * `key=null` removes the field, so it takes its default (e.g. `policy.checkpoint=null`
 * starts from a fresh policy instead of a preset's checkpoint).
 * Overrides are applied to the JSON form and the result is decoded again, so a bad key
 * or value is reported like any bad field of a spec.
 */
import { Effect } from "effect"
import { SpecError } from "./SpecError.js"

export interface Override {
  readonly path: ReadonlyArray<string | number>
  readonly key: string
  readonly value: unknown
}

const parsePath = (key: string): ReadonlyArray<string | number> | undefined => {
  const parts: Array<string | number> = []
  for (const segment of key.split(".")) {
    const m = /^([A-Za-z_][\w+-]*)((?:\[\d+\])*)$/.exec(segment)
    if (m === null) return undefined
    parts.push(m[1])
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]))
  }
  return parts
}

const parseValue = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Parses `key=value` strings; every malformed one is reported. */
export const parse = (assignments: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Override>, SpecError> => {
  const overrides: Array<Override> = []
  const issues: Array<{ path: string; message: string }> = []
  for (const a of assignments) {
    const eq = a.indexOf("=")
    const key = eq < 0 ? a : a.slice(0, eq)
    const path = eq < 0 ? undefined : parsePath(key)
    if (path === undefined) issues.push({ path: key || "<empty>", message: `expected key=value with a dotted key (e.g. rollout.groupSize=4), got "${a}"` })
    else overrides.push({ path, key, value: parseValue(a.slice(eq + 1)) })
  }
  return issues.length > 0 ? Effect.fail(new SpecError({ source: "--set", issues })) : Effect.succeed(overrides)
}

const isRecord = (x: unknown): x is Record<string | number, unknown> => typeof x === "object" && x !== null

const setAt = (target: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (typeof head === "number") {
    const array = Array.isArray(target) ? target.slice() : []
    array[head] = setAt(array[head], rest, value)
    return array
  }
  const object = isRecord(target) && !Array.isArray(target) ? { ...target } : {}
  if (rest.length === 0 && value === null) delete object[head]
  else object[head] = setAt(object[head], rest, value)
  return object
}

/** The spec's JSON form with the overrides applied in order (a pure function; the input is not changed). */
export const apply = (input: unknown, overrides: ReadonlyArray<Override>): unknown =>
  overrides.reduce((acc, o) => setAt(acc, o.path, o.value), input)
