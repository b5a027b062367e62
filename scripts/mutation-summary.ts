/**
 * Summarises the StrykerJS report of `npm run mutate:objective` as JSON: the mutation
 * score (killed + timeout over killed + timeout + survived + no coverage; compile and
 * runtime errors and ignored static mutants excluded, as Stryker counts it) per file,
 * over the EPO-specific files and over everything mutated, for the whole suite and for
 * the property tests alone, and every mutant that either leaves alive (docs/claims.md
 * lists them with a reason), and the static mutants a run with --ignoreStatic left out.
 *
 * The property tests ran first for each mutant (vitest.mutate.config.ts) and Stryker
 * stops at the first failing test, so a mutant is detected by the property tests alone
 * when a property test killed it, or it timed out (a timeout counts as detected, as in
 * Stryker's score). `npx tsx scripts/mutation-summary.ts properties` reads a report of
 * MUTATE_TESTS=properties instead.
 */
import { readFileSync } from "node:fs"

interface Mutant {
  readonly id: string
  readonly mutatorName: string
  readonly replacement?: string
  readonly status: string
  readonly killedBy?: ReadonlyArray<string>
  readonly location: { readonly start: { readonly line: number; readonly column: number } }
}
interface Report {
  readonly files: Record<string, { readonly mutants: ReadonlyArray<Mutant> }>
  readonly testFiles?: Record<string, { readonly tests: ReadonlyArray<{ readonly id: string }> }>
}

const epoSpecific = ["Smoothing", "EntropyHistory", "StepSchedule", "Presets", "Terms", "Aggregation", "Tokens", "PolicyLoss"].map(
  (name) => `packages/objective/src/${name}.ts`
)

const run = process.argv[2] === "properties" ? "properties" : "suite"
const report = JSON.parse(readFileSync(`reports/mutation/objective-${run}.json`, "utf8")) as Report
const propertyTests = new Set(
  Object.entries(report.testFiles ?? {})
    .filter(([file]) => file.includes("property-tests/"))
    .flatMap(([, f]) => f.tests.map((t) => t.id))
)

/** The status a mutant would have had with the property tests alone. */
const byProperties = (m: Mutant): string =>
  m.status === "Killed" && !(m.killedBy ?? []).some((id) => propertyTests.has(id)) ? "Survived" : m.status

const score = (statuses: ReadonlyArray<string>) => {
  const count = (...wanted: Array<string>) => statuses.filter((s) => wanted.includes(s)).length
  const detected = count("Killed", "Timeout")
  const valid = detected + count("Survived", "NoCoverage")
  return {
    score: valid === 0 ? null : Math.round((1e4 * detected) / valid) / 100,
    detected,
    survived: count("Survived"),
    noCoverage: count("NoCoverage"),
    timeout: count("Timeout"),
    errors: count("CompileError", "RuntimeError"),
    ignored: count("Ignored")
  }
}

const entries = Object.entries(report.files).map(([file, f]) => [file.replace("packages/objective/src/", ""), f.mutants, epoSpecific.includes(file)] as const)
const scores = (status: (m: Mutant) => string) => ({
  all: score(entries.flatMap(([, mutants]) => mutants.map(status))),
  epoSpecific: score(entries.filter(([, , epo]) => epo).flatMap(([, mutants]) => mutants.map(status))),
  files: Object.fromEntries(entries.map(([file, mutants]) => [file, score(mutants.map(status))]))
})
const listed = (status: (m: Mutant) => string, wanted: ReadonlyArray<string>) =>
  entries.flatMap(([file, mutants]) =>
    mutants
      .filter((m) => wanted.includes(status(m)))
      .map((m) => `${status(m)} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(m.replacement ?? "")}`)
  )
const alive = (status: (m: Mutant) => string) => listed(status, ["Survived", "NoCoverage"])

console.log(
  JSON.stringify(
    run === "properties"
      ? { properties: { ...scores((m) => m.status), notKilled: alive((m) => m.status) } }
      : {
          properties: { ...scores(byProperties), notKilled: alive(byProperties) },
          suite: { ...scores((m) => m.status), notKilled: alive((m) => m.status) },
          // static mutants left untested by --ignoreStatic
          ignored: listed((m) => m.status, ["Ignored"])
        },
    null,
    2
  )
)
