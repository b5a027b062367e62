/**
 * Durable file operations for the run store. Every write is atomic: the bytes go to a
 * temporary file in the same directory, which is fsynced and renamed over the target,
 * and the directory is fsynced so the rename itself survives a crash. A reader therefore
 * sees either the old or the new file, never a torn one.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Data, Effect } from "effect"

export class RunStoreError extends Data.TaggedError("RunStoreError")<{
  readonly path: string
  readonly reason: string
}> {
  override toString(): string {
    return `run store: ${this.path}: ${this.reason}`
  }
}

const reason = (e: unknown): string => {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code
    return code === "ENOENT"
      ? "no such file or directory"
      : code === "EACCES"
        ? "permission denied"
        : code === "ENOSPC"
          ? "no space left on device"
          : e.message.split("\n")[0]
  }
  return String(e)
}

/** Runs a synchronous file operation, turning a throw into a RunStoreError naming `target`. */
export const attempt = <A>(target: string, f: () => A): Effect.Effect<A, RunStoreError> =>
  Effect.try({ try: f, catch: (e) => new RunStoreError({ path: target, reason: reason(e) }) })

const fsyncPath = (target: string, flags: "r" | "r+"): void => {
  const fd = fs.openSync(target, flags)
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** fsync a directory (makes renames inside it durable); a no-op where directories cannot be opened. */
const fsyncDir = (dir: string): void => {
  try {
    fsyncPath(dir, "r")
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic.
  }
}

let counter = 0
export const temporaryName = (target: string): string => `${target}.tmp-${process.pid}-${counter++}`

/** Whether a file name is a temporary one of `writeAtomic` or `writeDirectoryAtomic`. */
export const isTemporary = (name: string): boolean => /\.tmp-\d+-\d+$/.test(name)

/** Writes `data` to `target` atomically (temp file + fsync + rename + fsync of the directory). */
export const writeAtomic = (target: string, data: string | Uint8Array): Effect.Effect<void, RunStoreError> =>
  attempt(target, () => {
    const dir = path.dirname(target)
    fs.mkdirSync(dir, { recursive: true })
    const tmp = temporaryName(target)
    const fd = fs.openSync(tmp, "w")
    try {
      fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, target)
    fsyncDir(dir)
  })

/**
 * Fills a fresh temporary directory with `fill`, fsyncs every file in it and renames it
 * to `target` (which must not exist): a directory appears complete or not at all.
 */
export const writeDirectoryAtomic = <E, R>(
  target: string,
  fill: (tmpDir: string) => Effect.Effect<void, E, R>
): Effect.Effect<void, E | RunStoreError, R> =>
  Effect.gen(function* () {
    const tmp = temporaryName(target)
    yield* attempt(tmp, () => fs.mkdirSync(tmp, { recursive: true }))
    const filled = yield* Effect.exit(fill(tmp))
    if (filled._tag === "Failure") {
      yield* attempt(tmp, () => fs.rmSync(tmp, { recursive: true, force: true })).pipe(Effect.ignore)
      return yield* filled
    }
    yield* attempt(tmp, () => {
      for (const name of listFiles(tmp)) fsyncPath(path.join(tmp, name), "r+")
      fsyncDir(tmp)
      if (fs.existsSync(target)) fs.rmSync(target, { recursive: true, force: true })
      fs.renameSync(tmp, target)
      fsyncDir(path.dirname(target))
    })
  })

/** Relative paths of the files under `dir`, sorted (recursive). */
export const listFiles = (dir: string): Array<string> => {
  const out: Array<string> = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : path.join(rel, entry.name)
      if (entry.isDirectory()) walk(child)
      else if (entry.isFile()) out.push(child)
    }
  }
  walk("")
  return out.sort()
}

/** sha256 of a string or bytes, hex. */
export const sha256 = (data: string | Uint8Array): string => crypto.createHash("sha256").update(data).digest("hex")

/** sha256 of each file under `dir`, by relative path. */
export const hashFiles = (dir: string): Effect.Effect<Record<string, string>, RunStoreError> =>
  attempt(dir, () => Object.fromEntries(listFiles(dir).map((name) => [name, sha256(fs.readFileSync(path.join(dir, name)))])))

/** One sha256 over a directory's file hashes: each relative path and its hash, in sorted order. */
export const combinedHash = (files: Readonly<Record<string, string>>): string => {
  const h = crypto.createHash("sha256")
  for (const name of Object.keys(files).sort()) h.update(`${name}\0${files[name]}\n`)
  return h.digest("hex")
}

/** sha256 over a directory's files (`combinedHash` of `hashFiles`). */
export const hashDirectory = (dir: string): Effect.Effect<string, RunStoreError> => Effect.map(hashFiles(dir), combinedHash)

export const readText = (target: string): Effect.Effect<string, RunStoreError> => attempt(target, () => fs.readFileSync(target, "utf8"))

export const exists = (target: string): boolean => fs.existsSync(target)
