/**
 * The environments a pipeline spec can name (verl style registry): the registrations of
 * @epo/environments, each contributed by its environment package (@epo/env
 * Registration), so adding one changes no file here. Each provides the @epo/env
 * `Environment` service as a Layer and says which splits and prompt formats it has, so a
 * spec naming one that does not exist fails at decode time, before any work.
 */
import type { Registration, SuccessRule } from "@epo/env"
import { registrations } from "@epo/environments"

type Registered = (typeof registrations)[number]
export type EnvironmentName = Registered["name"]
/** The experts whose commands warm starts clone: every environment's (household's; the others have one). */
export type ExpertName = Registered["experts"][number]

/** An environment as the pipeline uses it. */
export type EnvironmentInfo = Registration<ExpertName>

// Typed as the pipeline uses them: a registration that does not fit fails to compile here.
const registered: ReadonlyArray<EnvironmentInfo & { readonly name: EnvironmentName }> = registrations

export const names: ReadonlyArray<EnvironmentName> = registered.map((r) => r.name)
export const expertNames: ReadonlyArray<ExpertName> = [...new Set(registered.flatMap((r) => r.experts))]

const registry = Object.fromEntries(registered.map((r) => [r.name, r])) as Readonly<Record<EnvironmentName, EnvironmentInfo>>

export const info = (name: EnvironmentName): EnvironmentInfo => registry[name]

/** The Environment layer a spec names: its environment, warm-start expert and success rule. */
export const layer = (spec: {
  readonly environment: { readonly name: EnvironmentName; readonly success: SuccessRule }
  readonly warmStart: { readonly expert: ExpertName }
}) => info(spec.environment.name).layer({ expert: spec.warmStart.expert, success: spec.environment.success })

/**
 * The prompt format a spec names, from its environment's formats: its renderer, history
 * window and invalid-answer penalty (a bad format name is reported against
 * `environment.prompt`). Any value with a spec's `environment` and `rewards` will do.
 */
export const promptFormat = (spec: {
  readonly environment: { readonly name: EnvironmentName; readonly prompt: string; readonly historyLength: number }
  readonly rewards: { readonly invalidActionPenalty: number }
}) =>
  info(spec.environment.name).promptFormat(
    spec.environment.prompt,
    { historyLength: spec.environment.historyLength, recentActions: spec.environment.historyLength, penalty: spec.rewards.invalidActionPenalty },
    "environment.prompt"
  )
