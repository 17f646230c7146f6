/**
 * Data access layer for users and orders.
 */
import { Injectable, Inject } from "@angular/core";
import type { Observable } from "rxjs";
import * as Rx from "rxjs/operators";
import HttpClient, { type RequestOptions, HttpError as Failure } from "./http";
import config = require("./config");
import "reflect-metadata";
export type { UserDto } from "./dto";
export * from "./errors";

/** Identifier of any persisted entity. */
export type ID = string | number;

/** Lifecycle state of an order. */
export enum OrderStatus {
  Pending = "pending",
  Shipped = "shipped",
  /** Delivered to the customer. */
  Delivered = "delivered",
}

export const enum Flags {
  None = 0,
  Dirty = 1 << 0,
}

/** Anything that can be stored. */
export interface Entity {
  readonly id: ID;
  createdAt?: Date;
}

/** Generic repository contract. */
export interface Repository<T extends Entity> extends Disposable {
  find(id: ID): Promise<T | undefined>;
  save(entity: T): Promise<T>;
  onChange?: (entity: T) => void;
}

export type Mapper<In, Out> = {
  map(input: In): Out;
  readonly name: string;
};

export namespace Models {
  export interface User extends Entity {
    name: string;
    email: Email;
  }

  export namespace Billing {
    export const CURRENCY = "EUR";

    export function total(orders: Order[]): number {
      return orders.reduce((sum, o) => sum + o.amount, 0);
    }
  }
}

/** Base class for HTTP-backed repositories. */
export abstract class HttpRepository<T extends Entity> implements Repository<T> {
  protected static readonly retries = 3;
  private cache = new Map<ID, T>();

  constructor(protected readonly http: HttpClient, private baseUrl: string = config.apiUrl) {}

  abstract toEntity(raw: unknown): T;

  async find(id: ID): Promise<T | undefined> {
    if (this.cache.has(id)) {
      return this.cache.get(id);
    }
    const raw = await this.http.get<RawRecord>(`${this.baseUrl}/${id}`);
    return this.remember(this.toEntity(raw));
  }

  save(entity: T): Promise<T>;
  save(entity: T, options: RequestOptions): Promise<T>;
  async save(entity: T, options?: RequestOptions): Promise<T> {
    try {
      await this.http.put(this.urlFor(entity), entity, options);
    } catch (e) {
      throw new Failure((e as Error).message);
    }
    return this.remember(entity);
  }

  protected urlFor(entity: T): string {
    return `${this.baseUrl}/${entity.id}`;
  }

  private remember = (entity: T): T => {
    this.cache.set(entity.id, entity);
    return entity;
  };

  [Symbol.dispose](): void {
    this.cache.clear();
  }
}

/** Users backed by the REST API. */
@Injectable({ providedIn: "root" })
export class UserRepository extends HttpRepository<Models.User> {
  constructor(@Inject(HttpClient) http: HttpClient) {
    super(http, "/api/users");
  }

  toEntity(raw: unknown): Models.User {
    return validateUser(raw as Record<string, unknown>);
  }

  /** Streams users as they change. */
  @Memoize()
  changes(): Observable<Models.User> {
    return this.http
      .stream<Models.User>("/api/users/changes")
      .pipe(Rx.map((u) => this.toEntity(u)));
  }
}

export function createRepository<T extends Entity>(kind: "user", http: HttpClient): Repository<T>;
export function createRepository<T extends Entity>(kind: string, http: HttpClient): Repository<T> {
  const repos: Record<string, () => Repository<any>> = {
    user: () => new UserRepository(http),
  };
  return repos[kind]() as Repository<T>;
}

declare function validateUser(raw: Record<string, unknown>): Models.User;
