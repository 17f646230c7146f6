import { button } from "@ui/button";
import { money } from "@lib/money";

export function page(): string {
  return button("ok") + money(1);
}
