/**
 * A private, throwaway PostgreSQL server for tests (Debian's `postgresql` package): a
 * fresh data directory under the system's temporary folder, trust authentication on
 * 127.0.0.1 at a free port, started for the scope and stopped (and deleted) at its end.
 * Run as root it runs as the `postgres` user, as the server refuses root.
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"

/** The newest installed server's binaries, or undefined when there is none. */
export const binaries = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "postgres"))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  return newest === undefined ? undefined : path.join(root, newest, "bin")
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
    server.on("error", reject)
  })

const asServerUser = (command: string, args: ReadonlyArray<string>): [string, Array<string>] =>
  process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, [...args]]

/** A running server for the scope (`pg_ctl start`, then `pg_ctl stop` at its end): its connection URL. */
export const server = Effect.acquireRelease(
  Effect.sync(() => {
    const bin = binaries()
    if (bin === undefined) throw new Error("no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)")
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epo-pg-"))
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir])
    const data = path.join(dir, "data")
    const pgCtl = (...args: Array<string>) => execFileSync(...asServerUser(path.join(bin, "pg_ctl"), ["-D", data, ...args]), { stdio: "ignore" })
    execFileSync(...asServerUser(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "epo", "--no-sync"]), { stdio: "ignore" })
    return { dir, pgCtl }
  }).pipe(
    Effect.flatMap(({ dir, pgCtl }) =>
      Effect.promise(async () => {
        const port = await freePort()
        pgCtl("-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "-l", path.join(dir, "log"), "-w", "start")
        return { url: `postgres://epo@127.0.0.1:${port}/postgres`, dir, pgCtl }
      })
    )
  ),
  ({ dir, pgCtl }) =>
    Effect.sync(() => {
      pgCtl("-m", "fast", "-w", "stop")
      fs.rmSync(dir, { recursive: true, force: true })
    })
)
