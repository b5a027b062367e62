/**
 * Where a run's spec comes from: a JSON file or a named preset (default: the `default`
 * preset), then `--set` overrides, then decoding; or the spec a run was started with.
 * Every problem is a SpecError naming the source and every bad field. Relative paths in a
 * spec file are relative to its folder (SpecPaths.ts).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import * as Overrides from "./Overrides.js"
import * as Presets from "./Presets.js"
import * as RunStore from "../runs/RunStore.js"
import * as SpecPaths from "./SpecPaths.js"
import * as Spec from "./Spec.js"
import { SpecError } from "./SpecError.js"

export interface SpecSource {
  /** A JSON file holding a spec. */
  readonly file?: string | undefined
  /** A preset name (Presets.ts). */
  readonly preset?: string | undefined
  /** `key=value` overrides. */
  readonly sets?: ReadonlyArray<string> | undefined
}

const fail = (source: string, path: string, message: string) => Effect.fail(new SpecError({ source, issues: [{ path, message }] }))

/** The spec's JSON form before overrides, and a label of where it came from. */
export const base = (source: SpecSource): Effect.Effect<{ readonly input: unknown; readonly label: string }, SpecError> => {
  if (source.file !== undefined && source.preset !== undefined)
    return fail("command line", "<root>", "give either a spec file or --preset, not both")
  if (source.file !== undefined) {
    const file = source.file
    return Effect.try({
      try: () => fs.readFileSync(file, "utf8"),
      catch: (e) => new SpecError({ source: `spec file ${file}`, issues: [{ path: "<root>", message: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(e) }] })
    }).pipe(
      Effect.flatMap((text) =>
        Effect.try({
          try: () => ({ input: SpecPaths.resolveAgainst(JSON.parse(text), path.dirname(path.resolve(file))), label: `spec file ${file}` }),
          catch: (e) => new SpecError({ source: `spec file ${file}`, issues: [{ path: "<root>", message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] })
        })
      )
    )
  }
  const name = source.preset ?? "default"
  return Presets.isPresetName(name)
    ? Effect.succeed({ input: Presets.presets[name], label: `preset "${name}"` })
    : fail("command line", "--preset", `unknown preset "${name}" (known: ${Presets.presetNames.join(", ")})`)
}

/** Resolves a spec source to a decoded spec. */
export const resolve = (source: SpecSource): Effect.Effect<Spec.PipelineSpec, SpecError> =>
  Effect.gen(function* () {
    const { input, label } = yield* base(source)
    const sets = source.sets ?? []
    const overrides = yield* Overrides.parse(sets)
    return yield* Spec.decode(Overrides.apply(input, overrides), sets.length === 0 ? label : `${label} with --set`)
  })

/** The spec of the run in `dir`, as it is now in its spec.json (paths relative to the run). */
export const ofRun = (dir: string): Effect.Effect<Spec.PipelineSpec, SpecError | RunStore.RunStoreError> => {
  const store = RunStore.make(dir)
  return Effect.flatMap(store.readSpecJson, (json) => Spec.decode(SpecPaths.resolveAgainst(json, store.dir), `spec of run ${dir}`))
}
