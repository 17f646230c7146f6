export function button(label: string): string {
  return label;
}
