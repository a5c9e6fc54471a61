import type { GitHubClient } from "../report/github/client.js";
import type { SecretRegistry } from "./secrets.js";

/** Parts of a request that address it rather than carry content; the token is in `headers`. */
const ADDRESSING = new Set(["method", "url", "baseUrl", "headers", "request", "mediaType"]);

function redactValue(value: unknown, registry: SecretRegistry): unknown {
  if (typeof value === "string") return registry.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, registry));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactValue(item, registry)]),
    );
  }
  return value;
}

/**
 * Every request the client sends has its content redacted: comment bodies and any other
 * parameter, except those that address the request (the URL and what fills it in).
 */
export function redactRequests(client: GitHubClient, registry: SecretRegistry): void {
  client.hook.before("request", (options) => {
    const fields = options as unknown as Record<string, unknown>;
    const url = String(fields.url ?? "");
    for (const [key, value] of Object.entries(fields)) {
      if (ADDRESSING.has(key) || url.includes(`{${key}}`)) continue;
      fields[key] = redactValue(value, registry);
    }
  });
}
