import pg from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import type { Logger } from "../log/logger.js";
import { errorText } from "./errors.js";

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

/** Only these fail for reasons a retry can fix; a wrong password or database never will. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P03",
]);

export interface ConnectOptions {
  /** Absent: the standard PG* environment variables, as psql uses them. */
  url?: URL;
  logger: Logger;
  attempts?: number;
  firstDelayMs?: number;
  env?: Record<string, string | undefined>;
}

/** A server that takes the TCP connection and never answers must not hold a run for hours. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * libpq's `connect_timeout` (seconds, in the URL, or PGCONNECT_TIMEOUT): values below 2 count as
 * 2, as in libpq. 0 (libpq: wait forever) and anything unreadable mean the 30 s default: nothing
 * here waits forever.
 */
export function connectTimeoutMs(
  url: URL | undefined,
  env: Record<string, string | undefined> = process.env,
): number {
  const raw = url ? url.searchParams.get("connect_timeout") : env.PGCONNECT_TIMEOUT;
  const seconds = Number(raw ?? "");
  if (raw === null || raw === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    return DEFAULT_CONNECT_TIMEOUT_MS;
  }
  return Math.max(2, Math.floor(seconds)) * 1000;
}

function clientConfig(url: URL | undefined): pg.ClientConfig {
  const common = {
    application_name: "risingwave-zero-downtime-deploy",
    // A connection that dies without a FIN (a vanished NAT entry, a dead node) is noticed.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  if (!url) return common;
  // libpq semantics for sslmode (require = encrypt without verifying), which is what a
  // RisingWave URL copied from psql or a cloud console means.
  const parsed = parseConnectionString(url.href, { useLibpqCompat: true });
  return { ...(parsed as pg.ClientConfig), ...common };
}

/** Closes the socket at once: `end()` waits for a server that may never answer. */
export function destroyConnection(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection
    ?.stream;
  stream?.destroy();
}

class ConnectTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
  }
}

async function connectWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroyConnection(client);
      reject(new ConnectTimeout(ms));
    }, ms);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ConnectionTarget {
  host: string;
  port: string;
  /** Empty when the URL names none (the server then uses the user name). */
  database: string;
  user?: string;
}

/** Where a connection goes, from the URL or the PG* variables: never the password. */
export function connectionTarget(url: URL | undefined, env = process.env): ConnectionTarget {
  if (url) {
    return {
      host: url.hostname,
      port: url.port || "5432",
      database: decodeURIComponent(url.pathname.replace(/^\//, "")),
      user: decodeURIComponent(url.username) || undefined,
    };
  }
  return {
    host: env.PGHOST ?? "localhost",
    port: env.PGPORT ?? "5432",
    database: env.PGDATABASE ?? "",
    user: env.PGUSER,
  };
}

/** host:port/database as user — never the password. */
export function describeTarget(url: URL | undefined, env = process.env): string {
  const { host, port, database, user } = connectionTarget(url, env);
  return `${host}:${port}/${database || "(default database)"}${user ? ` as ${user}` : ""}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function explain(error: unknown): string {
  const message = errorText(error);
  switch (errorCode(error)) {
    case "28P01":
    case "28000":
      return `${message}. Check the user and password in database-url (or PGUSER/PGPASSWORD).`;
    case "3D000":
      return `${message}. Check the database name at the end of database-url.`;
    case "ENOTFOUND":
      return `${message}. The host name does not resolve.`;
    default:
      return message;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** libpq's `prefer` (and `allow`) fall back to a plain connection when the server has no TLS. */
function mayFallBackToPlain(url: URL | undefined, error: unknown): boolean {
  const mode = url?.searchParams.get("sslmode");
  return (mode === "prefer" || mode === "allow") && /does not support SSL/i.test(String(error));
}

export async function connect(options: ConnectOptions): Promise<pg.Client> {
  const attempts = options.attempts ?? 4;
  let delay = options.firstDelayMs ?? 500;
  const target = describeTarget(options.url);
  const timeoutMs = connectTimeoutMs(options.url, options.env);
  let plain = false;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({
      ...clientConfig(options.url),
      ...(plain ? { ssl: false } : {}),
    });
    // A dropped connection would otherwise crash the process with an unhandled 'error' event.
    client.on("error", () => undefined);
    try {
      await connectWithin(client, timeoutMs);
      return client;
    } catch (error) {
      if (error instanceof ConnectTimeout) {
        throw new ConnectionError(
          `Could not connect to RisingWave at ${target}: the server accepted the connection but did ` +
            `not complete the connection handshake within ${error.ms / 1000} s (connect_timeout). ` +
            "Check that host and port are RisingWave's SQL port (4566 by default) and that sslmode " +
            "suits it; set connect_timeout=<seconds> in database-url to wait longer.",
        );
      }
      destroyConnection(client);
      if (!plain && mayFallBackToPlain(options.url, error)) {
        plain = true;
        attempt--;
        continue;
      }
      const code = errorCode(error);
      if (attempt >= attempts || !code || !TRANSIENT_CODES.has(code)) {
        throw new ConnectionError(
          `Could not connect to RisingWave at ${target}: ${explain(error)}`,
        );
      }
      options.logger.info(
        `Connecting to ${target} failed (${code}); retrying in ${delay / 1000}s (attempt ${attempt + 1} of ${attempts}).`,
      );
      await sleep(delay);
      delay *= 2;
    }
  }
}
