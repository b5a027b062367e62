#!/usr/bin/env node
// The epo command: runs the bundle compiled ahead of time from the sources as they are
// (scripts/bundle.mjs; built at install, rebuilt here after a source changed), or the
// TypeScript sources through tsx when it cannot be built.
import * as fs from "node:fs"
import { pathToFileURL } from "node:url"
import { build, current, entryOf } from "../scripts/bundle.mjs"

let dir = current()
if (!fs.existsSync(entryOf(dir))) dir = await build(dir).catch(() => undefined)
if (dir !== undefined) await import(pathToFileURL(entryOf(dir)).href)
else {
  const { register } = await import("tsx/esm/api")
  register()
  await import("../src/cli/main.ts")
}
