import { outer, pick } from "./a";

export function main(): number {
  return outer() + pick(1);
}
