// @ts-check
/**
 * Mutation testing of @epo/objective (docs/claims.md, "Mutation testing"):
 * `npm run mutate:objective` runs the whole objective suite, property tests first, and
 * scripts/mutation-summary.ts reads both scores (property tests alone, whole suite) from
 * its report. MUTATE_TESTS=properties runs the property tests alone. Not part of
 * `npm test`. Scope a run with `npx stryker run --mutate <file>,<file>`.
 */
const tests = process.env.MUTATE_TESTS === "properties" ? "properties" : "suite"

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutate.json",
  mutate: ["packages/objective/src/**/*.ts", "!packages/objective/src/**/*.test.ts", "!packages/objective/src/index.ts"],
  ignorePatterns: ["/examples", "/dist", "/reports", "/packages/*/bench", "/packages/household", "/packages/env", "/packages/pipeline", "/packages/policy", "/property-tests/env", "/property-tests/household", "/property-tests/pipeline", "/property-tests/policy"],
  coverageAnalysis: "perTest",
  // The machine's cores are shared: one test runner, one checker.
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/objective-${tests}.json` },
  clearTextReporter: { allowEmojis: false, reportScoreTable: true, reportMutants: true },
  tempDirName: `.stryker-tmp/${tests}`,
  cleanTempDir: "always"
}
