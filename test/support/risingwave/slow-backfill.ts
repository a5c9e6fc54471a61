// Stand-in only: the product's own CREATE MATERIALIZED VIEWs backfill for a while of wall time,
// as a background job on RisingWave does (listed in rw_ddl_progress, status 'Creating', not found
// by SWAP), through target.simulateBackfill (standin.ts cites the RisingWave sources it follows).
import type { RisingWaveTarget } from "./target.js";

const CREATE_MV = /^CREATE MATERIALIZED VIEW "((?:[^"]|"")+)"\."((?:[^"]|"")+)"/;

export interface SlowBackfills {
  /** Names of the MVs made to backfill, in the order their CREATE arrived. */
  built: string[];
  remove(): void;
}

/**
 * Every CREATE MATERIALIZED VIEW whose name `matches` gets a backfill job of `ms` milliseconds:
 * the CREATE's reply is held until the job is listed, and the job ends `ms` later.
 */
export function slowBackfills(
  target: RisingWaveTarget,
  ms: number,
  matches: (name: string) => boolean = () => true,
): SlowBackfills {
  const built: string[] = [];
  const fault = target.injectFault({
    when: (sql) => {
      const name = CREATE_MV.exec(sql)?.[2]?.replaceAll('""', '"');
      return name !== undefined && matches(name);
    },
    at: "after-forward",
    times: 10_000,
    action: {
      run: async (sql) => {
        const [, schema, name] = CREATE_MV.exec(sql) as RegExpExecArray;
        const unquote = (text: string | undefined) => (text ?? "").replaceAll('""', '"');
        const rows = await target.query<{ id: number }>(
          `SELECT r.id FROM rw_catalog.rw_relations r
             JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
            WHERE s.name = $1 AND r.name = $2`,
          [unquote(schema), unquote(name)],
        );
        const id = rows[0]?.id;
        if (id === undefined) return;
        built.push(unquote(name));
        await target.simulateBackfill(Number(id), "0.00% (0/100)");
        setTimeout(
          () => void target.simulateBackfill(Number(id), undefined).catch(() => undefined),
          ms,
        );
      },
    },
  });
  return { built, remove: () => fault.remove() };
}
