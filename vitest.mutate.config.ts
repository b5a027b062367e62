/**
 * The vitest configuration of `npm run mutate:objective` (stryker.config.mjs). Stryker
 * runs the tests in a sandbox copy of the project, where `@epo/objective` would still
 * resolve through node_modules to the unmutated sources: the alias points it at the
 * sandbox's copy. MUTATE_TESTS=suite (the default) runs the property tests (the claims
 * and the objective's own properties) and then the objective's unit tests;
 * MUTATE_TESTS=properties runs the property tests alone.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"
import base from "./vitest.config.js"

/**
 * Property tests before unit tests. Stryker runs a mutant's tests one file after another
 * and stops at the first failure, so a mutant that a unit test kills ran every property
 * test covering it first: one run gives both scores (scripts/mutation-summary.ts).
 */
class PropertyTestsFirst extends BaseSequencer {
  override async sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const sorted = await super.sort(files)
    const property = (f: TestSpecification) => f.moduleId.includes("/property-tests/")
    return [...sorted.filter(property), ...sorted.filter((f) => !property(f))]
  }
}

const properties = ["property-tests/objective/**/*.test.ts", "property-tests/claims/**/*.test.ts"]

export default defineConfig({
  resolve: { alias: { "@epo/objective": fileURLToPath(new URL("./packages/objective/src/index.ts", import.meta.url)) } },
  test: {
    ...base.test,
    runner: fileURLToPath(new URL("./scripts/stryker-vitest5-runner.ts", import.meta.url)),
    sequence: { sequencer: PropertyTestsFirst },
    include: process.env.MUTATE_INCLUDE?.split(",") ?? (process.env.MUTATE_TESTS === "properties" ? properties : [...properties, "packages/objective/src/**/*.test.ts"])
  }
})
