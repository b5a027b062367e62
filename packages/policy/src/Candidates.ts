/**
 * The candidate actions of a turn for action scoring (Choice.ts): the environment's
 * admissible commands, `help` hidden as verl-agent's prompt hides it, each tokenized as a
 * response (the command's tokens then <eot>, so "go to cabinet 1" and a longer command
 * it prefixes are distinct sequences). Commands repeat across turns and episodes, so
 * their encodings are memoised per encoder.
 */
import type { ChoiceRow } from "./Choice.js"
import type { Tokenizer } from "./tokenizer/Tokenizer.js"

export interface Candidates {
  /** The commands, in the environment's order; `row.candidates[j]` encodes `commands[j]`. */
  readonly commands: ReadonlyArray<string>
  readonly candidates: ReadonlyArray<Int32Array>
  /** Words of each command (TWOSOME's word normalisation). */
  readonly words: ReadonlyArray<number>
}

/** Commands a policy never chooses: `help` only prints the command list. */
export const hidden: ReadonlySet<string> = new Set(["help"])

export interface CandidateEncoder {
  readonly candidates: (admissible: ReadonlyArray<string>) => Candidates
  /** A choice row: `<bos>` + the prompt (its newest tokens when over budget) and the candidates. */
  readonly row: (prompt: string, admissible: ReadonlyArray<string>, context: number) => ChoiceRow & Candidates
}

/** Encodes with `tokenizer`; throws its UnencodableText on text outside the alphabet. */
export const encoder = (tokenizer: Pick<Tokenizer, "bos" | "eot" | "encodeSync">): CandidateEncoder => {
  const memo = new Map<string, Int32Array>()
  const encode = (command: string): Int32Array => {
    let ids = memo.get(command)
    if (ids === undefined) {
      ids = Int32Array.from([...tokenizer.encodeSync(command), tokenizer.eot])
      memo.set(command, ids)
    }
    return ids
  }
  const candidates = (admissible: ReadonlyArray<string>): Candidates => {
    const commands = admissible.filter((c) => !hidden.has(c))
    return { commands, candidates: commands.map(encode), words: commands.map((c) => c.trim().split(/\s+/).length) }
  }
  return {
    candidates,
    row: (prompt, admissible, context) => {
      const c = candidates(admissible)
      const budget = context - Math.max(0, ...c.candidates.map((x) => x.length))
      const body = tokenizer.encodeSync(prompt)
      const kept = body.length + 1 <= budget ? body : body.subarray(body.length - Math.max(0, budget - 1))
      return { ...c, prompt: Int32Array.from([tokenizer.bos, ...kept]) }
    }
  }
}
