/**
 * The input parser (input/InputParser.scala): tokenising, matching trigger patterns
 * against object referents, ambiguity prompts and their resolution, and the "unique
 * referent" each object is written with in the valid-action and object lists.
 */
import type { ActionDef, Assignments } from "./Actions.js"
import { javaTrim, tokenJoin } from "./Text.js"
import { mayStart, type Obj, type ParserReferents, Portal, type Referent } from "./world/Obj.js"

export { javaTrim, tokenize, tokenJoin } from "./Text.js"

/*
 * Object collections
 */

/** InputParser.collectAccessibleObjects: the root, its doors and where they lead, what is reachable inside (through open containers). */
export const collectAccessible = (root: Obj, includeHidden: boolean): Array<Obj> => {
  const out = new Set<Obj>()
  if (includeHidden || !root.hidden) out.add(root)
  for (const p of root.portals) {
    out.add(p)
    const to = (p as Portal).connectsToFrom(root)
    if (to !== undefined) out.add(to)
  }
  if (includeHidden || !root.hidden) for (const o of root.contentsAccessible(includeHidden)) out.add(o)
  return [...out]
}

/** InputParser.collectObjects: like the above but through closed containers, and the portals of everything inside. */
export const collectAll = (root: Obj, includeHidden: boolean): Array<Obj> => {
  const out = new Set<Obj>()
  const walk = (o: Obj) => {
    if (includeHidden || !o.hidden) out.add(o)
    for (const p of o.portals) {
      out.add(p)
      const to = (p as Portal).connectsToFrom(o)
      if (to !== undefined) out.add(to)
    }
    if (includeHidden || !o.hidden) for (const c of o.contentsAndPortals()) walk(c)
  }
  walk(root)
  return [...out]
}

/*
 * Matching
 */

/** An object's referents as the parser matches them: lower-cased, tokenised like the input, sorted. */
export const parserReferents = (obj: Obj, perspective: Obj): Array<string> =>
  obj
    .referentsWithContainers(perspective)
    .map(tokenJoin)
    .sort()

/**
 * The parser's referents of one object that `text` starts with, sorted (the subset of
 * `parserReferents` that can match): "r in c" and "r on c" tokenise to r's tokens, the
 * link and c's tokens, so they are tested piecewise and built only when they match.
 */
const matchingReferents = (text: string, bases: ReadonlyArray<Referent>, container: Obj | undefined): ReadonlyArray<string> => {
  let hits: Array<string> | undefined
  for (const b of bases) {
    if (b.tok.length > 0 && !text.startsWith(b.tok)) continue
    if (b.lower.length > 1) (hits ??= []).push(b.tok)
    if (container === undefined) continue
    for (const c of container.referentList().all) {
      for (const link of links) {
        if (b.tok.length > 0 && c.tok.length > 0) {
          if (text.startsWith(link, b.tok.length) && text.startsWith(c.tok, b.tok.length + link.length)) (hits ??= []).push(b.tok + link + c.tok)
        } else {
          const t = tokenJoin(b.lower + link + c.lower)
          if (text.startsWith(t)) (hits ??= []).push(t)
        }
      }
    }
  }
  return hits === undefined ? none : hits.length === 1 ? hits : sortedUnique(hits)
}

/** `[...new Set(xs)].sort()`, in place: the lists are a few strings (an object's name and descriptName are often the same). */
const sortedUnique = (xs: Array<string>): Array<string> => {
  let n = 0
  for (const x of xs) {
    let i = n
    while (i > 0 && xs[i - 1] > x) i--
    if (i > 0 && xs[i - 1] === x) continue
    for (let j = n; j > i; j--) xs[j] = xs[j - 1]
    xs[i] = x
    n++
  }
  xs.length = n
  return xs
}

const links = [" in ", " on "] as const

const none: ReadonlyArray<string> = []

export interface Match {
  readonly def: ActionDef
  /** The objects filling the trigger's slots, in pattern order. */
  readonly objects: ReadonlyArray<Obj>
}

export const assignmentsOf = (m: Match, agent: Obj): Assignments => {
  const out: Record<string, Obj> = { agent }
  let i = 0
  for (const e of m.def.trigger) if ("slot" in e) out[e.slot] = m.objects[i++]
  return out
}

/** InputParser.populateHelper: every way the pattern consumes the whole string, as object tuples. */
interface Hit {
  readonly o: Obj
  readonly rs: ReadonlyArray<string>
}

