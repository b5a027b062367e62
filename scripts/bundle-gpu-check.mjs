/**
 * The policy bench bundled for a machine without network or node_modules (a lent GPU
 * machine), used by scripts/gpu-check.sh: `node scripts/bundle-gpu-check.mjs OUT` writes
 *
 *   OUT/bench.mjs                     packages/policy/bench/policy.bench.ts and everything it imports
 *   OUT/node_modules/@tensorflow/tfjs-backend-webgpu/   its entry, sharing bench.mjs's chunks
 *   OUT/node_modules/webgpu/          Dawn for Node: index.js and the linux-x64 dawn.node
 *   OUT/chunks/, OUT/*.wasm           shared code; tfjs's wasm binaries
 *
 * @epo/core imports webgpu and tfjs-backend-webgpu by a computed name (both optional), so
 * Node resolves them at run time from OUT/node_modules. The backend is bundled as a second
 * entry point of the same build, so it and the bench share one copy of tfjs-core (one
 * kernel registry, one engine). Plain JavaScript: it runs before anything is compiled.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const out = path.resolve(process.argv[2] ?? "dist/gpu-check")
const modules = path.join(root, "node_modules")

// As packages/pipeline/scripts/bundle.mjs: CommonJS inside ESM output needs these.
const banner =
  "import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; import { dirname as __dn } from 'path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

fs.rmSync(out, { recursive: true, force: true })
const backendDir = path.join("node_modules", "@tensorflow", "tfjs-backend-webgpu")
const esbuild = await import("esbuild")
await esbuild.build({
  entryPoints: {
    bench: path.join(root, "packages", "policy", "bench", "policy.bench.ts"),
    [path.join(backendDir, "index")]: path.join(modules, "@tensorflow", "tfjs-backend-webgpu")
  },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: banner },
  logLevel: "warning"
})
fs.writeFileSync(path.join(out, backendDir, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-backend-webgpu", type: "module", main: "index.mjs" }))

const wasmDir = path.join(modules, "@tensorflow", "tfjs-backend-wasm", "dist")
for (const name of fs.readdirSync(wasmDir)) if (name.endsWith(".wasm")) fs.copyFileSync(path.join(wasmDir, name), path.join(out, name))

const dawn = path.join(out, "node_modules", "webgpu")
fs.mkdirSync(path.join(dawn, "dist"), { recursive: true })
for (const name of ["index.js", "package.json"]) fs.copyFileSync(path.join(modules, "webgpu", name), path.join(dawn, name))
fs.cpSync(path.join(modules, "webgpu", "dist", "linux-x64"), path.join(dawn, "dist", "linux-x64"), { recursive: true })
