/** A pipeline spec that does not decode: every bad field, each with its dotted path. */
import { Data } from "effect"

export interface SpecIssue {
  /** Dotted path of the field, e.g. `rollout.groupSize` or `evaluation.splits[1]`. */
  readonly path: string
  readonly message: string
}

export class SpecError extends Data.TaggedError("SpecError")<{
  /** Where the spec came from: a file path, a preset name, `--set`. */
  readonly source: string
  readonly issues: ReadonlyArray<SpecIssue>
}> {
  override toString(): string {
    const n = this.issues.length
    const list = this.issues.map((i) => `${i.path}: ${i.message.replace(/\s*\n\s*/g, " ")}`).join("; ")
    return `invalid ${this.source} (${n} problem${n === 1 ? "" : "s"}): ${list}`
  }
}
