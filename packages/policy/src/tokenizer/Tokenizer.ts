/**
 * A word-level tokenizer with a character fallback over a fixed, saved vocabulary.
 *
 * Text is cut into pieces: the markup tags (`<think>`, `</think>`, `<action>`,
 * `</action>`), then runs of letters, runs of digits and single other characters, each
 * with at most one leading space, and lone whitespace characters. A piece in the
 * vocabulary is one token; any other piece is spelled with the alphabet's character
 * tokens. Decoding concatenates token strings, so `decode(encode(x)) === x` for every
 * text over the alphabet (printable ASCII and newline), with no whitespace
 * normalisation. A character outside the alphabet is an `UnencodableText` error naming
 * it and its offset: there is no `<unk>`.
 *
 * Control tokens (`<pad>`, `<bos>`, `<eot>`) never come out of `encode` (the text
 * "<eot>" is spelled with characters) and decode to the empty string; prompts start
 * with `<bos>` and responses end with `<eot>` (`encodePrompt`, `encodeResponse`).
 */
import { Data, Effect } from "effect"
import { alphabet, controlTokens, markupTokens, specialTokens, type VocabularyFile } from "./Vocabulary.js"

/** The text holds a character outside the vocabulary's alphabet. */
export class UnencodableText extends Data.TaggedError("UnencodableText")<{
  readonly character: string
  /** Offset in UTF-16 code units within the text. */
  readonly offset: number
  /** Up to 16 characters of the text on either side of the offending one. */
  readonly context: string
}> {
  override toString(): string {
    const code = this.character.codePointAt(0)?.toString(16).padStart(4, "0") ?? "?"
    return `cannot encode character ${JSON.stringify(this.character)} (U+${code}) at offset ${this.offset} of ${JSON.stringify(this.context)}: outside the tokenizer's alphabet`
  }
}

/** A token id outside the vocabulary was decoded. */
export class UnknownTokenId extends Data.TaggedError("UnknownTokenId")<{
  readonly id: number
  readonly size: number
}> {
  override toString(): string {
    return `cannot decode token id ${this.id}: the vocabulary has ${this.size} tokens`
  }
}

const markupPattern = /(<\/?(?:think|action)>)/
const piecePattern = / ?[A-Za-z]+| ?[0-9]+| ?[^A-Za-z0-9\s]|\s/gsu

/** The pieces of a text, in order; their concatenation is the text. */
export const pieces = (text: string): Array<string> => {
  const out: Array<string> = []
  for (const segment of text.split(markupPattern)) {
    if (segment.length === 0) continue
    if ((markupTokens as ReadonlyArray<string>).includes(segment)) out.push(segment)
    else for (const m of segment.matchAll(piecePattern)) out.push(m[0])
  }
  return out
}

/**
 * A prompt (`<bos>` + ids) cut to at most `budget` tokens by keeping `<bos>` and the newest
 * ids: verl's left truncation, so a long episode history loses its oldest part, never the
 * current observation. `budget` is the context minus the room the response needs.
 */
export const keepNewest = (prompt: Int32Array, budget: number): Int32Array =>
  prompt.length <= budget ? prompt : Int32Array.from([prompt[0], ...prompt.subarray(prompt.length - (budget - 1))])

export interface Tokenizer {
  readonly vocabulary: VocabularyFile
  readonly size: number
  readonly pad: number
  readonly bos: number
  /** End of turn: the last token of every response; generation stops on it. */
  readonly eot: number
  readonly thinkOpen: number
  readonly thinkClose: number
  readonly actionOpen: number
  readonly actionClose: number
  /** The token ids of `text`; fails on a character outside the alphabet. */
  encode(text: string): Effect.Effect<Int32Array, UnencodableText>
  /** As `encode`, throwing the UnencodableText error. */
  encodeSync(text: string): Int32Array
  /** `<bos>` followed by the ids of `text`. */
  encodePrompt(text: string): Effect.Effect<Int32Array, UnencodableText>
  /** The ids of `text` followed by `<eot>`. */
  encodeResponse(text: string): Effect.Effect<Int32Array, UnencodableText>
  /** The text of `ids` (control tokens render as ""); throws UnknownTokenId on an id out of range. */
  decode(ids: ArrayLike<number>): string
  /** The token string of one id (control tokens as their name), for display. */
  token(id: number): string
  /** The pieces of `text` that are not whole tokens (spelled by characters); empty when the vocabulary covers the text. */
  uncovered(text: string): Array<string>
}

