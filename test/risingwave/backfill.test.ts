import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import { BackfillError, waitForBackfill } from "../../src/risingwave/backfill.js";
import { connect } from "../../src/risingwave/connection.js";
import { RisingWaveSession } from "../../src/risingwave/session.js";
import { parseRisingWaveVersion } from "../../src/risingwave/version.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

// Real RisingWave runs real jobs; only the stand-in can hold one at a chosen progress.
describe.skipIf(inject("risingWaveUpstream").kind !== "standin")(
  "waiting for a background MV's backfill",
  () => {
    let target: RisingWaveTarget;
    let session: RisingWaveSession;
    let lines: string[];
    const logger: Logger = {
      info: (message) => lines.push(message),
      warning: (message) => lines.push(`warning: ${message}`),
      error: (message) => lines.push(`error: ${message}`),
      group: (_name, work) => work(),
    };
    const relation = { schema: "public", identifier: "orders_mv" };
    const sessionAt = async (version: string) => {
      await session?.close();
      await target.setReportedVersion(version);
      session = new RisingWaveSession(
        await connect({ url: new URL(target.url), logger: { ...logger } }),
        parseRisingWaveVersion(`RisingWave-${version}`),
      );
    };
    const wait = (timeoutMs: number) =>
      waitForBackfill(
        session,
        { relation, label: "orders", timeoutMs, pollIntervalMs: 20 },
        logger,
      );

    beforeAll(async () => {
      target = await openRisingWaveTarget();
      await target.query("CREATE TABLE public.orders (id INT)");
      await sessionAt("2.6.0");
    });
    afterAll(async () => {
      await session?.close();
      await target?.close();
    });
    beforeEach(async () => {
      lines = [];
      await target.query("DROP MATERIALIZED VIEW IF EXISTS public.orders_mv");
    });

    const until = async (condition: () => boolean) => {
      for (let i = 0; i < 500 && !condition(); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    const createMv = async () => {
      await target.query(
        "CREATE MATERIALIZED VIEW public.orders_mv AS SELECT id FROM public.orders",
      );
      const [row] = await target.query<{ id: number }>(
        "SELECT id FROM rw_catalog.rw_materialized_views WHERE name = 'orders_mv'",
      );
      return Number(row?.id);
    };

    it("logs progress while the job runs and returns once the MV has left rw_ddl_progress", async () => {
      const id = await createMv();
      await target.simulateBackfill(id, "42.5%");
      const done = wait(10_000);
      // Each change waits until the wait has logged the one before, however slow the machine.
      await until(() => lines.length > 0);
      await target.simulateBackfill(id, "87.25%");
      await until(() => lines.some((line) => line.startsWith("orders: backfill 87.3%")));
      await target.simulateBackfill(id, undefined);
      await done;
      expect(lines[0]).toMatch(/^orders: backfill 42\.5% \(\d+s elapsed\)$/);
      expect(lines.some((line) => line.startsWith("orders: backfill 87.3%"))).toBe(true);
      expect(lines.at(-1)).toBe("orders: backfill done, created");
    });

    it("shows a source backfill's progress as rows, not as a percentage", async () => {
      const id = await createMv();
      await target.simulateBackfill(id, "123456 rows consumed");
      const done = wait(10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await target.simulateBackfill(id, undefined);
      expect(await done).toBe(id);
      expect(lines[0]).toMatch(/^orders: backfill 123,456 rows consumed \(\d+s elapsed\)$/);
    });

    it("on 2.8+ waits for status 'Created' even when the job has already left rw_ddl_progress", async () => {
      await sessionAt("2.8.0");
      try {
        const id = await createMv();
        await target.simulateBackfill(id, "99.9%", { listed: false });
        let settled = false;
        const done = wait(10_000).finally(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(settled).toBe(false);
        await target.simulateBackfill(id, undefined);
        expect(await done).toBe(id);
      } finally {
        await sessionAt("2.6.0");
      }
    });

    it("on 3.0+ ends with WAIT MATERIALIZED VIEW", async () => {
      await sessionAt("3.0.0");
      try {
        await createMv();
        target.clearStatements();
        await wait(10_000);
        expect(target.statements()).toContain('WAIT MATERIALIZED VIEW "public"."orders_mv"');
      } finally {
        await sessionAt("2.6.0");
      }
    });

    it("gives up at wait-timeout with the last progress and a way forward", async () => {
      const id = await createMv();
      await target.simulateBackfill(id, "12%");
      try {
        await expect(wait(200)).rejects.toThrow(
          /^orders: backfill did not finish within wait-timeout \(0s\); last state: backfill 12\.0%\. Raise wait-timeout/,
        );
      } finally {
        await target.simulateBackfill(id, undefined);
      }
    });

    it("reports a job that vanished without creating its MV", async () => {
      await expect(wait(10_000)).rejects.toBeInstanceOf(BackfillError);
      await expect(wait(10_000)).rejects.toThrow("is neither created nor being created");
    });

    it("returns at once for an MV that is already created", async () => {
      await createMv();
      await wait(10_000);
      expect(lines).toEqual([]);
    });
  },
);
