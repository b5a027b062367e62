/**
 * What a run's manifest records about where it ran: runtime and library versions and the
 * git commit of the code (with whether the work tree had uncommitted changes).
 */
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as tf from "@tensorflow/tfjs"
// Imported, not read by a path relative to this file, so that a bundle carries it.
import pipelinePackage from "../../package.json" with { type: "json" }

const require = createRequire(import.meta.url)

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version
  } catch {
    return "unknown"
  }
}

export const versions = (): Record<string, string> => ({
  node: process.versions.node,
  effect: packageVersion("effect"),
  tfjs: tf.version.tfjs,
  "tfjs-backend-wasm": packageVersion("@tensorflow/tfjs-backend-wasm"),
  epo: pipelinePackage.version
})

const git = (args: ReadonlyArray<string>): string | undefined => {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).trim()
  } catch {
    return undefined
  }
}

/** The commit of the working directory's repository ("unknown" outside git) and whether it has uncommitted changes. */
export const gitState = (): { readonly commit: string; readonly dirty: boolean } => {
  const commit = git(["rev-parse", "HEAD"])
  return commit === undefined ? { commit: "unknown", dirty: false } : { commit, dirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "" }
}
