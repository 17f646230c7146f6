export * from "./money";
export { format as fmt } from "./format";
export * as fmtns from "./format";
