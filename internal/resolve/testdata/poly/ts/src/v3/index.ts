export function three(): number {
  return 3;
}
