import { money, Formatter } from "./format";
import * as path from "path";

export function total(items: number[]): string {
  const f = new Formatter();
  path.join("a", "b");
  return money(items.reduce((a, b) => a + b, 0)) + f.format(1);
}
