#!/usr/bin/env bash
# Builds a self-contained copy of the epo command (and the experiment driver) in
# dist/epo/: one ESM file per entry point plus the wasm binaries, runnable with a bare
# `node` on a machine without npm or node_modules (e.g. a larger machine for the
# experiment: `EPO_BIN=dist/epo/bin/epo.mjs node dist/epo/bin/experiment.mjs --parallel 12`).
set -euo pipefail
cd "$(dirname "$0")/.."
node packages/pipeline/scripts/bundle.mjs --standalone dist/epo
echo "bundled into dist/epo ($(du -sh dist/epo | cut -f1))"
