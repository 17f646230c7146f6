export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

export class Wallet {
  add(n: number): void {}
  total(): number {
    this.add(0);
    return 0;
  }
}
