/**
 * The vitest configuration of `npm run mutate:objective` (stryker.config.mjs). Stryker
 * runs the tests in a sandbox copy of the project, where `@epo/objective` would still
 * resolve through node_modules to the unmutated sources: the alias points it at the
 * sandbox's copy. MUTATE_TESTS=properties runs the property tests alone (the claims and
 * the objective's own properties), MUTATE_TESTS=suite adds the objective's unit tests.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"
import base from "./vitest.config.js"

/** Unit tests (fast) before property tests (slow), so that a mutant is killed early. */
class UnitTestsFirst extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const sorted = await super.sort(files)
    const unit = (f: TestSpecification) => !f.moduleId.includes("/property-tests/")
    return [...sorted.filter(unit), ...sorted.filter((f) => !unit(f))]
  }
}

const properties = ["property-tests/objective/**/*.test.ts", "property-tests/claims/**/*.test.ts"]

export default defineConfig({
  resolve: { alias: { "@epo/objective": fileURLToPath(new URL("./packages/objective/src/index.ts", import.meta.url)) } },
  test: {
    ...base.test,
    runner: fileURLToPath(new URL("./scripts/stryker-vitest5-runner.ts", import.meta.url)),
    sequence: { sequencer: UnitTestsFirst },
    include: process.env.MUTATE_INCLUDE?.split(",") ?? (process.env.MUTATE_TESTS === "suite" ? ["packages/objective/src/**/*.test.ts", ...properties] : properties)
  }
})
