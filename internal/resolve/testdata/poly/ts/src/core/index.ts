export namespace util {
  export function assertNever(x: never): never {
    throw new Error("unexpected " + x);
  }
}

export class Base {
  constructor(public n: number) {}
}

// Sub has no constructor: new Sub() runs Base's.
export class Sub extends Base {
  size(): number {
    return this.n;
  }
}

export class Own extends Base {
  constructor() {
    super(1);
  }
}

export class Parser {
  parse(s: string): string {
    return s;
  }
}

export function factory(): Parser {
  return new Parser();
}

export class Sink {
  next(v: number): void {}
}

export class Stream {
  constructor(init?: (this: Stream, sink: Sink) => void) {}
  pipe(): Stream {
    return this;
  }
  subscribe(): void {}
}

export function operate(init: (source: Stream, sink: Sink) => void): Stream {
  return new Stream();
}
