/**
 * Starting tfjs's WebGPU backend in Node through Dawn (the npm package `webgpu`), and
 * saying which piece is missing when it cannot start.
 *
 * Dawn for Node ships a prebuilt `dawn.node` that loads `libvulkan.so.1` at run time on
 * Linux; the Vulkan loader then needs a driver (an ICD file naming a library: a GPU
 * vendor's, or Mesa's CPU "llvmpipe" driver, `lvp_icd.json`). Dawn rejects Debian
 * bookworm's Mesa 22.3 driver; bookworm-backports' Mesa 25 works. tfjs-backend-webgpu
 * registers itself on import only when `navigator.gpu` exists, and its shaders use the
 * `GPUBufferUsage`-style constants as globals, so both are installed before its import.
 *
 * Both npm packages are optional dependencies of @epo/core, imported by a computed name
 * so that neither TypeScript nor the test bundler requires them.
 */
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"

/** What the machine offers Vulkan: the loader's path, and the driver (ICD) files found. */
export interface VulkanProbe {
  readonly loader: string | undefined
  readonly drivers: ReadonlyArray<string>
}

const libraryDirs = (): ReadonlyArray<string> => {
  const triple = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu"
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter((d) => d.length > 0)
  return [...fromEnv, `/usr/lib/${triple}`, `/lib/${triple}`, "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib"]
}

// The loader's search order (Vulkan-Loader docs, "Driver Discovery on Linux"): the
// environment's explicit files, else icd.d under the XDG and system directories.
const driverDirs = (): ReadonlyArray<string> => {
  const dataDirs = (process.env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share").split(":").filter((d) => d.length > 0)
  return ["/etc/vulkan/icd.d", ...dataDirs.map((d) => join(d, "vulkan/icd.d"))]
}

const listJson = (dir: string): ReadonlyArray<string> => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f))
  } catch {
    return []
  }
}

/** Looks for the Vulkan loader and driver files where the Linux loader looks for them. */
export const probeVulkan = (): VulkanProbe => {
  const loader = libraryDirs().map((d) => join(d, "libvulkan.so.1")).find((p) => existsSync(p))
  const explicit = (process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? "").split(":").filter((f) => f.length > 0)
  const drivers = explicit.length > 0 ? explicit.filter((f) => existsSync(f)) : [...new Set(driverDirs().flatMap(listJson))]
  return { loader, drivers }
}

/**
 * Why Dawn offered no adapter, from what the machine offers Vulkan: the first missing
 * piece, with the Debian packages that supply it.
 */
export const noAdapterReason = (platform: string, probe: VulkanProbe): string => {
  if (platform !== "linux") return `no WebGPU adapter: Dawn found no usable ${platform === "darwin" ? "Metal" : "D3D12 or Vulkan"} device`
  if (probe.loader === undefined) return "no Vulkan: the loader libvulkan.so.1 is not installed (apt-get install libvulkan1)"
  if (probe.drivers.length === 0) {
    return "no Vulkan driver: no ICD file in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d (a GPU vendor's Vulkan driver, or apt-get install -t bookworm-backports mesa-vulkan-drivers for the CPU llvmpipe driver)"
  }
  return `no WebGPU adapter: Dawn loaded Vulkan (${probe.loader}) but none of its drivers offered an adapter (${probe.drivers.join(", ")}); if the driver is Mesa's, Dawn rejects Mesa before 25 (Debian bookworm's 22.3): apt-get install -t bookworm-backports mesa-vulkan-drivers`
}

interface GpuAdapterInfo {
  readonly vendor?: string
  readonly architecture?: string
  readonly description?: string
}
interface Gpu {
  requestAdapter(): Promise<{ readonly info?: GpuAdapterInfo } | null>
}
interface DawnModule {
  create(flags: ReadonlyArray<string>): Gpu
  readonly globals: object
}

/** The outcome of starting WebGPU: the adapter's description, or the missing piece. */
export type WebGpuStart = { readonly ok: true; readonly adapter: string } | { readonly ok: false; readonly reason: string }

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!

const importOptional = async (name: string): Promise<unknown> => import(/* @vite-ignore */ name)

let started: Promise<WebGpuStart> | undefined

const start = async (): Promise<WebGpuStart> => {
  let dawn: DawnModule
  try {
    dawn = (await importOptional("webgpu")) as DawnModule
  } catch (e) {
    return { ok: false, reason: `no package: the npm package webgpu (Dawn for Node, an optional dependency of @epo/core) cannot be loaded: ${firstLine(e)}` }
  }
  const gpu = dawn.create([])
  const adapter = await gpu.requestAdapter().catch(() => null)
  if (adapter === null) return { ok: false, reason: noAdapterReason(process.platform, probeVulkan()) }
  Object.assign(globalThis, dawn.globals)
  const g = globalThis as { navigator?: object }
  if (g.navigator === undefined) Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true })
  else Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true })
  try {
    await importOptional("@tensorflow/tfjs-backend-webgpu")
  } catch (e) {
    return { ok: false, reason: `no package: @tensorflow/tfjs-backend-webgpu (an optional dependency of @epo/core) cannot be loaded: ${firstLine(e)}` }
  }
  const info = adapter.info ?? {}
  return { ok: true, adapter: [info.description || info.vendor || "unnamed adapter", info.architecture].filter((s) => s).join(", ") }
}

/**
 * Loads Dawn, asks it for an adapter and registers tfjs's "webgpu" backend, once per
 * process (tfjs keeps one registry; Dawn one instance).
 */
export const startWebGpu = (): Promise<WebGpuStart> => (started ??= start())
