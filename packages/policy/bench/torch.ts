/**
 * The PyTorch peer of the policy bench: shared/bench/torch_reference.py, which times the
 * same update step. On the CPU it runs as written (`--threads N` sets torch's and its BLAS
 * library's threads); on another device ("cuda") it runs under
 * `torch.set_default_device(device)` (torch ≥ 2.0), so that its model, inputs and
 * optimizer state are made there; each step ends in `loss.item()`, a device sync, so
 * its timing covers the device's work.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { resolve } from "node:path"

export interface TorchFigure {
  readonly tokens_per_s: number
  readonly ms_per_step: number
  readonly version: string
}

export interface TorchPeer {
  /** The Python interpreter that holds torch (Debian's: /usr/bin/python3). */
  readonly python: string
  readonly script: string
  /** "cpu", or a torch device such as "cuda". */
  readonly device: string
}

/**
 * The reference script beside the repository (`../shared/bench/`) or inside it
 * (`shared/bench/`, as on a lent machine), the first that exists.
 */
export const findScript = (repoRoot: string): string => {
  const candidates = [resolve(repoRoot, "../shared/bench/torch_reference.py"), resolve(repoRoot, "shared/bench/torch_reference.py")]
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!
}

/** Why the peer cannot run, or undefined when it can. */
export const unavailable = (peer: TorchPeer): string | undefined => {
  if (!existsSync(peer.script)) return `${peer.script} not found`
  const probe = `import torch; torch.empty(1, device=${JSON.stringify(peer.device)})`
  try {
    execFileSync(peer.python, ["-c", probe], { stdio: "ignore" })
    return undefined
  } catch {
    return `${peer.python} cannot import torch or make a tensor on ${peer.device}`
  }
}

// Runs the script as its own __main__ with the default device set first.
const onDevice = (device: string) =>
  `import runpy, sys, torch; torch.set_default_device(${JSON.stringify(device)}); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")`

/**
 * One run of the reference script: `steps` timed steps after one untimed one; `config`
 * overrides its configuration (e.g. `{ batch: 1 }`).
 */
export const run = (peer: TorchPeer, threads: number, steps: number, config: Readonly<Record<string, number>> = {}): TorchFigure => {
  const args = [peer.script, "--threads", String(threads), "--steps", String(steps), ...(Object.keys(config).length === 0 ? [] : ["--config", JSON.stringify(config)])]
  const argv = peer.device === "cpu" ? args : ["-c", onDevice(peer.device), ...args]
  const out = execFileSync(peer.python, argv, { encoding: "utf8" })
  return JSON.parse(out.trim().split("\n").at(-1)!) as TorchFigure
}
