// The proxy as a client sees it: TLS negotiation, authentication, many concurrent
// sessions, cancel requests and clean disconnects.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";
import { sleep } from "./readers.js";

const run = promisify(execFile);
let target: RisingWaveTarget;

beforeAll(async () => {
  target = await openRisingWaveTarget();
});

afterAll(async () => {
  await target?.close();
});

function urlWith(parameters: string): string {
  return `${target.url}?${parameters}`;
}

test("the credentials are real: a generated password, and a wrong one is rejected", async () => {
  expect(target.connection.password.length).toBeGreaterThanOrEqual(16);
  expect(target.url).toContain(encodeURIComponent(target.connection.password));
  const intruder = new pg.Client({ ...target.connection, password: "wrong-password" });
  await expect(intruder.connect()).rejects.toThrow();
});

test("SSLRequest is answered 'N' and the session goes on in plain text", async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(target.connection.port, "127.0.0.1", () => {
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(80877103, 4);
      socket.write(request);
    });
    socket.once("data", (data) => {
      resolve(data.toString("latin1"));
      socket.destroy();
    });
    socket.once("error", reject);
  });
  expect(answer).toBe("N");

  const plain = new pg.Client({ connectionString: urlWith("sslmode=disable") });
  await plain.connect();
  expect((await plain.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  await plain.end();
});

test("libpq (psql) with sslmode=prefer falls back to plain text and works", async (context) => {
  const psql = ["/usr/bin/psql", "/usr/local/bin/psql"].find((p) => existsSync(p));
  if (!psql) context.skip("psql is not installed");
  const { stdout } = await run(psql as string, [
    urlWith("sslmode=prefer"),
    "-Atc",
    "SELECT version()",
  ]);
  expect(stdout).toMatch(/RisingWave-\d+\.\d+\.\d+/);
});

test("node-postgres with ssl on gets a clear refusal (it has no sslmode=prefer fallback)", async () => {
  const tls = new pg.Client({ ...target.connection, ssl: { rejectUnauthorized: false } });
  await expect(tls.connect()).rejects.toThrow(/does not support SSL/);
});

test("40 concurrent sessions, simple and extended queries, all answered and all closed cleanly", async () => {
  const sessionCount = () =>
    target.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()",
    );
  const baseline = target.kind === "standin" ? await sessionCount() : [];
  const clients = Array.from({ length: 40 }, () => new pg.Client({ connectionString: target.url }));
  await Promise.all(clients.map((c) => c.connect()));
  const sums = await Promise.all(
    clients.map(async (client, i) => {
      let sum = 0;
      for (let j = 0; j < 5; j++) {
        const simple = await client.query(`SELECT ${i} + ${j} AS v`);
        const extended = await client.query("SELECT $1::int + $2::int AS v", [i, j]);
        sum += Number(simple.rows[0].v) + Number(extended.rows[0].v);
      }
      return sum;
    }),
  );
  expect(sums).toEqual(clients.map((_, i) => 2 * (5 * i + 10)));
  await Promise.all(clients.map((c) => c.end()));

  if (target.kind === "standin") {
    // Upstream sessions end when their clients do, not when the proxy closes.
    for (let i = 0; i < 100 && (await sessionCount())[0]?.n !== baseline[0]?.n; i++)
      await sleep(20);
    expect(await sessionCount()).toEqual(baseline);
  }
});

test("a cancel request reaches the server through the proxy", async () => {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  const keys = client as unknown as { processID: number; secretKey: number };
  const started = Date.now();
  const sleeping = client.query("SELECT pg_sleep(20)");
  await sleep(300);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(target.connection.port, "127.0.0.1", () => {
      const request = Buffer.alloc(16);
      request.writeInt32BE(16, 0);
      request.writeInt32BE(80877102, 4);
      request.writeInt32BE(keys.processID, 8);
      request.writeInt32BE(keys.secretKey, 12);
      socket.end(request);
    });
    socket.once("close", () => resolve());
    socket.once("error", reject);
  });
  await expect(sleeping).rejects.toThrow(/cancel/i);
  expect(Date.now() - started).toBeLessThan(10_000);
  await client.end();
});
