// Helpers the other files call.
export function square(n: number): number {
  return n * n;
}

export function describe(label: string, value: number): string {
  return label + "=" + value.toFixed(2);
}
