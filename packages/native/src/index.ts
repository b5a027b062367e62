export * as Native from "./Registry.js"
export * as NativeOps from "./Ops.js"
export { howToInstall } from "./Addon.js"
