import { square } from "./util";

export interface Shape {
  area(): number;
}

export class Circle implements Shape {
  constructor(private r: number) {}

  area(): number {
    return Math.PI * square(this.r);
  }
}

export class Square implements Shape {
  constructor(private side: number) {}

  area(): number {
    return square(this.side);
  }
}

export function total(shapes: Shape[]): number {
  let sum = 0;
  for (const s of shapes) {
    sum += s.area();
  }
  return sum;
}

export function makeCircle(r: number): Circle {
  return new Circle(r);
}

// A class with no constructor of its own: new Unit() runs Circle's.
export class Unit extends Circle {}
