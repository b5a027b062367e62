/**
 * The epo command compiled ahead of time. esbuild bundles src/cli/main.ts with everything
 * it imports (dependencies included) into packages/pipeline/dist/epo/, one file per
 * dynamically imported part, so `npx epo` starts without compiling TypeScript and
 * `epo --help` without loading the tensor library.
 *
 *   node packages/pipeline/scripts/bundle.mjs                 build dist/epo (the root package's postinstall)
 *   node packages/pipeline/scripts/bundle.mjs --standalone D  a copy runnable without node_modules in D
 *                                                             (scripts/bundle-epo.sh)
 *
 * The bundle's folder is named for what it is built from (`current`: the paths, sizes and
 * modification times of the sources), so bin/epo.mjs finds it when the sources are
 * unchanged and builds a new one when one changed; processes that build at the same time
 * never write into a folder another one reads. Plain JavaScript: it runs before anything
 * is compiled.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(packageDir, "../..")
const distDir = path.join(packageDir, "dist")

// CommonJS dependencies inside ESM output need require/__dirname (tfjs's wasm backend finds
// its .wasm files next to the file that holds it).
const banner =
  "import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; import { dirname as __dn } from 'path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

const wasmDir = path.join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist")

/** The files the bundle is built from: the workspace sources, manifests and lockfile, and this script. */
const inputs = () => {
  const files = [path.join(root, "package.json"), path.join(root, "package-lock.json"), fileURLToPath(import.meta.url)]
  const packages = path.join(root, "packages")
  for (const name of fs.readdirSync(packages)) {
    files.push(path.join(packages, name, "package.json"))
    const src = path.join(packages, name, "src")
    if (!fs.existsSync(src)) continue
    for (const rel of fs.readdirSync(src, { recursive: true, encoding: "utf8" }))
      if (rel.endsWith(".ts") && !rel.endsWith(".test.ts")) files.push(path.join(src, rel))
  }
  return files
}

const signature = (file) => {
  try {
    const s = fs.statSync(file)
    return `${file}\0${s.size}\0${s.mtimeMs}`
  } catch {
    return `${file}\0missing`
  }
}

/** The folder of the bundle of the sources as they are now. */
export const current = () => path.join(distDir, `epo-${createHash("sha256").update(inputs().map(signature).join("\n")).digest("hex").slice(0, 16)}`)

/** The bundle's entry point in its folder. */
export const entryOf = (dir) => path.join(dir, "main.js")

/**
 * In the in-place bundle, `import.meta.url` of a workspace source is that source's own URL,
 * so paths it computes (the shipped policy, the package's version) resolve as from source.
 */
const sourceUrls = {
  name: "source-urls",
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, "utf8")
      return { contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" }
    })
  }
}

const bundle = async (options) => {
  const esbuild = await import("esbuild")
  await esbuild.build({
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: banner },
    logLevel: "silent",
    ...options
  })
}

/**
 * One script (a benchmark, say) compiled as the epo bundle is, into the single file
 * `outfile`: what it measures is the code that `epo` runs.
 */
export const buildScript = (entry, outfile) => bundle({ entryPoints: [entry], outfile, plugins: [sourceUrls] })

const copyWasm = (dir) => {
  for (const name of fs.readdirSync(wasmDir)) if (name.endsWith(".wasm")) fs.copyFileSync(path.join(wasmDir, name), path.join(dir, name))
}

/**
 * Builds the bundle into `dir` (by default `current()`): into a folder of its own first,
 * renamed into place once complete (when two processes build at once, the first rename
 * wins and the other result is dropped); older bundles are removed.
 */
export const build = async (dir = current()) => {
  const tmp = `${dir}.tmp-${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  await bundle({
    entryPoints: { main: path.join(packageDir, "src", "cli", "main.ts") },
    outdir: tmp,
    splitting: true,
    chunkNames: "[name]-[hash]",
    plugins: [sourceUrls]
  })
  copyWasm(tmp)
  try {
    fs.renameSync(tmp, dir)
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  for (const name of fs.readdirSync(distDir))
    if (name.startsWith("epo-") && name !== path.basename(dir) && !name.includes(".tmp-")) fs.rmSync(path.join(distDir, name), { recursive: true, force: true })
  return dir
}

/** A copy of epo (and the experiment driver) that runs with a bare `node`, with the shipped policy beside it. */
const standalone = async (out) => {
  fs.rmSync(out, { recursive: true, force: true })
  const bin = path.join(out, "bin")
  // Both entry points sit in bin/ so that the shipped policy resolves to <out>/pretrained.
  await bundle({
    entryPoints: { epo: path.join(packageDir, "src", "cli", "main.ts"), experiment: path.join(root, "examples", "experiment.ts") },
    outdir: bin,
    outExtension: { ".js": ".mjs" }
  })
  copyWasm(bin)
  fs.copyFileSync(path.join(packageDir, "package.json"), path.join(out, "package.json"))
  fs.cpSync(path.join(root, "packages", "policy", "pretrained"), path.join(out, "pretrained"), { recursive: true })
  // The native kernels, when built here (@epo/native finds them at <out>/build/Release): they
  // load where libdnnl2 is installed; elsewhere the wasm kernels run and `epo train` says why.
  const addon = path.join(root, "packages", "native", "build", "Release", "epo_native.node")
  if (fs.existsSync(addon)) {
    fs.mkdirSync(path.join(out, "build", "Release"), { recursive: true })
    fs.copyFileSync(addon, path.join(out, "build", "Release", "epo_native.node"))
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--standalone")
  try {
    if (at >= 0) await standalone(path.resolve(process.argv[at + 1] ?? "dist/epo"))
    else await build()
  } catch (e) {
    // Not fatal for an install: bin/epo.mjs then runs the sources through tsx.
    process.stderr.write(`epo bundle: not built (${e instanceof Error ? e.message.split("\n")[0] : String(e)})\n`)
    process.exitCode = at >= 0 ? 1 : 0
  }
}
