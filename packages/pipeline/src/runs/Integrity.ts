/**
 * A run's files checked against the sha256 recorded when they were written: a checkpoint
 * against its index entry, the KL reference against the manifest. Flipped bytes that
 * still parse would otherwise be evaluated or trained on silently; a mismatch is an
 * IntegrityError naming the file. (Non-finite weights are refused by the checkpoint
 * loader of @epo/policy; spec.json is checked against the manifest when a run resumes.)
 */
import * as path from "node:path"
import { Data, Effect } from "effect"
import { exists, hashDirectory, hashFiles, type RunStoreError } from "./Files.js"
import type { CheckpointEntry } from "./Records.js"
import * as RunStore from "./RunStore.js"

export class IntegrityError extends Data.TaggedError("IntegrityError")<{ readonly file: string; readonly reason: string }> {
  override toString(): string {
    return `integrity check: ${this.file}: ${this.reason}`
  }
}

/** Checks the files under `dir` against the sha256 of each, by relative path. */
export const verifyFiles = (dir: string, recorded: Readonly<Record<string, string>>): Effect.Effect<void, IntegrityError | RunStoreError> =>
  Effect.gen(function* () {
    const actual = yield* hashFiles(dir)
    for (const [name, hash] of Object.entries(recorded)) {
      const file = path.join(dir, name)
      if (actual[name] === undefined) return yield* new IntegrityError({ file, reason: "is missing" })
      if (actual[name] !== hash) return yield* new IntegrityError({ file, reason: "does not match the sha256 recorded when it was written (damaged or edited)" })
    }
    const extra = Object.keys(actual).find((name) => recorded[name] === undefined)
    if (extra !== undefined) return yield* new IntegrityError({ file: path.join(dir, extra), reason: "was not there when the directory was written" })
  })

/** Checks a checkpoint directory against its index entry (runs older than per-file hashes: the directory's hash). */
export const verifyCheckpoint = (dir: string, entry: CheckpointEntry): Effect.Effect<void, IntegrityError | RunStoreError> =>
  entry.files !== undefined
    ? verifyFiles(dir, entry.files)
    : Effect.flatMap(hashDirectory(dir), (hash) =>
        hash === entry.hash ? Effect.void : Effect.fail(new IntegrityError({ file: dir, reason: "its files do not match the sha256 recorded when it was saved (damaged or edited)" }))
      )

/**
 * Checks `dir` when it is a checkpoint of a run (`<run>/checkpoints/<name>` listed in the
 * run's index); any other directory (the shipped policy, say) has no recorded hashes.
 */
export const verifyIfRecorded = (dir: string): Effect.Effect<void, IntegrityError | RunStoreError> =>
  Effect.gen(function* () {
    const absolute = path.resolve(dir)
    const parent = path.dirname(absolute)
    const run = path.dirname(parent)
    if (path.basename(parent) !== RunStore.files.checkpoints || !exists(path.join(run, RunStore.files.index))) return
    const index = yield* RunStore.make(run).readIndex
    const entry = index.checkpoints.find((e) => e.name === path.basename(absolute))
    if (entry !== undefined) yield* verifyCheckpoint(absolute, entry)
  })
