// Every statement the product sends goes over the extended query protocol, so the server itself
// refuses a second statement; the stand-in proxy translates what arrives as Parse messages.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import * as ddl from "../../src/plan/ddl.js";
import { openDatabase, type OpenDatabase } from "../../src/risingwave/open.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

const silent: Logger = {
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_name, work) => work(),
};

const STACKED = /only one statement is allowed|cannot insert multiple commands/i;

describe("statements over the extended protocol", () => {
  let target: RisingWaveTarget;
  let database: OpenDatabase;
  const role = `reader_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    target = await openRisingWaveTarget();
    await target.query("CREATE TABLE public.victim (id INT)");
    await target.query("INSERT INTO public.victim VALUES (1)");
    await target.query(`CREATE USER ${role}`);
    database = await openDatabase(new URL(target.url), silent);
  });
  afterAll(async () => {
    await database?.close();
    await target?.query(`DROP USER IF EXISTS ${role}`).catch(() => undefined);
    await target?.close();
  });

  const victimRows = async () => (await target.query("SELECT * FROM public.victim")).length;

  it("sends every statement kind the product uses as a Parse message, and each takes effect", async () => {
    target.clearStatements();
    const live = { schema: "ext", identifier: "live" };
    const next = { schema: "ext", identifier: "next" };
    const writer = database.writer();
    await writer.execute(ddl.createSchema("ext"));
    await writer.execute(ddl.setBackgroundDdl(false));
    await writer.execute(
      ddl.createMaterializedView(live, "SELECT id, 'old' AS v FROM public.victim"),
    );
    await writer.execute(
      ddl.createMaterializedView(next, "SELECT id, 'new' AS v FROM public.victim"),
    );
    await writer.execute(ddl.createIndex("live_idx", next, { columns: ["id"] }));
    await database.reader.explain(
      ddl.explainCreateMaterializedView(live, "SELECT count(*) AS n FROM public.victim"),
    );
    await writer.execute(ddl.swapMaterializedViews(live, next));
    await writer.execute(ddl.grant("select", live, role));
    await writer.execute(ddl.commentOnRelation(live, "it's the new one"));
    await writer.execute(ddl.commentOnColumn(live, "v", "which version"));
    const id = await database.reader.materializedViewId("ext", "live");
    const catalog = await database.reader.catalog();
    await database.reader.creatingJobs();
    await writer.execute(ddl.dropMaterializedView(next));

    expect(target.statements().length).toBeGreaterThanOrEqual(17);
    expect(target.simpleQueryStatements()).toEqual([]);
    expect(await target.query("SELECT v FROM ext.live")).toEqual([{ v: "new" }]);
    expect(id).toBe(catalog.find("ext", "live")?.id);
    expect(catalog.find("ext", "next")).toBeDefined();
    expect(
      await target.query("SELECT 1 FROM ext.next").catch((error: Error) => error.message),
    ).toMatch(/next/);
  });

  it.each([
    ["model DDL", "CREATE MATERIALIZED VIEW public.m AS SELECT 1 AS x; DROP TABLE public.victim"],
    ["a hook", "SELECT 1; DROP TABLE public.victim"],
    ["a hook ending in a comment", "SELECT 1;DROP TABLE public.victim-- trailing"],
  ])("the server refuses a second statement in %s, and nothing of it runs", async (_what, sql) => {
    await expect(database.writer().execute(sql)).rejects.toThrow(STACKED);
    expect(await victimRows()).toBe(1);
  });

  it("the server refuses a second statement behind EXPLAIN", async () => {
    await expect(
      database.reader.explain(
        "EXPLAIN CREATE MATERIALIZED VIEW public.m AS SELECT 1; DROP TABLE public.victim",
      ),
    ).rejects.toThrow(STACKED);
    expect(await victimRows()).toBe(1);
  });
});