/** Adds `o` to the hits when `input` starts with one of its referents. */
const consider = (hits: Array<Hit> | undefined, input: string, o: Obj, refs: ParserReferents): Array<Hit> | undefined => {
  if (!mayStart(refs, input)) return hits
  const rs = matchingReferents(input, refs.nonBlank, o.container)
  if (rs.length === 0) return hits
  if (hits === undefined) return [{ o, rs }]
  hits.push({ o, rs })
  return hits
}

/** A stable insertion sort by UUID (the hits are few, and Array.prototype.sort with a comparator allocates). */
const byUuidInPlace = (hits: Array<Hit>): void => {
  for (let k = 1; k < hits.length; k++) {
    const h = hits[k]
    let i = k
    for (; i > 0 && hits[i - 1].o.uuid > h.o.uuid; i--) hits[i] = hits[i - 1]
    hits[i] = h
  }
}

const considerInside = (hits: Array<Hit> | undefined, input: string, part: Inside, room: Obj): Array<Hit> | undefined => {
  for (let i = 0; i < part.refs.length; i++) hits = consider(hits, input, part.objs[i], part.refs[i])
  for (const p of part.portals) hits = consider(hits, input, p, p.parserReferentsFrom(room))
  for (const o of part.open) hits = considerInside(hits, input, o, room)
  return hits
}

const populate = (
  input: string,
  pattern: ActionDef["trigger"],
  at: number,
  objs: Scope | undefined,
  /** The objects of the slots filled so far (pushed and popped on the way; copied into `out` on a whole match). */
  soFar: Array<Obj>,
  out: Array<ReadonlyArray<Obj>>
): void => {
  if (at === pattern.length) {
    if (javaTrim(input).length === 0) out.push(soFar.slice())
    return
  }
  const e = pattern[at]
  if ("slot" in e) {
    // The objects come in no order; the original tries them in UUID order (each one's referents sorted).
    if (objs === undefined) return
    let hits: Array<Hit> | undefined
    for (const o of objs.loose) hits = consider(hits, input, o, o.parserReferentsFrom(objs.room))
    for (const part of objs.insides) hits = considerInside(hits, input, part, objs.room)
    if (hits === undefined) return
    if (hits.length > 1) byUuidInPlace(hits)
    let last: Obj | undefined
    for (const { o, rs } of hits) {
      if (o === last) continue
      last = o
      soFar.push(o)
      for (const r of rs) populate(javaTrim(input.substring(r.length)), pattern, at + 1, objs, soFar, out)
      soFar.pop()
    }
  } else {
    for (const p of e) if (input.startsWith(p)) populate(javaTrim(input.substring(p.length)), pattern, at + 1, objs, soFar, out)
  }
}

