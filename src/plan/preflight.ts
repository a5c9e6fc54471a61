import type { ModelNode } from "../project/types.js";
import type { CatalogRelation, CatalogSnapshot } from "../risingwave/catalog.js";
import type { DescribedRelation } from "../risingwave/describe.js";
import { displayName, quoteIdent, quoteQualified } from "../sql/quote.js";
import type { DefinitionCheck } from "./evidence.js";
import type { DeployedType, PlanAction } from "./types.js";

export interface PreflightInput {
  model: ModelNode;
  action: PlanAction;
  existing?: CatalogRelation;
  catalog: CatalogSnapshot;
  /** EXPLAIN of the new definition (create, zero-downtime, full refresh). */
  check?: DefinitionCheck;
  /** DESCRIBE of the live MV (in-place). */
  described?: DescribedRelation;
  /** False: planned without a database, nothing here can be checked. */
  online: boolean;
  dryRun: boolean;
  /** Absent: a materialized view. */
  relationType?: DeployedType;
}

export interface PreflightResult {
  /** Each stops the deploy before any DDL: it would fail part-way otherwise. */
  problems: string[];
  warnings: string[];
  unchecked: string[];
}

/** On an MV RisingWave grants only SELECT, and ALL means SELECT (ALL_AVAILABLE_MVIEW_MODES, acl/mod.rs). */
const MV_PRIVILEGES = /^(select|all)$/i;

/**
 * Issue 11 item 5, pure: what would make the deploy fail after DDL has begun (often after a long
 * backfill), found from the catalog snapshot and the EXPLAIN and DESCRIBE answers instead.
 */
export function preflight(input: PreflightInput): PreflightResult {
  const { model, action, existing, catalog, check, described, online } = input;
  const result: PreflightResult = { problems: [], warnings: [], unchecked: [] };
  if (action === "skip") return result;
  const target = displayName(model.relation);

  for (const privilege of Object.keys(model.config.grants)) {
    if (!MV_PRIVILEGES.test(privilege.trim())) {
      result.problems.push(
        `grants: {${privilege}: [...]} is not a privilege RisingWave grants on a materialized view: ` +
          "only select (or all, which means select). Change it to {select: [...]}.",
      );
    }
  }
  if (!online) return result;

  const me = catalog.currentUser();
  const isView = input.relationType === "view";
  const kind = isView ? "view" : "MV";
  const keyword = isView ? "VIEW" : "MATERIALIZED VIEW";
  if (existing && (action === "zero-downtime" || action === "full-refresh")) {
    if (!me || existing.owner === undefined) {
      result.unchecked.push(`who owns ${target} could not be read`);
    } else if (!me.isSuper && existing.owner !== me.id) {
      const owner = catalog.user(existing.owner)?.name ?? `user #${existing.owner}`;
      const schemaOwned = catalog.schemaOwner(model.relation.schema) === me.id;
      if (action === "zero-downtime") {
        result.problems.push(
          `${me.name} does not own ${target} (its owner is ${owner}) and is not a superuser, and ` +
            `RisingWave's SWAP needs the deploy user to own both ${kind}s: the deploy would fail after the ` +
            `whole backfill. Deploy as ${owner}, or have a superuser run ` +
            `ALTER ${keyword} ${quoteQualified(model.relation)} OWNER TO ${quoteIdent(me.name)};`,
        );
      } else if (!schemaOwned) {
        result.problems.push(
          `${me.name} may not drop ${target} (its owner is ${owner}; only the owner, the schema's owner ` +
            `or a superuser may), so a full refresh would stop after dropping the MVs before it. Deploy as ${owner}.`,
        );
      }
    }
  }
  if (check?.cannotCreate && !input.dryRun) {
    const user = me?.name ?? "the deploy user";
    result.problems.push(
      `${user} may not create in schema ${model.relation.schema}: ` +
        `GRANT CREATE ON SCHEMA ${quoteIdent(model.relation.schema)} TO ${quoteIdent(user)};`,
    );
  }

  const columns = action === "in-place" ? described?.columns : check?.columns;
  const what = action === "in-place" ? `${target}` : "the new definition";
  const indexColumns = [...new Set(model.config.indexes.flatMap((index) => index.columns))];
  if (columns === undefined) {
    if (indexColumns.length > 0) {
      result.unchecked.push(`whether ${what} has the index columns could not be checked`);
    }
  } else {
    for (const index of model.config.indexes) {
      const missing = index.columns.filter((column) => !columns.includes(column));
      if (missing.length > 0) {
        result.problems.push(
          `indexes: the index on (${index.columns.join(", ")}) names ${missing.join(", ")}, which ` +
            `${what} does not have (its columns: ${columns.join(", ")}).`,
        );
      }
    }
  }
  if (model.config.persistDocs.columns) {
    const documented = model.columns.filter((column) => column.description);
    if (columns === undefined) {
      if (documented.length > 0) {
        result.unchecked.push(`whether ${what} has the documented columns could not be checked`);
      }
    } else {
      for (const column of documented) {
        if (columns.includes(column.name)) continue;
        result.warnings.push(
          `${model.name}: column ${column.name} is documented but ${what} has no such column; ` +
            "its comment was left out (dbt skips it too).",
        );
      }
    }
  }
  return result;
}
