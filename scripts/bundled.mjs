#!/usr/bin/env node
/**
 * Runs a TypeScript script compiled as the epo command is (esbuild, one ES module:
 * packages/pipeline/scripts/bundle.mjs) instead of through tsx. tsx's development
 * transform keeps function names, so every closure made in a loop is also renamed with
 * Object.defineProperty; on the science engine that makes a step 1.4 to 1.7 times slower
 * than in `epo`. Benchmarks of code that `epo` runs go through this.
 *
 *   node scripts/bundled.mjs ENTRY.ts [args...]
 *
 * The compiled file is node_modules/.cache/epo-bundled/<entry name>.mjs, rebuilt each run.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { buildScript } from "../packages/pipeline/scripts/bundle.mjs"

const [entry, ...args] = process.argv.slice(2)
if (entry === undefined || !fs.existsSync(entry)) {
  process.stderr.write(`usage: node scripts/bundled.mjs ENTRY.ts [args...]${entry === undefined ? "" : ` (no file ${entry})`}\n`)
  process.exit(2)
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const outfile = path.join(root, "node_modules", ".cache", "epo-bundled", `${path.basename(entry).replace(/\.ts$/, "")}.mjs`)
fs.mkdirSync(path.dirname(outfile), { recursive: true })
await buildScript(path.resolve(entry), outfile)
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: "inherit" })
process.exit(run.status ?? 1)
