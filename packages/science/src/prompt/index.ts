export * as Epo from "./Epo.js"
export * as Compact from "./Compact.js"
export type { ParsedResponse } from "@epo/env"
export { type FormatName, type FormatOptions, formatNames, formats, make, type PromptFormat } from "./Format.js"
