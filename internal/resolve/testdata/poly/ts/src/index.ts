export * from "./core/index.js";
export { three } from "./v3/index.js";