/** A tokenizer over a checked vocabulary (see `Vocabulary.decode`). */
export const make = (vocabulary: VocabularyFile): Tokenizer => {
  const tokens = vocabulary.tokens
  const ids = new Map<string, number>()
  tokens.forEach((t, id) => ids.set(t, id))
  for (const c of controlTokens) ids.delete(c)
  const rendered = tokens.map((t) => ((controlTokens as ReadonlyArray<string>).includes(t) ? "" : t))
  const id = (t: string): number => tokens.indexOf(t)

  const encodeSync = (text: string): Int32Array => {
    const out: Array<number> = []
    let offset = 0
    for (const piece of pieces(text)) {
      const whole = ids.get(piece)
      if (whole !== undefined) out.push(whole)
      else {
        let inner = 0
        for (const ch of piece) {
          const c = ids.get(ch)
          if (c === undefined) {
            const at = offset + inner
            throw new UnencodableText({ character: ch, offset: at, context: text.slice(Math.max(0, at - 16), at + 16) })
          }
          out.push(c)
          inner += ch.length
        }
      }
      offset += piece.length
    }
    return Int32Array.from(out)
  }
  const encode = (text: string) => Effect.try({ try: () => encodeSync(text), catch: (e) => e as UnencodableText })
  const withIds = (before: ReadonlyArray<number>, after: ReadonlyArray<number>) => (text: string) =>
    Effect.map(encode(text), (body) => Int32Array.from([...before, ...body, ...after]))
  const check = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i >= tokens.length) throw new UnknownTokenId({ id: i, size: tokens.length })
    return i
  }

  return {
    vocabulary,
    size: tokens.length,
    pad: id("<pad>"),
    bos: id("<bos>"),
    eot: id("<eot>"),
    thinkOpen: id("<think>"),
    thinkClose: id("</think>"),
    actionOpen: id("<action>"),
    actionClose: id("</action>"),
    encode,
    encodeSync,
    encodePrompt: withIds([id("<bos>")], []),
    encodeResponse: withIds([], [id("<eot>")]),
    decode: (xs) => {
      let s = ""
      for (let i = 0; i < xs.length; i++) s += rendered[check(xs[i])]
      return s
    },
    token: (i) => tokens[check(i)],
    uncovered: (text) => pieces(text).filter((p) => !ids.has(p))
  }
}

/** Options of `build`. */
export interface BuildOptions {
  /** What the vocabulary is for (stored in the file). */
  readonly name: string
  /** Numbers 0..maxNumber become whole tokens (larger ones are spelled by digits). */
  readonly maxNumber: number
}

/**
 * Builds a vocabulary from example texts, deterministically: the special tokens, the
 * alphabet, then every word and punctuation piece of the texts and every number up to
 * `maxNumber`, each bare and with a leading space, sorted by code unit.
 */
export const build = (texts: Iterable<string>, options: BuildOptions): VocabularyFile => {
  const fixed = new Set<string>([...specialTokens, ...alphabet])
  const words = new Set<string>()
  const add = (core: string) => {
    for (const t of [core, ` ${core}`]) if (!fixed.has(t)) words.add(t)
  }
  for (const text of texts) {
    for (const piece of pieces(text)) {
      const core = piece.startsWith(" ") ? piece.slice(1) : piece
      if (core.length > 0 && !/^\s$/.test(core) && !(markupTokens as ReadonlyArray<string>).includes(core)) add(core)
    }
  }
  for (let n = 0; n <= options.maxNumber; n++) add(String(n))
  const sorted = [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { format: "epo-word-vocabulary", version: 1, name: options.name, tokens: [...specialTokens, ...alphabet, ...sorted] }
}
