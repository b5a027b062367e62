/**
 * Where a resumed run continues: the newest checkpoint of its index that passes `check`
 * (for training: its files match their recorded sha256, it loads with finite weights and
 * optimiser state, its trainer state decodes). Damaged newer checkpoints are skipped and
 * reported, so one bad write costs the steps since the previous checkpoint, not the run.
 */
import * as path from "node:path"
import { Data, Effect } from "effect"
import type { RunStoreError } from "./Files.js"
import { files, type RunStoreShape, type SavedCheckpoint } from "./RunStore.js"

export class NoValidCheckpoint extends Data.TaggedError("NoValidCheckpoint")<{
  readonly dir: string
  readonly skipped: ReadonlyArray<Skipped>
}> {
  override toString(): string {
    return this.skipped.length === 0
      ? `${this.dir} has no checkpoint to resume from`
      : `no checkpoint of ${this.dir} can be resumed: ${this.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`
  }
}

export interface Skipped {
  readonly name: string
  /** The one-line error that ruled it out. */
  readonly reason: string
}

export interface ResumePoint {
  readonly checkpoint: SavedCheckpoint
  /** Newer checkpoints that failed the check, newest first. */
  readonly skipped: ReadonlyArray<Skipped>
}

export const newestValid = <E, R>(
  store: RunStoreShape,
  check: (checkpoint: SavedCheckpoint) => Effect.Effect<unknown, E, R>
): Effect.Effect<ResumePoint, NoValidCheckpoint | RunStoreError, R> =>
  Effect.gen(function* () {
    const index = yield* store.readIndex
    const skipped: Array<Skipped> = []
    for (const entry of [...index.checkpoints].sort((a, b) => b.step - a.step)) {
      const checkpoint = { ...entry, path: store.pathOf(path.join(files.checkpoints, entry.name)) }
      const checked = yield* Effect.exit(check(checkpoint))
      if (checked._tag === "Success") return { checkpoint, skipped }
      const reason = checked.cause.reasons.map((r) => (r._tag === "Fail" ? String(r.error) : r._tag === "Die" ? String(r.defect) : "interrupted")).join("; ")
      skipped.push({ name: entry.name, reason: reason.replace(/\s*\n\s*/g, " ") })
    }
    return yield* new NoValidCheckpoint({ dir: store.dir, skipped })
  })
