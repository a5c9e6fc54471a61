import { explainCreateMaterializedView } from "../plan/ddl.js";
import type { DefinitionCheck, Evidence } from "../plan/evidence.js";
import type { Plan, PlannedModel } from "../plan/types.js";
import type { CatalogSnapshot } from "../risingwave/catalog.js";
import { errorText, isConnectionLoss } from "../risingwave/errors.js";
import { streamMaterializeColumns } from "../risingwave/explain-columns.js";
import type { RisingWaveReader } from "../risingwave/session.js";
import type { QualifiedName } from "../sql/quote.js";

export interface EvidenceOptions {
  dryRun: boolean;
  /** Where a model in a schema that does not exist yet is validated instead. */
  targetSchema: string;
}

/** RisingWave's ObjectCheckItem::error_message for the CREATE privilege on a schema (handler/privilege.rs). */
const NO_CREATE_ON_SCHEMA = /permission denied for schema/i;

const REBUILDS = new Set<PlannedModel["action"]>(["create", "zero-downtime", "full-refresh"]);

/**
 * Everything the plan needs from the database beyond the catalog snapshot, before any DDL:
 * EXPLAIN CREATE MATERIALIZED VIEW of every new definition (valid? which columns?), and DESCRIBE
 * of every live MV the plan keeps or replaces (its comments). Read-only; one statement per model.
 */
export async function readEvidence(
  plan: Plan,
  reader: RisingWaveReader,
  catalog: CatalogSnapshot,
  options: EvidenceOptions,
): Promise<Evidence> {
  const evidence: Evidence = {
    definitions: new Map(),
    described: new Map(),
    sinks: new Map(),
    subscriptions: new Map(),
    // REPLACE SINK: parse_replace in src/sqlparser/src/parser.rs, on main and release-3.1 after
    // v3.0.3 (#26039); no released tag up to v3.0.3 has it.
    replaceSink: reader.supports(3, 1),
  };
  await readSinksAndSubscriptions(plan, reader, catalog, evidence);
  for (const entry of plan.models) {
    if (REBUILDS.has(entry.action)) {
      evidence.definitions.set(entry.model, await checkDefinition(entry, reader, catalog, options));
    }
    if (
      entry.targetId !== undefined &&
      entry.action !== "create" &&
      entry.action !== "full-refresh"
    ) {
      try {
        evidence.described.set(entry.targetId, await reader.describe(entry.target));
      } catch (error) {
        if (isConnectionLoss(error)) throw error;
        // Without it the plan says which comments could not be carried over.
      }
    }
  }
  return evidence;
}

/**
 * RisingWave's EXPLAIN looks the target schema up (get_database_and_schema_id_for_create,
 * src/frontend/src/session.rs): a model in a schema the deploy will create is validated in an
 * existing schema instead, since its SQL names every relation with its schema. A user that may
 * not create in the schema (a read-only dry-run user) gets the batch plan of the query instead.
 */
async function checkDefinition(
  entry: PlannedModel,
  reader: RisingWaveReader,
  catalog: CatalogSnapshot,
  options: EvidenceOptions,
): Promise<DefinitionCheck> {
  if (entry.relationType === "view") return checkViewQuery(entry, reader);
  const relation = entry.temp ?? entry.target;
  let host: QualifiedName = relation;
  let limitation: string | undefined;
  if (!catalog.hasSchema(relation.schema)) {
    const hostSchema = [options.targetSchema, "public"].find((schema) => catalog.hasSchema(schema));
    if (hostSchema === undefined) {
      return {
        limitation:
          `schema ${relation.schema} does not exist yet (the deploy creates it) and neither does ` +
          `${options.targetSchema} or public to validate in: the definition was not validated`,
      };
    }
    host = { schema: hostSchema, identifier: relation.identifier };
    limitation =
      `schema ${relation.schema} does not exist yet (the deploy creates it): the definition was ` +
      `validated in schema ${hostSchema}; whether the deploy user may create schema ` +
      `${relation.schema} (CREATE on the database) could not be checked`;
  }
  try {
    const lines = await reader.explain(
      explainCreateMaterializedView(host, entry.checkSql ?? entry.sql),
    );
    const columns = streamMaterializeColumns(lines);
    const unknownColumns =
      columns === undefined
        ? "the new definition's columns could not be read from its plan"
        : undefined;
    const note = [limitation, unknownColumns].filter(Boolean).join("; ");
    return { ...(columns ? { columns } : {}), ...(note ? { limitation: note } : {}) };
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    const message = errorText(error);
    if (!NO_CREATE_ON_SCHEMA.test(message)) return { error: message };
    if (!options.dryRun) return { cannotCreate: true };
    try {
      await reader.explain(`EXPLAIN ${entry.checkSql ?? entry.sql}`);
    } catch (batchError) {
      if (isConnectionLoss(batchError)) throw batchError;
      return { cannotCreate: true, error: errorText(batchError) };
    }
    return {
      cannotCreate: true,
      limitation:
        `this user may not create in schema ${host.schema} (${message}), so the query was planned ` +
        "as a batch query only: the streaming plan and the new columns were not checked",
    };
  }
}

/**
 * A view's query need not be streamable (a view is bound at query time), so it is checked as the
 * batch query it is; it has no columns a plan needs.
 */
async function checkViewQuery(
  entry: PlannedModel,
  reader: RisingWaveReader,
): Promise<DefinitionCheck> {
  try {
    await reader.explain(`EXPLAIN ${entry.sql}`);
    return {};
  } catch (error) {
    if (isConnectionLoss(error)) throw error;
    return { error: errorText(error) };
  }
}

/** The sinks and subscriptions reading an MV the plan swaps: their cut-over plans need their shape. */
async function readSinksAndSubscriptions(
  plan: Plan,
  reader: RisingWaveReader,
  catalog: CatalogSnapshot,
  evidence: Evidence,
): Promise<void> {
  for (const entry of plan.models) {
    if (entry.action !== "zero-downtime" || entry.targetId === undefined) continue;
    for (const dependent of catalog.dependentsOf(entry.targetId)) {
      try {
        if (dependent.type === "sink" && !evidence.sinks?.has(dependent.id)) {
          const facts = await reader.sinkFacts(dependent.id);
          if (facts) evidence.sinks?.set(dependent.id, facts);
        } else if (
          dependent.type === "subscription" &&
          !evidence.subscriptions?.has(dependent.id)
        ) {
          const facts = await reader.subscriptionFacts(dependent.id);
          if (facts) evidence.subscriptions?.set(dependent.id, facts);
        }
      } catch (error) {
        if (isConnectionLoss(error)) throw error;
        // Without them the cut-over plan keeps placeholders for what it could not read.
      }
    }
  }
}
