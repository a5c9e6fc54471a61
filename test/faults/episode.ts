// One fault episode, shared by the fault tests: a project deployed at v1, a change to v2,
// readers on the MV names from before the faulty deploy until after the cleanup sweep, and
// the checks that nothing was lost (DESIGN 2.5: "a run that dies anywhere leaves the original
// name serving a complete MV; leftovers are temp MVs that the next cleanup sweep removes").
import pg from "pg";
import {
  createRepo,
  pushEvent,
  runAction,
  scheduleEvent,
  workflowDispatchEvent,
  type RunActionOptions,
  type RunResult,
  type TempRepo,
  type WorkflowEvent,
} from "../support/action-runner/index.js";
import { HARNESS_APPLICATION_NAME, type RisingWaveTarget } from "../support/risingwave/target.js";

export const KINDS = 7;
const EVENTS = 700;

const PROJECT = `name: faults
version: "1.0.0"
config-version: 2
model-paths: ["models"]
models:
  faults:
    +materialized: materialized_view
    +zero_downtime:
      enabled: true
`;

const SOURCES = `version: 2
sources:
  - name: app
    schema: public
    tables:
      - name: events
`;

const kindsModel = (extra: string) => `{{ config(indexes=[{'columns': ['kind']}]) }}
select kind, count(*) as n${extra} from {{ source('app', 'events') }} group by kind
`;

/** Downstream of kinds, so rebuild-downstream adds it to every plan that rebuilds kinds. */
const TOP_KINDS = `select kind, n from {{ ref('kinds') }} where n > 0
`;

export const V1 = kindsModel("");
export const V2 = kindsModel(", max(id) as last_id");

export interface Relation {
  schema: string;
  name: string;
  type: string;
}

export interface TempMv {
  name: string;
  readers: string[];
}

/** The catalog as rw_catalog shows it: relations (no indexes) and what reads each temp MV. */
export async function relations(target: RisingWaveTarget): Promise<string[]> {
  const rows = await target.query<{ name: string }>(
    `SELECT r.name FROM rw_catalog.rw_relations r JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
      WHERE s.name = 'public' AND r.relation_type <> 'index' ORDER BY r.name`,
  );
  return rows.map((row) => row.name);
}

export async function tempMvs(target: RisingWaveTarget): Promise<TempMv[]> {
  const rows = await target.query<{ name: string; reader: string | null }>(
    `SELECT m.name, r.name AS reader FROM rw_catalog.rw_materialized_views m
       JOIN rw_catalog.rw_schemas s ON s.id = m.schema_id
       LEFT JOIN rw_catalog.rw_depend d ON d.refobjid = m.id
       LEFT JOIN rw_catalog.rw_relations r ON r.id = d.objid AND r.relation_type <> 'index'
      WHERE s.name = 'public' AND m.name LIKE '%\\_dbt\\_zero\\_down\\_tmp\\_%'
      ORDER BY m.name, r.name`,
  );
  const temps = new Map<string, string[]>();
  for (const row of rows) {
    const readers = temps.get(row.name) ?? [];
    if (row.reader) readers.push(row.reader);
    temps.set(row.name, readers);
  }
  return [...temps].map(([name, readers]) => ({ name, readers }));
}

export async function columnsOf(target: RisingWaveTarget, relation: string): Promise<string[]> {
  // PostgreSQL's own catalog: the stand-in's rw_catalog has no column view.
  const rows = await target.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [relation],
  );
  return rows.map((row) => row.name);
}

/** Indexes by name with the MV each is on. */
export async function indexes(target: RisingWaveTarget): Promise<Record<string, string>> {
  const rows = await target.query<{ name: string; mv: string }>(
    `SELECT i.name, m.name AS mv FROM rw_catalog.rw_indexes i
       JOIN rw_catalog.rw_materialized_views m ON m.id = i.primary_table_id ORDER BY i.name`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.mv]));
}

export interface ReaderReport {
  reads: Record<string, number>;
  /** Errors and wrong answers, each with the query it came from. */
  problems: string[];
}

/**
 * Readers that count the rows of each MV name in a loop, on their own connections (the
 * harness's, which faults never strike): every read must succeed and see the complete MV.
 */
