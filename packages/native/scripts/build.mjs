// Builds the optional addon during `npm ci` / `npm install` (this package's install
// script; npm runs a workspace package's scripts without asking). One compiler call, no
// node-gyp: an N-API addon needs only Node's headers (include/node beside the node
// binary), oneDNN (Debian: libdnnl-dev) and OpenMP (gcc's libgomp).
//
// It never fails the install: when something is missing or the build fails it writes
// build/skipped.txt saying why and exits 0, and tfjs's own wasm kernels run instead.
// EPO_NATIVE_BUILD=0 skips the build; CC picks the compiler (default cc).
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const build = join(root, "build")
const output = join(build, "Release/epo_native.node")
const skippedFile = join(build, "skipped.txt")
const howTo = "apt-get install gcc libdnnl-dev, then npm rebuild @epo/native"

const skip = (why) => {
  rmSync(output, { force: true })
  mkdirSync(build, { recursive: true })
  writeFileSync(skippedFile, `not built: ${why}\n`)
  console.log(`@epo/native: not built (${why}); tfjs's wasm kernels will run. For the native kernels: ${howTo}.`)
  process.exit(0)
}

const run = (command, args, options = {}) => spawnSync(command, args, { encoding: "utf8", ...options })
const lastLines = (r) => `${r.error?.message ?? ""}${r.stderr ?? ""}${r.stdout ?? ""}`.trim().split("\n").slice(-3).join(" | ")

if (process.env.EPO_NATIVE_BUILD === "0") skip("EPO_NATIVE_BUILD=0")

const cc = process.env.CC || "cc"
if (run(cc, ["--version"]).status !== 0) skip(`no C compiler (${cc})`)

// Node's own headers: nothing may download them.
const headers = join(resolve(dirname(process.execPath), ".."), "include/node")
if (!existsSync(join(headers, "node_api.h"))) skip(`Node's headers are not in ${headers}`)

const probe = run(cc, ["-x", "c", "-", "-ldnnl", "-o", "/dev/null"], {
  input: "#include <dnnl.h>\nint main(void) { return dnnl_version()->major > 0 ? 0 : 1; }\n"
})
if (probe.status !== 0) skip("oneDNN (dnnl.h, libdnnl) not found")

mkdirSync(dirname(output), { recursive: true })
const sources = readdirSync(join(root, "csrc")).filter((f) => f.endsWith(".c")).map((f) => join(root, "csrc", f))
const flags = ["-O3", "-std=gnu11", "-fPIC", "-shared", "-fopenmp", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"]
const compiled = run(cc, [...flags, "-DNODE_GYP_MODULE_NAME=epo_native", `-I${headers}`, ...sources, "-ldnnl", "-o", output])
if (compiled.status !== 0) skip(`${cc} failed: ${lastLines(compiled)}`)

const loads = run(process.execPath, ["-e", `require(${JSON.stringify(output)}).info()`])
if (loads.status !== 0) skip(`built but does not load: ${lastLines(loads)}`)
rmSync(skippedFile, { force: true })
console.log("@epo/native: built the native kernels")
