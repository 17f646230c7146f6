/**
 * Inventory management for the storefront.
 * @module inventory
 */
import EventEmitter from "events";
import * as path from "node:path";
import { readFile, writeFile as save } from "fs/promises";
import defaultLogger, { levels } from "./logger.js";
import "./polyfills.js";
export { formatPrice, formatDate as date } from "./format.js";
export * from "./types.js";
export * as money from "./money.js";

/** Maximum number of items kept in memory. */
export const MAX_ITEMS = 500;

let instanceCount = 0;
var legacyFlag = true, legacyMode;

/**
 * Computes a checksum of the given record.
 * @param {object} record
 * @returns {string}
 */
export function checksum(record, seed = defaultSeed()) {
  const json = JSON.stringify(record);
  return hash(json + seed).slice(0, 8);
}

function defaultSeed() {
  return Math.random().toString(36);
}

// Loads the formatter lazily.
export const loadFormatter = async (locale) => {
  const mod = await import("./formatters/intl.js");
  return mod.create(locale);
};

/** Base store with change notification. */
class Store extends EventEmitter {
  #items = new Map();
  static defaultName = "store";
  onChange = (key) => this.emit("change", key);

  constructor(name = Store.defaultName) {
    super();
    this.name = name;
    instanceCount++;
  }

  /** Returns the item stored under key. */
  get(key) {
    return this.#items.get(key);
  }

  set(key, value) {
    this.#validate(value);
    this.#items.set(key, value);
    this.onChange(key);
    return this;
  }

  get size() {
    return this.#items.size;
  }

  #validate(value) {
    if (!isValid(value)) throw new TypeError("invalid value");
  }

  *entries() {
    yield* this.#items.entries();
  }
}

/**
 * Inventory keeps stock levels per SKU.
 */
export class Inventory extends Store {
  /** Immutable view of the stock. */
  static Snapshot = class {
    constructor(items) {
      this.items = items;
    }

    toJSON() {
      return Object.fromEntries(this.items);
    }
  };

  async load(file) {
    const text = await readFile(path.join(process.cwd(), file), "utf8");
    JSON.parse(text).forEach((row) => {
      this.set(row.sku, row.count);
      defaultLogger.debug(levels.DEBUG, row.sku);
    });
  }

  async persist(file) {
    const snapshot = new Inventory.Snapshot([...this.entries()]);
    await save(file, JSON.stringify(snapshot));
    return checksum(snapshot);
  }

  restock(sku, count) {
    return this.set(sku, (this.get(sku) ?? 0) + count).emit("restock", sku);
  }
}

/** Creates an inventory wired to the error log. */
export default function createInventory(options) {
  const inv = new Inventory(options.name);
  const onError = function (err) {
    console.error(err);
  };
  inv.on("error", onError);
  return inv;
}
