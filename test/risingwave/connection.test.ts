import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import { connect, ConnectionError } from "../../src/risingwave/connection.js";
import { openDatabase } from "../../src/risingwave/open.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    group: (_name, work) => work(),
  };
  return { logger, lines };
}

describe("connecting to RisingWave", () => {
  let target: RisingWaveTarget;
  beforeAll(async () => {
    target = await openRisingWaveTarget();
  });
  afterAll(async () => target?.close());

  const withParams = (params: string) =>
    new URL(`${target.url}${target.url.includes("?") ? "&" : "?"}${params}`);

  it.each(["sslmode=disable", "sslmode=prefer"])(
    "connects with %s to a server without TLS",
    async (params) => {
      const client = await connect({ url: withParams(params), logger: recordingLogger().logger });
      const result = await client.query("SELECT 1 AS one");
      expect(result.rows).toEqual([{ one: 1 }]);
      await client.end();
    },
  );

  it("names the user and the fix for a wrong password, never the password", async () => {
    const url = new URL(target.url);
    url.password = "definitely-wrong-pw";
    const error = await connect({ url, logger: recordingLogger().logger }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    const message = (error as Error).message;
    expect(message).toContain(`Could not connect to RisingWave at ${url.hostname}:${url.port}`);
    expect(message).toMatch(/password authentication failed|Check the user and password/);
    expect(message).not.toContain("definitely-wrong-pw");
  });

  it("retries an unreachable host with backoff, then says where it tried", async () => {
    const { logger, lines } = recordingLogger();
    const url = new URL("postgres://root:secret-pw@127.0.0.1:1/dev");
    const error = await connect({ url, logger, attempts: 3, firstDelayMs: 10 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(
      /^Could not connect to RisingWave at 127\.0\.0\.1:1\/dev as root: .*ECONNREFUSED/,
    );
    expect(lines.filter((line) => line.includes("retrying"))).toHaveLength(2);
    expect(lines.join("\n") + (error as Error).message).not.toContain("secret-pw");
  });

  it("refuses a RisingWave older than 2.2 before anything else", async (context) => {
    if (target.kind !== "standin") context.skip();
    await target.setReportedVersion("2.1.0");
    try {
      await expect(openDatabase(new URL(target.url), recordingLogger().logger)).rejects.toThrow(
        "RisingWave 2.1.0 found, but zero-downtime deploys need RisingWave 2.2.0 or newer",
      );
    } finally {
      await target.setReportedVersion("2.6.0");
    }
  });
});
