import { formatMoney } from "./money";

export interface Item {
  sku: string;
  price: number;
}

/** A shopping cart. */
export class Cart {
  private items: Item[] = [];

  add(item: Item): void {
    this.items.push(item);
  }

  total(): string {
    return formatMoney(this.items.reduce((s, i) => s + i.price, 0));
  }
}
