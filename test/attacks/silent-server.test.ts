// Issue 11 item 6, as the attack: a server that takes the TCP connection and never answers, and
// a foreground CREATE that does not come back. Nothing may wait forever: the connect timeout
// (30 s by default, `connect_timeout` in the URL) and wait-timeout for long statements.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS } from "../../src/risingwave/connection.js";
import { runAction, workflowDispatchEvent } from "../support/action-runner/index.js";
import { errorsOf, openStage, type Stage } from "./stage.js";

describe("nothing waits forever", () => {
  let stage: Stage | undefined;
  let silent: net.Server | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    silent = undefined;
  });

  it("connect_timeout: 30 s unless the URL (or PGCONNECT_TIMEOUT) says otherwise, 2 s at least, never forever", () => {
    const url = (query: string) => new URL(`postgres://u@h:4566/dev${query}`);
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(30_000);
    expect(connectTimeoutMs(url(""), {})).toBe(30_000);
    expect(connectTimeoutMs(url("?connect_timeout=7"), {})).toBe(7_000);
    expect(connectTimeoutMs(url("?connect_timeout=1"), {})).toBe(2_000);
    expect(connectTimeoutMs(url("?connect_timeout=0"), {})).toBe(30_000);
    expect(connectTimeoutMs(url("?connect_timeout=soon"), {})).toBe(30_000);
    expect(connectTimeoutMs(undefined, { PGCONNECT_TIMEOUT: "5" })).toBe(5_000);
  });

  it("a server that accepts the connection and never answers fails the run with a message that says so", async () => {
    silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    stage = await openStage({ "models/kinds.sql": "select 1 as one" });
    const started = Date.now();
    const result = await runAction({
      repo: stage.repo,
      inputs: {
        "database-url": `postgres://deployer:pw@127.0.0.1:${port}/dev?connect_timeout=2`,
        models: "all",
        comment: "false",
      },
      event: workflowDispatchEvent(),
      timeoutMs: 30_000,
    });
    const elapsed = Date.now() - started;
    expect(result.exitCode).toBe(1);
    expect(elapsed).toBeLessThan(15_000);
    expect(sockets.length).toBeGreaterThan(0);
    expect(errorsOf(result)).toEqual([
      `Could not connect to RisingWave at 127.0.0.1:${port}/dev as deployer: the server accepted the ` +
        "connection but did not complete the connection handshake within 2 s (connect_timeout). Check " +
        "that host and port are RisingWave's SQL port (4566 by default) and that sslmode suits it; set " +
        "connect_timeout=<seconds> in database-url to wait longer.",
    ]);
  });

  it("a foreground CREATE that never returns is given up at wait-timeout; the live MV and the lock are left clean", async () => {
    stage = await openStage({
      "models/kinds.sql":
        "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n from {{ source('app', 'events') }} group by kind",
    });
    const { target, repo } = stage;
    expect((await stage.deploy({ models: "all" })).exitCode).toBe(0);
    const before = await stage.relations();
    const base = repo.revParse();
    repo.commit(
      {
        "models/kinds.sql":
          "{{ config(zero_downtime={'enabled': true}) }}\nselect kind, count(*) as n, max(id) as last_id from {{ source('app', 'events') }} group by kind",
      },
      "last_id",
    );
    // The server never gets the CREATE: as a backfill that takes longer than wait-timeout.
    target.injectFault({
      when: (sql) => /^CREATE MATERIALIZED VIEW "public"\."kinds_dbt_zero_down_tmp_/.test(sql),
      at: "before-forward",
      action: { delayMs: 20_000 },
    });
    const started = Date.now();
    const result = await stage.deploy({ "background-ddl": "false", "wait-timeout": "2s" }, base);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).join("\n")).toMatch(
      /create failed: RisingWave did not answer within 2 s; the connection was closed \(a foreground CREATE is cancelled with it\) \(create got no answer in time and the connection was closed: public\.kinds is untouched/,
    );
    const after = await stage.relations();
    expect(after.kinds).toBe(before.kinds);
    expect(Object.keys(after).filter((name) => name.includes("deploy_lock"))).toEqual([]);
  });
});
