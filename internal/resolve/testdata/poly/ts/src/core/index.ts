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