export function startReaders(url: string, expected: Record<string, number>) {
  const report: ReaderReport = { reads: {}, problems: [] };
  let running = true;
  const loops = Object.entries(expected).flatMap(([relation, rows]) =>
    [1, 2].map(async () => {
      const client = new pg.Client({
        connectionString: url,
        application_name: HARNESS_APPLICATION_NAME,
      });
      client.on("error", () => undefined);
      await client.connect();
      const sql = `SELECT count(*)::int AS n FROM ${relation}`;
      try {
        while (running) {
          try {
            const result = await client.query<{ n: number }>(sql);
            const n = result.rows[0]?.n;
            if (n !== rows) report.problems.push(`${sql}: ${n} rows, expected ${rows}`);
            report.reads[relation] = (report.reads[relation] ?? 0) + 1;
          } catch (error) {
            report.problems.push(`${sql}: ${(error as Error).message}`);
          }
          // Leave the server some room: the episode's DDL must not queue behind the readers.
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
  return {
    async stop(): Promise<ReaderReport> {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}

export interface Episode {
  repo: TempRepo;
  /** The push that changes kinds from V1 to V2: the faulty deploy and its rerun share it. */
  event: WorkflowEvent;
  deploy(extra?: Partial<RunActionOptions>): Promise<RunResult>;
  cleanup(): Promise<RunResult>;
}

/**
 * The events table, the project deployed at V1 (kinds and top_kinds), optionally a non-dbt MV
 * `dash` reading kinds (it keeps the version it reads alive: cleanup must never drop it), and
 * the commit that moves kinds to V2.
 */
export async function prepareEpisode(
  target: RisingWaveTarget,
  options: { inputs?: Record<string, string>; dash?: boolean } = {},
): Promise<Episode> {
  await target.query("CREATE TABLE public.events (id INT, kind VARCHAR)");
  await target.query(
    `INSERT INTO public.events SELECT g, 'k' || (g % ${KINDS}) FROM generate_series(1, ${EVENTS}) g`,
  );
  await target.query("FLUSH");
  const repo = createRepo({
    files: {
      "dbt_project.yml": PROJECT,
      "models/sources.yml": SOURCES,
      "models/kinds.sql": V1,
      "models/top_kinds.sql": TOP_KINDS,
    },
  });
  const inputs = { "database-url": target.url, comment: "false", ...options.inputs };
  const first = await runAction({
    repo,
    inputs: { ...inputs, models: "all" },
    event: workflowDispatchEvent(),
  });
  if (first.exitCode !== 0) throw new Error(`initial deploy failed:\n${first.log}`);
  if (options.dash) {
    await target.query("CREATE MATERIALIZED VIEW public.dash AS SELECT kind, n FROM public.kinds");
  }
  const before = repo.revParse();
  const after = repo.commit({ "models/kinds.sql": V2 }, "kinds: add last_id");
  const event = pushEvent({ before, after });
  return {
    repo,
    event,
    deploy: (extra = {}) => runAction({ repo, inputs, event, timeoutMs: 25_000, ...extra }),
    cleanup: () =>
      runAction({
        repo,
        inputs: { mode: "cleanup", "database-url": target.url },
        event: scheduleEvent(),
        timeoutMs: 25_000,
      }),
  };
}

/** The model's row of the plan output and its temp MV's bare name. */
export function plannedTemp(result: RunResult, model: string): string {
  const plan = JSON.parse(result.outputs.plan ?? "{}") as {
    models: { model: string; tempRelation?: string }[];
  };
  const entry = plan.models.find((candidate) => candidate.model === model);
  if (!entry?.tempRelation) throw new Error(`no temp MV planned for ${model}:\n${result.log}`);
  return entry.tempRelation.slice("public.".length);
}

/** The `::error` annotations' messages. */
export function errors(result: RunResult): string[] {
  return result.annotations
    .filter((annotation) => annotation.level === "error")
    .map((annotation) => annotation.message);
}

export function warnings(result: RunResult): string[] {
  return result.annotations
    .filter((annotation) => annotation.level === "warning")
    .map((annotation) => annotation.message);
}

export const json = (text: string | undefined): string[] => JSON.parse(text ?? "[]") as string[];
