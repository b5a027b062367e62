/**
 * The file paths inside a spec's JSON form (today `policy.checkpoint`) are relative to the
 * folder of the file that holds the spec: a spec file resolves them against its own
 * folder, and a run writes them into its spec.json relative to the run directory, so a
 * run (with the checkpoint it started from, when that lies beside it) can be moved or
 * copied elsewhere. `--set` values are command-line paths: relative to the working
 * directory.
 */
import * as path from "node:path"

const mapCheckpoint = (json: unknown, f: (checkpoint: string) => string): unknown => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return json
  const policy = (json as Record<string, unknown>).policy
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) return json
  const checkpoint = (policy as Record<string, unknown>).checkpoint
  if (typeof checkpoint !== "string" || checkpoint === "") return json
  return { ...json, policy: { ...policy, checkpoint: f(checkpoint) } }
}

/** The spec with its relative paths made absolute against `dir` (the folder of its file). */
export const resolveAgainst = (json: unknown, dir: string): unknown => mapCheckpoint(json, (p) => path.resolve(dir, p))

/** The spec with its paths made relative to `dir` (where its file will be written). */
export const relativeTo = (json: unknown, dir: string): unknown =>
  mapCheckpoint(json, (p) => path.relative(path.resolve(dir), path.resolve(p)) || ".")
