// The proxy's fault hook itself: what each fault point does to a statement and to the
// client that sent it, with node-postgres as the client (as in the product).
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

describe("proxy fault injection", () => {
  let target: RisingWaveTarget;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    target = await openRisingWaveTarget();
  });
  afterAll(async () => target?.close());
  afterEach(async () => {
    target.clearFaults();
    for (const client of clients.splice(0)) await client.end().catch(() => undefined);
  });

  /** A connection as the code under test makes it (recorded as "client", so faults apply). */
  const connect = async () => {
    const client = new pg.Client({ connectionString: target.url, application_name: "under-test" });
    client.on("error", () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
  const tableExists = async (name: string) =>
    (
      await target.query<{ found: boolean }>(
        "SELECT to_regclass($1) IS NOT NULL AS found", // harness connection: never faulted
        [`public.${name}`],
      )
    )[0]?.found;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: Error & { code?: string }) => ({ message: error.message, code: error.code }),
    );

  it("before-forward kill: the statement never reaches the server and the client loses the connection", async () => {
    const client = await connect();
    const fault = target.injectFault({
      when: (sql) => sql.includes("never_made"),
      at: "before-forward",
      action: "kill-connection",
    });
    const error = await failure(client.query("CREATE TABLE public.never_made (id int)"));
    expect(error).toEqual({ message: "Connection terminated unexpectedly", code: undefined });
    expect(await fault.fired).toBe("CREATE TABLE public.never_made (id int)");
    expect(fault.hits).toBe(1);
    expect(await tableExists("never_made")).toBe(false);
    expect(target.statements()).toContain("CREATE TABLE public.never_made (id int)");
  });

  it("after-forward kill: the statement takes effect, the client never hears of it", async () => {
    const client = await connect();
    target.injectFault({
      when: (sql) => sql.includes("made_unseen"),
      at: "after-forward",
      action: "kill-connection",
    });
    const error = await failure(client.query("CREATE TABLE public.made_unseen (id int)"));
    expect(error?.message).toBe("Connection terminated unexpectedly");
    expect(await tableExists("made_unseen")).toBe(true);
  });

  it("after-reply kill: the client gets the result, the next statement finds the connection gone", async () => {
    const client = await connect();
    target.injectFault({
      when: (sql) => sql.includes("made_then_cut"),
      at: "after-reply",
      action: "kill-connection",
    });
    await client.query("CREATE TABLE public.made_then_cut (id int)");
    expect(await tableExists("made_then_cut")).toBe(true);
    const error = await failure(client.query("SELECT 1"));
    expect(error).toBeDefined();
    expect(error?.code).toBeUndefined();
  });

  it("a fault strikes only the statements it matches, `times` times, and never the harness", async () => {
    const client = await connect();
    const fault = target.injectFault({
      when: (sql) => /^SELECT 2/.test(sql),
      at: "before-forward",
      action: { delayMs: 1 },
      times: 2,
    });
    await target.query("SELECT 2 AS harness"); // not the code under test: untouched
    expect(fault.hits).toBe(0);
    await client.query("SELECT 1");
    await client.query("SELECT 2 AS a");
    await client.query("SELECT 2 AS b");
    await client.query("SELECT 2 AS c");
    expect(fault.hits).toBe(2);
    // Parse messages (parameterized queries) are matched too.
    const parsed = target.injectFault({
      when: (sql) => sql.includes("$1"),
      at: "after-forward",
      action: "kill-connection",
    });
    expect(await failure(client.query("SELECT $1::int AS n", [5]))).toBeDefined();
    expect(parsed.hits).toBe(1);
  });

  it("delays hold a statement before the server sees it, or its reply after the server ran it", async () => {
    const client = await connect();
    const held = target.injectFault({
      when: (sql) => sql.includes("slow_to_arrive"),
      at: "before-forward",
      action: { delayMs: 400 },
    });
    const started = Date.now();
    const creating = client.query("CREATE TABLE public.slow_to_arrive (id int)");
    await held.fired;
    expect(await tableExists("slow_to_arrive")).toBe(false);
    await creating;
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await tableExists("slow_to_arrive")).toBe(true);

    const late = target.injectFault({
      when: (sql) => sql.includes("slow_reply"),
      at: "after-forward",
      action: { delayMs: 400 },
    });
    let answered = false;
    const replying = client
      .query("CREATE TABLE public.slow_reply (id int)")
      .then(() => (answered = true));
    await late.fired;
    expect(await tableExists("slow_reply")).toBe(true);
    expect(answered).toBe(false);
    await replying;
    const rows = await client.query("SELECT 41 + 1 AS n");
    expect(rows.rows).toEqual([{ n: 42 }]);
  });

  it("a statement held before forwarding is dropped when its client goes away", async () => {
    const client = await connect();
    const held = target.injectFault({
      when: (sql) => sql.includes("orphaned"),
      at: "before-forward",
      action: { delayMs: 300 },
    });
    const creating = failure(client.query("CREATE TABLE public.orphaned (id int)"));
    await held.fired;
    // What SIGKILL does to the client's socket.
    (
      client as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    await creating;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await tableExists("orphaned")).toBe(false);
  });

  it("an interposer runs harness SQL before the statement reaches the server, or before its reply", async () => {
    const client = await connect();
    target.injectFault({
      when: (sql) => sql.includes("raced"),
      at: "before-forward",
      action: {
        run: async () => void (await target.query("CREATE TABLE public.raced (who text)")),
      },
    });
    const error = await failure(client.query("CREATE TABLE public.raced (id int)"));
    expect(error?.message).toMatch(/already exists/);
    expect(await tableExists("raced")).toBe(true);

    const seen: string[] = [];
    target.injectFault({
      when: (sql) => sql.includes("watched"),
      at: "after-forward",
      action: {
        run: async (sql) => {
          seen.push(sql);
          await target.query("INSERT INTO public.watched VALUES (2)");
        },
      },
    });
    await client.query("CREATE TABLE public.watched (id int)");
    expect(seen).toEqual(["CREATE TABLE public.watched (id int)"]);
    // The hook ran after the server had created the table and before the client heard of it.
    expect((await client.query("SELECT id FROM public.watched")).rows).toEqual([{ id: 2 }]);
  });
});
