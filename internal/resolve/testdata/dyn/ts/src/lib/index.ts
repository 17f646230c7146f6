export * from "./money";
export { format as fmt } from "./format";
