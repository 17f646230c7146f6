import { makeCircle, total, Square, Unit } from "./shapes";
import { square as sq, describe } from "./util";

export function run(): string {
  function label(x: number): string {
    return describe("area", x);
  }
  const c = makeCircle(2);
  const a = c.area();
  const all = total([c, new Square(3), new Unit(1)]);
  const f = sq;
  return label(a + all + f(1));
}
