/// <reference types="node" />
import { EventEmitter } from "events";

declare global {
  interface Window {
    __APP_STATE__: AppState;
  }
  // Set by the bundler.
  var __DEV__: boolean;
}

declare module "express-serve-static-core" {
  interface Request {
    user?: import("./models").User;
  }
}

declare module "*.svg" {
  const url: string;
  export default url;
}

/** The charting library's public API. */
declare namespace Chart {
  type Kind = "bar" | "line";

  interface Options {
    kind: Kind;
    title?: string;
  }

  /** Creates a chart in el. */
  function create(el: HTMLElement, options?: Options): Instance;
  function create(selector: string, options?: Options): Instance;

  const version: string;

  class Instance extends EventEmitter {
    constructor(el: HTMLElement);
    readonly element: HTMLElement;
    update(data: number[]): void;
    protected render(): void;
    destroy(): void;
  }

  namespace util {
    function debounce<F extends (...args: any[]) => void>(fn: F, ms: number): F;
  }
}

declare const VERSION: string;
declare let mutableState: Chart.Options | null;

export = Chart;
export as namespace Chart;
