/**
 * Summarises the two StrykerJS reports of `npm run mutate:objective` as JSON: the
 * mutation score (killed + timeout over killed + timeout + survived + no coverage;
 * compile and runtime errors excluded, as Stryker counts it) per file, over the
 * EPO-specific files and over all of packages/objective/src, and every mutant that was
 * not killed (docs/claims.md lists them with a reason).
 */
import { readFileSync } from "node:fs"

interface Mutant {
  readonly id: string
  readonly mutatorName: string
  readonly replacement?: string
  readonly status: string
  readonly location: { readonly start: { readonly line: number; readonly column: number } }
}
interface Report {
  readonly files: Record<string, { readonly mutants: ReadonlyArray<Mutant> }>
}

const epoSpecific = ["Smoothing", "EntropyHistory", "StepSchedule", "Presets", "Terms", "Aggregation", "Tokens", "PolicyLoss"].map(
  (name) => `packages/objective/src/${name}.ts`
)

const score = (mutants: ReadonlyArray<Mutant>) => {
  const count = (...statuses: Array<string>) => mutants.filter((m) => statuses.includes(m.status)).length
  const detected = count("Killed", "Timeout")
  const valid = detected + count("Survived", "NoCoverage")
  return { score: valid === 0 ? null : Math.round((1e4 * detected) / valid) / 100, detected, survived: count("Survived"), noCoverage: count("NoCoverage"), errors: count("CompileError", "RuntimeError") }
}

const summarise = (path: string) => {
  const report = JSON.parse(readFileSync(path, "utf8")) as Report
  const entries = Object.entries(report.files)
  const of = (files: ReadonlyArray<string>) => entries.filter(([file]) => files.includes(file)).flatMap(([, f]) => f.mutants)
  return {
    all: score(entries.flatMap(([, f]) => f.mutants)),
    epoSpecific: score(of(epoSpecific)),
    files: Object.fromEntries(entries.map(([file, f]) => [file.replace("packages/objective/src/", ""), score(f.mutants)])),
    notKilled: entries.flatMap(([file, f]) =>
      f.mutants
        .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
        .map((m) => `${m.status} ${file.replace("packages/objective/src/", "")}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(m.replacement ?? "")}`)
    )
  }
}

const which = process.argv.slice(2)
const runs = which.length > 0 ? which : ["properties", "suite"]
console.log(JSON.stringify(Object.fromEntries(runs.map((run) => [run, summarise(`reports/mutation/objective-${run}.json`)])), null, 2))
