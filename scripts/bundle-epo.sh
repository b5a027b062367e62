#!/usr/bin/env bash
# Builds a self-contained copy of the epo command (and the experiment driver) in
# dist/epo/: one ESM file per entry point plus the wasm binaries, runnable with a bare
# `node` on a machine without npm or node_modules (e.g. a larger machine for the
# experiment: `EPO_BIN=dist/epo/bin/epo.mjs node dist/epo/bin/experiment.mjs --parallel 12`).
# Both entry points sit in bin/ so that the shipped policy resolves to dist/epo/pretrained.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/epo
rm -rf "$out" && mkdir -p "$out/bin"
# CommonJS dependencies inside an ESM bundle need require/__dirname.
banner="import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; import { dirname as __dn } from 'path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
npx esbuild packages/pipeline/src/cli/main.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$out/bin/epo.mjs" --log-level=error --banner:js="$banner"
npx esbuild examples/experiment.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$out/bin/experiment.mjs" --log-level=error --banner:js="$banner"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/bin/"
cp packages/pipeline/package.json "$out/package.json"
cp -r packages/policy/pretrained "$out/pretrained"
# The native kernels, when built here: they load where libdnnl2 is installed; elsewhere
# the wasm kernels run and `epo train` says why.
if [ -f packages/native/build/Release/epo_native.node ]; then
  mkdir -p "$out/build/Release" && cp packages/native/build/Release/epo_native.node "$out/build/Release/"
fi
echo "bundled into $out ($(du -sh "$out" | cut -f1))"