const sameTuple = (a: ReadonlyArray<Obj>, b: ReadonlyArray<Obj>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * What `collectAccessible(x, true)` reaches inside `x`, one container at a time: its
 * children and their terminals with their parser referents, its portals (whose referents
 * depend on the viewer), and the same for each open child. Exact while `x.subtreeRev`
 * stays; a change below `x` remakes only the levels on its way up (the others are reused).
 * An object may come twice (an open container's terminals are also its children).
 */
interface Inside {
  readonly rev: number
  readonly objs: ReadonlyArray<Obj>
  readonly refs: ReadonlyArray<ParserReferents>
  readonly portals: ReadonlyArray<Obj>
  readonly open: ReadonlyArray<Inside>
}

const insides = new WeakMap<Obj, Inside>()
const noInsides: ReadonlyArray<Inside> = []

const insideOf = (x: Obj): Inside => {
  const hit = insides.get(x)
  if (hit !== undefined && hit.rev === x.subtreeRev) return hit
  const objs: Array<Obj> = []
  const refs: Array<ParserReferents> = []
  let open: Array<Inside> | undefined
  for (const c of x.children) {
    objs.push(c)
    refs.push(c.referentList())
    for (const t of c.visibleTerminals(true)) {
      objs.push(t)
      refs.push(t.referentList())
    }
    if (c.containerProps?.isOpen === true) (open ??= []).push(insideOf(c))
  }
  const made = { rev: x.subtreeRev, objs, refs, portals: x.portals, open: open ?? noInsides }
  insides.set(x, made)
  return made
}

/**
 * What a command can name, as InputParser.collectAccessibleObjects gathers it from some
 * roots, in pieces: objects whose referents are made when asked (the roots, their portals
 * and where those lead) and the roots' insides. Objects may come more than once.
 */
interface Scope {
  /** The agent's location: portals' referents are as seen from there. */
  readonly room: Obj
  readonly loose: ReadonlyArray<Obj>
  readonly insides: ReadonlyArray<Inside>
}

/** collectAccessible(root, true) of each root (from the universe: everything teleport can name). */
const scopeOf = (room: Obj, roots: ReadonlyArray<Obj>): Scope => {
  const loose: Array<Obj> = []
  for (const root of roots) {
    loose.push(root)
    for (const p of root.portals) {
      loose.push(p)
      const to = (p as Portal).connectsToFrom(root)
      if (to !== undefined) loose.push(to)
    }
  }
  return { room, loose, insides: roots.map(insideOf) }
}

export interface ParseWorld {
  readonly defs: ReadonlyArray<ActionDef>
  readonly agent: Obj
  readonly universe: Obj
}

const startsWithAny = (text: string, prefixes: ReadonlyArray<string>): boolean => {
  for (const p of prefixes) if (text.startsWith(p)) return true
  return false
}

/** Every action match of the input, per action, in action order. */
export const matchInput = (input: string, w: ParseWorld): Array<Match> => {
  const text = tokenJoin(input.toLowerCase())
  const room = w.agent.container!
  let namable: Scope | undefined
  let everything: Scope | undefined
  const matches: Array<Match> = []
  for (const def of w.defs) {
    if (!startsWithAny(text, def.trigger[0] as ReadonlyArray<string>)) continue
    const objs = def.trigger.length === 1 ? undefined : def.oracle ? (everything ??= scopeOf(room, [w.universe])) : (namable ??= scopeOf(room, [room, w.agent]))
    const found: Array<ReadonlyArray<Obj>> = []
    populate(text, def.trigger, 0, objs, [], found)
    const first = matches.length
    for (const objects of found) if (!hasTuple(matches, first, objects)) matches.push({ def, objects })
  }
  return matches
}

/** Whether `matches[from..]` already holds this object tuple. */
const hasTuple = (matches: ReadonlyArray<Match>, from: number, t: ReadonlyArray<Obj>): boolean => {
  for (let i = from; i < matches.length; i++) if (sameTuple(matches[i].objects, t)) return true
  return false
}

/** The container chain of an ambiguity option: "in bowl, in counter, in kitchen" (up to the agent's location). */
const containerChain = (obj: Obj, stop: Obj): Array<string> => {
  const out: Array<string> = []
  for (let c = obj.container; c !== undefined; c = c.container) {
    out.push(`in ${c.name}`)
    if (c === stop) break
  }
  return out
}

const describeMatch = (m: Match, stop: Obj): string => {
  let i = 0
  return m.def.trigger
    .map((e) => {
      if (!("slot" in e)) return e[0]
      const o = m.objects[i++]
      const chain = containerChain(o, stop)
      return chain.length > 0 ? `${o.descriptName()} (${chain.join(", ")})` : o.descriptName()
    })
    .join(" ")
}

/** The ambiguity prompt (InputParser.mkAmbiguousMessage) and the options in the order it numbers them. */
export const ambiguityPrompt = (matches: ReadonlyArray<Match>, agentContainer: Obj): { text: string; options: Array<Match> } => {
  const names = [...new Set(matches.map((m) => m.def.name))].sort()
  const options = names.flatMap((n) => matches.filter((m) => m.def.name === n))
  let text = ""
  if (names.length > 1)
    text += `Ambiguous request: Multiple different possible actions were matched to this input (${names.join(", ")}). It's possible the action space needs to be refined to remove possible duplicate/ambiguous patterns.`
  text += "Ambiguous request: Please enter the number for the action you intended (or blank to cancel):\n"
  options.forEach((m, i) => {
    text += `${i}:\t${describeMatch(m, agentContainer)}\n`
  })
  return { text, options }
}

/** Java's Integer.parseInt of the raw answer, or undefined where it would throw. */
export const javaParseInt = (s: string): number | undefined => {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = Number(s)
  return n >= -2147483648 && n <= 2147483647 ? n : undefined
}

/*
 * Unique referents
 */

/** Keeps, per object, the referents no other object has (all of them if none is unique). */
const filterDuplicates = (lists: ReadonlyArray<ReadonlyArray<string>>): Array<ReadonlyArray<string>> => {
  const freq = new Map<string, number>()
  for (const l of lists) for (const r of l) freq.set(r, (freq.get(r) ?? 0) + 1)
  return lists.map((l) => {
    const kept = l.filter((r) => freq.get(r)! <= 1)
    return kept.length > 0 ? kept : l
  })
}

/**
 * InputParser.chooseUniqueReferents: start every object at its first referent; for 20
 * rounds move every object whose referent collides to its next one. The original draws
 * rounds 11-20 from its global generator; here they draw from a fixed-seed stream, so they
 * are deterministic and never disturb the world (these late rounds are rare).
 */
export const chooseUnique = (lists1: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const lists = filterDuplicates(lists1)
  const idx = lists.map(() => 0)
  let seed = 0x2545f491
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed % n
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const freq = new Map<string, number>()
    for (let i = 0; i < lists.length; i++) {
      const r = lists[i][idx[i]]
      freq.set(r, (freq.get(r) ?? 0) + 1)
    }
    let collided = false
    for (let i = 0; i < lists.length; i++) {
      if (freq.get(lists[i][idx[i]])! > 1) {
        collided = true
        idx[i] = attempt < 10 ? (idx[i] + 1) % lists[i].length : next(lists[i].length)
      }
    }
    if (!collided) break
  }
  return lists.map((l, i) => l[idx[i]])
}

/** Each object's referent for the API lists: its unique referent (portals, in the valid-action list: "door to X"). */
export const uniqueReferents = (objs: ReadonlyArray<Obj>, perspective: Obj, canonicalPortals: boolean): Map<Obj, string> => {
  const lists = objs.map((o) => o.sortedReferentsWithContainers(perspective))
  const chosen = chooseUnique(lists)
  const out = new Map<Obj, string>()
  objs.forEach((o, i) => out.set(o, (canonicalPortals && o instanceof Portal ? o.canonicalReferent(perspective) : chosen[i]).toLowerCase()))
  return out
}

/**
 * The keys under which an object's referent list can meet another's: its base referents
 * (lower-cased), and each prefix of one that is followed by " in " or " on ". Every
 * referent is a base referent, possibly followed by " in <container>" or " on
 * <container>"; if two lists share a string, either their base referents are equal or the
 * shorter base referent is such a prefix of the longer one.
 */
const meetingKeys = (o: Obj, perspective: Obj): Array<string> => {
  const out: Array<string> = []
  for (const ref of o.referentsFrom(perspective)) {
    const r = ref.toLowerCase()
    out.push(r)
    for (const joiner of [" in ", " on "]) for (let i = r.indexOf(joiner); i !== -1; i = r.indexOf(joiner, i + 1)) out.push(r.slice(0, i))
  }
  return out
}

/**
 * `uniqueReferents(objs, ...)` for the objects `wanted` only (the teleport targets among
 * all objects of the world), without building every object's referent list: the unique
 * choice for an object depends only on the objects whose lists can meet its list, and on
 * those that can meet theirs, so only that closure takes part, in the original order.
 */
export const uniqueReferentsOf = (
  objs: ReadonlyArray<Obj>,
  perspective: Obj,
  wanted: (o: Obj) => boolean
): Map<Obj, string> => {
  const keys = objs.map((o) => meetingKeys(o, perspective))
  const reached = new Set<string>()
  const included = objs.map((o) => wanted(o))
  included.forEach((inc, i) => inc && keys[i].forEach((k) => reached.add(k)))
  for (let grew = true; grew; ) {
    grew = false
    for (let i = 0; i < objs.length; i++) {
      if (included[i] || !keys[i].some((k) => reached.has(k))) continue
      included[i] = true
      keys[i].forEach((k) => reached.add(k))
      grew = true
    }
  }
  const subset = objs.filter((_, i) => included[i])
  const out = new Map<Obj, string>()
  for (const [o, r] of uniqueReferents(subset, perspective, true)) if (wanted(o)) out.set(o, r)
  return out
}

/** The referents sorted by (referent, UUID), as get_possible_objects lists them. */
export const sortedReferents = (m: Map<Obj, string>): Array<string> =>
  [...m.entries()].sort(([a, ra], [b, rb]) => (ra < rb ? -1 : ra > rb ? 1 : a.uuid - b.uuid)).map(([, r]) => r)
