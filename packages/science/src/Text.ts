/**
 * Text helpers of the input parser (input/InputParser.scala) that the object tree needs
 * too: Java's trim and the parser's tokenising, memoised.
 */

/** Java's String.trim: strips characters up to U+0020 at both ends. */
export const javaTrim = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && s.charCodeAt(a) <= 32) a++
  while (b > a && s.charCodeAt(b - 1) <= 32) b--
  return s.slice(a, b)
}

const stopWords = new Set(["a", "an", "the"])

/** InputParser.tokenize: trimmed, whitespace runs collapsed, split on spaces, "a"/"an"/"the" dropped. */
export const tokenize = (s: string): Array<string> =>
  javaTrim(s)
    .replace(/[ \t\n\x0B\f\r]+/g, " ")
    .split(" ")
    .filter((t) => !stopWords.has(t))

/** Strings `tokenize` would change: a stop word, a space run, other whitespace, or an untrimmed edge. */
const needsTokenizing = /(?:^| )(?:a|an|the)(?: |$)| {2}|[\t\n\x0B\f\r]|^[\x00-\x20]|[\x00-\x20]$/

const tokenized = new Map<string, string>()

/** tokenize(s).join(" "), memoised (the parser tokenises the same referents every step). */
export const tokenJoin = (s: string): string => {
  let t = tokenized.get(s)
  if (t === undefined) {
    if (tokenized.size > 100_000) tokenized.clear()
    t = needsTokenizing.test(s) ? tokenize(s).join(" ") : s
    tokenized.set(s, t)
  }
  return t
}
