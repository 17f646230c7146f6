// Geometry primitives shared by the renderer.
import { strict as assert } from "node:assert";
import Big = require("big.js");

export namespace Geo.Shapes {
  /** A point in 2D space. */
  export interface Point {
    x: number;
    y: number;
  }

  export interface Shape {
    readonly kind: string;
    area(): number;
    [meta: string]: unknown;
  }

  export interface Scalable<T> {
    scale(factor: number): T;
  }

  /** A circle around a center point. */
  export class Circle implements Shape, Scalable<Circle> {
    readonly kind = "circle";
    declare tag?: string;
    static unit = new Circle({ x: 0, y: 0 }, 1);
    #cachedArea?: number;

    constructor(public center: Point, private radius: number) {}

    get diameter(): number {
      return this.radius * 2;
    }

    set diameter(value: number) {
      assert(value >= 0, "negative diameter");
      this.radius = value / 2;
      this.#cachedArea = undefined;
    }

    area(): number {
      return (this.#cachedArea ??= Math.PI * this.radius ** 2);
    }

    scale(factor: number): Circle {
      return new Circle(this.center, new Big(this.radius).times(factor).toNumber());
    }
  }

  export const Square = class implements Shape {
    kind = "square";
    constructor(private side: number) {}
    area() {
      return this.side * this.side;
    }
  };
}

/** Sums the areas of the given shapes. */
export function totalArea<S extends Geo.Shapes.Shape>(shapes: readonly S[]): number {
  return shapes.map((s) => s.area()).reduce(add, 0);
}

const add = (a: number, b: number): number => a + b;

export const palette = {
  primary: "#336699",
  lighten(color: string, amount = 0.1): string {
    return mix(color, "#ffffff", amount);
  },
} satisfies Record<string, unknown>;

export default {
  name: "shapes",
  install(app: App): void {
    app.provide(SHAPES_KEY, Geo.Shapes);
  },
};
