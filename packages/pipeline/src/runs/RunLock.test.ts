import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { describe, expect } from "vitest"
import * as RunLock from "./RunLock.js"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "epo-lock-"))

/** The pid of a process that has exited. */
const deadPid = (): number => Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout)

const writeLock = (dir: string, holder: RunLock.LockFile) => fs.writeFileSync(path.join(dir, RunLock.fileName), JSON.stringify(holder))

describe("RunLock", () => {
  it.effect("held for a scope: a second taker fails with a one-line error naming the holder; released at the end", () =>
    Effect.gen(function* () {
      const dir = tmp()
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* RunLock.acquire(dir)
          expect(Option.getOrThrow(RunLock.writer(dir)).pid).toBe(process.pid)
          const second = yield* Effect.scoped(RunLock.acquire(dir)).pipe(Effect.flip)
          expect(second._tag).toBe("RunLocked")
          expect(String(second)).toContain(`being written by process ${process.pid}`)
          expect(String(second)).not.toContain("\n")
          // The failed attempt left the holder's lock alone.
          expect(Option.isSome(RunLock.writer(dir))).toBe(true)
        })
      )
      expect(fs.existsSync(path.join(dir, RunLock.fileName))).toBe(false)
      expect(fs.readdirSync(dir)).toEqual([])
    })
  )

  it.effect("a lock left by a process that no longer exists is taken over", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const pid = deadPid()
      writeLock(dir, { pid, host: os.hostname(), since: "2026-01-01T00:00:00.000Z" })
      expect(Option.isNone(RunLock.writer(dir))).toBe(true)
      yield* Effect.scoped(Effect.andThen(RunLock.acquire(dir), Effect.sync(() => expect(Option.getOrThrow(RunLock.writer(dir)).pid).toBe(process.pid))))
    })
  )

  it.effect("while another process takes a stale lock over (it holds lock.takeover), the lock is neither taken nor removed", () =>
    Effect.gen(function* () {
      const dir = tmp()
      const stale = { pid: deadPid(), host: os.hostname(), since: "2026-01-01T00:00:00.000Z" }
      writeLock(dir, stale)
      fs.writeFileSync(path.join(dir, RunLock.takeoverName), JSON.stringify({ pid: process.pid, host: os.hostname(), since: "2026-01-01T00:00:01.000Z" }))
      const refused = String(yield* Effect.scoped(RunLock.acquire(dir)).pipe(Effect.flip))
      expect(refused).toBe(`run ${dir}: another process is taking over the lock its dead writer left; try again (if none is, remove ${path.join(dir, RunLock.takeoverName)})`)
      expect(Option.getOrThrow(RunLock.read(dir))).toEqual(stale)
      // Once the guard is gone the stale lock is taken over, and the guard is not left behind.
      fs.rmSync(path.join(dir, RunLock.takeoverName))
      yield* Effect.scoped(Effect.andThen(RunLock.acquire(dir), Effect.sync(() => expect(Option.getOrThrow(RunLock.writer(dir)).pid).toBe(process.pid))))
      expect(fs.readdirSync(dir)).toEqual([])
    })
  )

  it.effect("a lock of another host or an unreadable lock is never taken over", () =>
    Effect.gen(function* () {
      const dir = tmp()
      writeLock(dir, { pid: deadPid(), host: `not-${os.hostname()}`, since: "2026-01-01T00:00:00.000Z" })
      expect(String(yield* Effect.scoped(RunLock.acquire(dir)).pipe(Effect.flip))).toContain(`on not-${os.hostname()}`)
      fs.writeFileSync(path.join(dir, RunLock.fileName), "{")
      expect(String(yield* Effect.scoped(RunLock.acquire(dir)).pipe(Effect.flip))).toContain("cannot be read")
    })
  )
})
