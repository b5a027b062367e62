/**
 * @epo/environments: the environments a pipeline spec can name (`environment.name`), one
 * @epo/env Registration each, contributed by the environment packages. Adding an
 * environment is a package exporting its registration and one entry here (with the
 * dependency in package.json); the pipeline reads only this list. The order is the order
 * of the names in the spec's Schema.
 */
import { corridor, registration as household } from "@epo/household"
import { registration as science } from "@epo/science"

export const registrations = [household, corridor, science] as const
