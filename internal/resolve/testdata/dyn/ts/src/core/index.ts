export { Wallet as Purse } from "../lib";
