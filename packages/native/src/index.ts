export * as Native from "./Registry.js"
export * as NativeOps from "./Ops.js"
