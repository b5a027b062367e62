/**
 * The vitest runner of `npm run mutate:objective` (vitest.mutate.config.ts), nothing else.
 *
 * StrykerJS 10 knows vitest 5 but needs Node >= 22; StrykerJS 9.6.1 runs on Node 20 but
 * filters the tests of a mutant by a name pattern joined with vitest <= 4's separator
 * ("suite test"), while vitest 5 matches patterns against "suite > test": every test of
 * a describe block would be skipped and every mutant would survive. This runner lets
 * each space of the pattern match either separator (a test with spaces in its own name
 * still matches; at worst a few more tests run).
 */
import { type SerializedConfig, TestRunner } from "vitest"

const bothSeparators = (pattern: RegExp | string): RegExp => {
  const source = typeof pattern === "string" ? pattern : pattern.source
  return new RegExp(source.replaceAll(" ", "(?: > | )"), typeof pattern === "string" ? "" : pattern.flags)
}

export default class StrykerVitest5Runner extends TestRunner {
  constructor(config: SerializedConfig) {
    const pattern = config.testNamePattern
    super(pattern === undefined || pattern === null ? config : { ...config, testNamePattern: bothSeparators(pattern) })
  }
}
