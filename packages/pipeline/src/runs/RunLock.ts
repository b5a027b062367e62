/**
 * One writer per run. Whatever writes a run directory (`Train.run`, so `epo train` and
 * `epo train --resume`) holds `<run>/lock` while it does: a JSON file naming the writer's
 * process id, host and start time, created atomically (written aside, then hard-linked
 * into place, which fails when a lock exists). A second writer fails with `RunLocked`.
 * A lock left by a process that no longer exists on this host (killed, crashed) is
 * stale: the next writer removes it and takes the run over. The removal is guarded by
 * `<run>/lock.takeover` (created the same way): without it, a writer that judged the lock
 * stale could remove the fresh lock another one had just put in its place. Readers (`eval`, `report`,
 * `compare`) never take the lock; they only read it to tell a running run from a dead one.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Data, Effect, Option, Schema, type Scope } from "effect"
import { attempt, type RunStoreError, temporaryName } from "./Files.js"

export const fileName = "lock"

/** Held (briefly) by the one process removing a stale lock. */
export const takeoverName = `${fileName}.takeover`

export const LockFile = Schema.Struct({ pid: Schema.Int, host: Schema.String, since: Schema.String })
export type LockFile = typeof LockFile.Type

export class RunLocked extends Data.TaggedError("RunLocked")<{
  readonly dir: string
  /** The holder, or none when the lock file cannot be read. */
  readonly holder: Option.Option<LockFile>
  /** The holder is gone, but another process is taking the run over (it holds lock.takeover). */
  readonly takingOver?: boolean
}> {
  override toString(): string {
    const file = path.join(this.dir, fileName)
    if (this.takingOver === true)
      return `run ${this.dir}: another process is taking over the lock its dead writer left; try again (if none is, remove ${path.join(this.dir, takeoverName)})`
    return Option.match(this.holder, {
      onNone: () => `run ${this.dir} is locked by ${file}, which cannot be read: remove it if no process writes this run`,
      onSome: (h) =>
        `run ${this.dir} is being written by process ${h.pid} on ${h.host} (since ${h.since}); wait for it to finish or stop it (if no such process writes this run, remove ${file})`
    })
  }
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to someone else). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** The lock's holder as written, or none when there is no lock or it is unreadable. */
export const read = (dir: string): Option.Option<LockFile> => {
  try {
    return Option.some(Schema.decodeUnknownSync(LockFile)(JSON.parse(fs.readFileSync(path.join(dir, fileName), "utf8"))))
  } catch {
    return Option.none()
  }
}

/** Whether the holder is a live process: true for another host, whose processes cannot be checked. */
export const isLive = (holder: LockFile): boolean => holder.host !== os.hostname() || alive(holder.pid)

/** The live writer of the run in `dir`, if any. */
export const writer = (dir: string): Option.Option<LockFile> => Option.filter(read(dir), isLive)

/** Creates the lock file holding `content` unless one exists (true when created). */
const create = (file: string, content: string): boolean => {
  const aside = temporaryName(file)
  fs.writeFileSync(aside, content)
  try {
    fs.linkSync(aside, file)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false
    throw e
  } finally {
    fs.rmSync(aside, { force: true })
  }
}

const sameHolder = (a: LockFile, b: LockFile): boolean => a.pid === b.pid && a.host === b.host && a.since === b.since

/**
 * Removes the lock of the run in `dir` if it is still the `stale` one, holding the takeover
 * guard while it judges and removes; false (nothing removed) when another process holds it.
 */
const removeStale = (dir: string, stale: LockFile, content: string): boolean => {
  const guard = path.join(dir, takeoverName)
  if (!create(guard, content)) return false
  try {
    const now = read(dir)
    if (Option.isSome(now) && sameHolder(now.value, stale)) fs.rmSync(path.join(dir, fileName), { force: true })
    return true
  } finally {
    fs.rmSync(guard, { force: true })
  }
}

/** Removes the lock if this process holds it. */
const release = (dir: string): void => {
  const holder = read(dir)
  if (Option.isSome(holder) && holder.value.pid === process.pid && holder.value.host === os.hostname())
    fs.rmSync(path.join(dir, fileName), { force: true })
}

/**
 * Takes the lock of the run in `dir` (created if needed) for the enclosing Scope; it is
 * also released if the process exits while holding it (`process.exit`).
 */
export const acquire = (dir: string): Effect.Effect<void, RunLocked | RunStoreError, Scope.Scope> => {
  const root = path.resolve(dir)
  const file = path.join(root, fileName)
  const onExit = () => release(root)
  const take = Effect.gen(function* () {
    yield* attempt(root, () => fs.mkdirSync(root, { recursive: true }))
    const content = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() } satisfies LockFile) + "\n"
    // A stale lock is removed and the lock taken again; a second failure means another
    // writer took it in between.
    for (let tries = 0; tries < 2; tries++) {
      if (yield* attempt(file, () => create(file, content))) return
      const holder = read(root)
      if (Option.isNone(holder) || isLive(holder.value)) return yield* new RunLocked({ dir: root, holder })
      if (!(yield* attempt(file, () => removeStale(root, holder.value, content)))) return yield* new RunLocked({ dir: root, holder, takingOver: true })
    }
    return yield* new RunLocked({ dir: root, holder: read(root) })
  })
  return Effect.acquireRelease(
    Effect.tap(take, () => Effect.sync(() => process.on("exit", onExit))),
    () =>
      Effect.sync(() => {
        process.off("exit", onExit)
        release(root)
      })
  ).pipe(Effect.asVoid)
}
