import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "property-tests/**/*.test.ts", "examples/**/*.test.ts"],
    setupFiles: ["./scripts/fast-check-seed.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // CI has 2 cores; tfjs-wasm and property tests are CPU-bound.
    maxWorkers: 2,
    // tfjs suggests installing tfjs-node on the first use of its cpu backend in every
    // process, so once per test file; the epo command turns it off the same way (PROD).
    onConsoleLog: (log) => !log.includes("install our node backend")
  }
})
