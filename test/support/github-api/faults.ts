import { errorReply, type Reply } from "./errors.js";
import { compileRoute, type RoutePattern } from "./route-pattern.js";

export interface FaultOptions {
  /** How many matching requests fail before the route answers normally again; forever when unset. */
  times?: number;
  /** Replaces GitHub's default message for the status (e.g. "API rate limit exceeded for ..."). */
  message?: string;
  /** Extra response headers, e.g. `{ "retry-after": "1" }` or `x-ratelimit-remaining: "0"`. */
  headers?: Record<string, string>;
}

interface Fault {
  pattern: RoutePattern;
  status: number;
  remaining: number;
  message: string | undefined;
  headers: Record<string, string>;
}

/** Injected failures, checked before the real routes; the newest matching fault wins. */
export class FaultBook {
  private readonly faults: Fault[] = [];

  add(route: string, status: number, options: FaultOptions = {}): void {
    this.faults.unshift({
      pattern: compileRoute(route),
      status,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      message: options.message,
      headers: options.headers ?? {},
    });
  }

  /** The injected reply for this request, consuming one of the fault's `times`. */
  take(method: string, path: string): Reply | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && f.pattern.match(method, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    return { ...errorReply(fault.status, fault.message), headers: fault.headers };
  }
}
