import { money, fmt, fmtns } from "@lib/index";
import { Wallet } from "@lib/money";
import { Purse } from "@core";
import * as _ from "lodash";

export class Cart {
  private wallet: Wallet;
  constructor(private purse: Purse) {
    this.wallet = new Wallet();
  }
  checkout(w: Wallet, other): string {
    w.add(1);
    this.wallet.total();
    this.purse.add(2);
    const p = new Purse();
    p.total();
    other.add(3);
    other.checkout(w, 1);
    _.map([]);
    fmtns.format("x");
    return fmt(money(1));
  }
}

class Other {
  add(n: number): void {}
}

export function describe(s: string): void {}
