export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

export class Formatter {
  format(v: number): string {
    return this.prefix() + money(v);
  }
  prefix(): string {
    return "$";
  }
}
