export default function makeThing(): number {
  return 1;
}
