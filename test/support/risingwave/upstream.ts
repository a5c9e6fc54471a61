// Chooses the server the whole test run talks to, once per run (global-setup.ts).
import {
  containerRuntimeAvailable,
  RISINGWAVE_IMAGE,
  startRisingWaveContainer,
} from "./container.js";
import { withClient, type ConnectionInfo } from "./connection.js";
import { startStandIn } from "./standin.js";

/** Plain data, handed from the global setup to test workers with provide/inject. */
export interface UpstreamInfo {
  kind: "standin" | "risingwave";
  /** A direct (unproxied) superuser connection, for creating and dropping databases. */
  admin: ConnectionInfo;
  /** e.g. "local stand-in (PostgreSQL 15.18)" or "RisingWave v2.6.2 (testcontainers)". */
  describe: string;
  /** Why this target was chosen. */
  reason: string;
}

export interface StartedUpstream {
  info: UpstreamInfo;
  stop(): Promise<void>;
}

/**
 * RISINGWAVE_URL if set; else a RisingWave container when a container runtime
 * exists; else the local stand-in. RISINGWAVE_TARGET=standin|container forces a choice.
 * RISINGWAVE_URL's user must be allowed to CREATE DATABASE, and the server must
 * accept unencrypted connections (the proxy does not speak TLS to the upstream).
 */
export async function startUpstream(
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartedUpstream> {
  const forced = env.RISINGWAVE_TARGET;
  if (forced && forced !== "standin" && forced !== "container") {
    throw new Error(`RISINGWAVE_TARGET must be "standin" or "container", not "${forced}"`);
  }
  if (env.RISINGWAVE_URL && !forced) {
    const admin = connectionFromUrl(env.RISINGWAVE_URL);
    const version = await risingWaveVersion(admin);
    return {
      info: {
        kind: "risingwave",
        admin,
        describe: `RisingWave ${version} (RISINGWAVE_URL)`,
        reason: "RISINGWAVE_URL is set",
      },
      stop: async () => undefined,
    };
  }
  if (forced !== "standin" && (await containerRuntimeAvailable())) {
    const started = await startRisingWaveContainer();
    const version = await risingWaveVersion(started.admin);
    const describe = `RisingWave ${version} (testcontainers, ${RISINGWAVE_IMAGE})`;
    const reason = forced
      ? "RISINGWAVE_TARGET=container"
      : "no RISINGWAVE_URL; a container runtime is available";
    return {
      info: { kind: "risingwave", admin: started.admin, describe, reason },
      stop: started.stop,
    };
  }
  if (forced === "container")
    throw new Error("RISINGWAVE_TARGET=container but no container runtime was found");
  const { cluster, admin } = await startStandIn();
  const reason = forced
    ? "RISINGWAVE_TARGET=standin"
    : "no RISINGWAVE_URL and no container runtime";
  return {
    info: {
      kind: "standin",
      admin,
      describe: `local stand-in (PostgreSQL ${cluster.version} + wire proxy)`,
      reason,
    },
    stop: cluster.stop,
  };
}

function connectionFromUrl(url: string): ConnectionInfo {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 4566),
    user: decodeURIComponent(parsed.username || "root"),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || "dev",
  };
}

async function risingWaveVersion(admin: ConnectionInfo): Promise<string> {
  const rows = await withClient(admin, (c) =>
    c.query<{ version: string }>("SELECT version() AS version"),
  );
  const version = rows.rows[0]?.version ?? "";
  return (
    /RisingWave-(\d+\.\d+\.\d+)/.exec(version)?.[1]?.replace(/^/, "v") ?? `(version() = ${version})`
  );
}
