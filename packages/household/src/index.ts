/**
 * @epo/household: an ALFWorld-faithful household text engine (see docs/environments.md).
 * `HouseholdEnvironment.layer` provides the @epo/env Environment service.
 */
export * as Tables from "./Tables.js"
export * as Game from "./Game.js"
export * as Text from "./Text.js"
export * as Generate from "./Generate.js"
export * as Expert from "./Expert.js"
export * as Splits from "./Splits.js"
export * as Scene from "./Scene.js"
export * as HouseholdEnvironment from "./HouseholdEnvironment.js"
export { HouseholdSession, defaultMaxSteps, type SessionOptions } from "./Engine.js"
export * as Prompt from "./prompt/index.js"
export { corridor, registration } from "./Registration.js"
