// The stage every attack in this folder plays on: a fresh database with an `events` table, a
// dbt project in a temp repo, dist/index.js run as the runner runs it, and what the database
// holds afterwards (relations by oid, indexes, who may read what).
import {
  createRepo,
  pushEvent,
  runAction,
  workflowDispatchEvent,
  type RunActionOptions,
  type RunResult,
  type TempRepo,
} from "../support/action-runner/index.js";
import { openRisingWaveTarget, type RisingWaveTarget } from "../support/risingwave/target.js";

export const PROJECT = `name: attacks
version: "1.0.0"
config-version: 2
model-paths: ["models"]
models:
  attacks:
    +materialized: materialized_view
`;

export const SOURCES = `version: 2
sources:
  - name: app
    schema: public
    tables:
      - name: events
`;

const DDL = /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|COMMENT|SET\s+BACKGROUND_DDL)\b/i;
const LOCK = /rw_zero_downtime_deploy_lock|^CREATE SCHEMA IF NOT EXISTS/;

/** DDL the product sent, its deploy lock (and the schema for it) left out. */
export function changes(statements: string[]): string[] {
  return statements.filter((sql) => DDL.test(sql) && !LOCK.test(sql));
}

export interface Stage {
  target: RisingWaveTarget;
  repo: TempRepo;
  /** A deploy of the repo's head: `before` makes it a push from that commit, else a dispatch. */
  deploy(
    inputs?: Record<string, string>,
    before?: string,
    extra?: Partial<RunActionOptions>,
  ): Promise<RunResult>;
  /** Relations of a schema by name, with their ids. */
  relations(schema?: string): Promise<Record<string, number>>;
  /** Index name → the relation it is on, in a schema. */
  indexes(schema?: string): Promise<Record<string, string>>;
  canSelect(role: string, relation: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStage(files: Record<string, string>): Promise<Stage> {
  const target = await openRisingWaveTarget();
  await target.query("CREATE TABLE public.events (id INT, kind VARCHAR, amount INT)");
  await target.query("INSERT INTO public.events VALUES (1, 'a', 10), (2, 'b', 20), (3, 'b', 30)");
  const repo = createRepo({
    files: { "dbt_project.yml": PROJECT, "models/sources.yml": SOURCES, ...files },
  });
  return {
    target,
    repo,
    deploy: (inputs = {}, before, extra = {}) =>
      runAction({
        repo,
        inputs: { "database-url": target.url, comment: "false", ...inputs },
        event: before ? pushEvent({ before, after: repo.revParse() }) : workflowDispatchEvent(),
        timeoutMs: 60_000,
        ...extra,
      }),
    relations: async (schema = "public") =>
      Object.fromEntries(
        (
          await target.query<{ name: string; id: number }>(
            `SELECT r.name, r.id FROM rw_catalog.rw_relations r
               JOIN rw_catalog.rw_schemas s ON s.id = r.schema_id
              WHERE s.name = $1 AND r.relation_type <> 'index' ORDER BY r.name`,
            [schema],
          )
        ).map((row) => [row.name, Number(row.id)]),
      ),
    indexes: async (schema = "public") =>
      Object.fromEntries(
        (
          await target.query<{ name: string; mv: string }>(
            `SELECT i.name, r.name AS mv FROM rw_catalog.rw_indexes i
               JOIN rw_catalog.rw_relations r ON r.id = i.primary_table_id
               JOIN rw_catalog.rw_schemas s ON s.id = i.schema_id
              WHERE s.name = $1 ORDER BY i.name`,
            [schema],
          )
        ).map((row) => [row.name, row.mv]),
      ),
    canSelect: async (role, relation) =>
      (
        await target.query<{ allowed: boolean }>(
          "SELECT has_table_privilege($1, $2, 'SELECT') AS allowed",
          [role, relation],
        )
      )[0]?.allowed === true,
    close: async () => {
      await target.close();
      repo.remove();
    },
  };
}

export function planOf(result: RunResult): {
  models: {
    model: string;
    action: string;
    tempRelation?: string;
    carriedOver: { kind: string; detail: string }[];
    problems: string[];
    unchecked: string[];
    mayDrop: { relation: string; id?: number; createdByThisRun?: boolean; when: string }[];
    targetId?: number;
    statements: string[];
  }[];
} {
  return JSON.parse(result.outputs.plan ?? '{"models": []}');
}

export const errorsOf = (result: RunResult) =>
  result.annotations
    .filter((annotation) => annotation.level === "error")
    .map((annotation) => annotation.message);

export const warningsOf = (result: RunResult) =>
  result.annotations
    .filter((annotation) => annotation.level === "warning")
    .map((annotation) => annotation.message);
