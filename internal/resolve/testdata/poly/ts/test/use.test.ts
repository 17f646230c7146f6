import { util, Sub, Own, factory } from "mylib/core";
import * as core from "mylib/core";
import { three } from "mylib/v3";
import { Parser } from "mylib";
import make from "../src/make";

function helper(): number {
  return 0;
}

export function run(x: never): void {
  function helper(): number {
    return 2;
  }
  util.assertNever(x);
  new Sub(1).size();
  new Own();
  const s = factory();
  s.parse("a");
  const p = core.factory();
  p.parse("b");
  three();
  make();
  helper();
  new Parser();
}

export function other(): number {
  return helper();
}

import { operate, Stream, Sink } from "mylib/core";

export function flow(): Stream {
  return operate((source, sink) => {
    source.subscribe();
    sink.next(1);
    new Stream(function (sub) {
      sub.next(2);
    });
    factory().parse("c");
    source?.pipe().subscribe();
    [1, 2].map(three);
  });
}

class Derived extends Sink {
  next(v: number): void {
    super.next(v);
  }
}

export function withCleanup(list: Array<() => void>): void {
  list.push(function cleanup() {
    helper();
  });
}

class Widget {
  onClick(): void {}
  bind(el: { addEventListener(n: string, f: () => void): void }): void {
    el.addEventListener("click", this.onClick);
  }
}

export function mapAll(xs: number[], three: number): void {
  xs.map(factory);
  xs.map(three);
}
