export * as Epo from "./Epo.js"
export * as Compact from "./Compact.js"
export type { ParsedResponse } from "./Parsed.js"
export { type FormatName, type FormatOptions, formatNames, formats, make, type PromptFormat } from "./Format.js"
