export function pick(x: number): number;
export function pick(x: string): string;
export function pick(x: any): any {
  return x;
}

export function outer(): number {
  class Local {
    constructor(private n: number) {}
    twice(): number {
      return this.n * 2;
    }
  }
  const l = new Local(pick(2));
  return l.twice();
}
