import type { ModelNode } from "../project/types.js";
import type { CatalogIndex, CatalogRelation, CatalogSnapshot } from "../risingwave/catalog.js";
import type { DescribedRelation } from "../risingwave/describe.js";
import { parseIndexDefinition } from "../sql/index-definition.js";
import { displayName, type QualifiedName } from "../sql/quote.js";
import * as ddl from "./ddl.js";
import { isManagedIndex } from "./index-names.js";
import type { CarriedItem, PlanStep } from "./types.js";

/**
 * The live relation's SELECT grants that the new version must be given again (they stay with the
 * object id on SWAP): not those of superusers, the deploy user or the owner, who read it anyway,
 * nor a plain SELECT the config grants itself.
 */
export function liveSelectGrants(
  existing: CatalogRelation,
  catalog: CatalogSnapshot,
  configured: ReadonlySet<string>,
): { grantee: string; withOption: boolean }[] {
  const me = catalog.currentUser();
  const owner = catalog.user(existing.owner);
  return (existing.acl ?? []).flatMap((text) => {
    const item = parseAclItem(text);
    const mode = item && selectMode(item);
    if (!item || !mode) return [];
    const grantee = catalog.rows.users?.find((user) => user.name === item.grantee);
    if (grantee?.isSuper || item.grantee === me?.name || item.grantee === owner?.name) return [];
    if (configured.has(item.grantee) && mode === "select") return [];
    return [{ grantee: item.grantee, withOption: mode === "select with grant option" }];
  });
}

/** One acl item of RisingWave's form `grantee=<modes>/<grantor>` (get_acl_items, system_catalog/mod.rs). */
export interface AclItem {
  grantee: string;
  modes: string;
  grantor: string;
}

export function parseAclItem(item: string): AclItem | undefined {
  const match = /^(.+)=([A-Za-z*]*)\/(.+)$/.exec(item);
  if (!match) return undefined;
  return { grantee: match[1] as string, modes: match[2] as string, grantor: match[3] as string };
}

/** SELECT is `r` in an acl item; `r*` means it was granted WITH GRANT OPTION. */
export function selectMode(item: AclItem): "select" | "select with grant option" | undefined {
  const at = item.modes.indexOf("r");
  if (at === -1) return undefined;
  return item.modes[at + 1] === "*" ? "select with grant option" : "select";
}

export interface CarryOverInput {
  model: ModelNode;
  /** The live MV that the new version replaces. */
  existing: CatalogRelation;
  temp: QualifiedName;
  catalog: CatalogSnapshot;
  /** DESCRIBE of the live MV; without it its comments are unknown. */
  described?: DescribedRelation;
  /** The new definition's columns; without them, nothing bound to a column can be checked. */
  newColumns?: string[];
}

export interface CarriedIndex {
  /** The index on the live MV; its name goes to the staged one after the swap. */
  live: CatalogIndex;
  staged: string;
}

export interface CarryOver {
  items: CarriedItem[];
  /** Run on the temporary MV before the swap (after the config's own indexes, grants, comments). */
  steps: PlanStep[];
  /** Run just before the swap, once everything else on the temporary MV is in place. */
  ownerStep?: PlanStep;
  indexes: CarriedIndex[];
  warnings: string[];
  unchecked: string[];
  /** Something of the live MV could not be carried: its previous version must not be dropped now. */
  keepPrevious: boolean;
}

/** The staged name of a hand-made index rebuilt on the temporary MV. */
export function carriedIndexName(tempName: string, ordinal: number): string {
  return `__dbt_carried_index_${tempName}_${ordinal}`;
}

/**
 * DESIGN 2.5: the new version carries what the live one had beyond dbt's config, because grants,
 * comments, the owner and indexes stay with the object id on SWAP (rw-sql-audit.md 2.1): the
 * live MV's grants (`acl`), its owner (when the deploy user differs and, being a superuser, may
 * set it), comments the model does not manage, and indexes dbt does not manage. Pure.
 */
export function carryOver(input: CarryOverInput): CarryOver {
  const { model, existing, temp, catalog, described, newColumns } = input;
  const target = displayName(model.relation);
  const result: CarryOver = {
    items: [],
    steps: [],
    indexes: [],
    warnings: [],
    unchecked: [],
    keepPrevious: false,
  };
  const me = catalog.currentUser();
  const owner = catalog.user(existing.owner);
  const configured = new Set(
    Object.entries(model.config.grants)
      .filter(([privilege]) => /^(select|all)$/i.test(privilege.trim()))
      .flatMap(([, grantees]) => grantees),
  );

  for (const { grantee, withOption } of liveSelectGrants(existing, catalog, configured)) {
    result.steps.push({ kind: "grant", sql: ddl.grant("select", temp, grantee, withOption) });
    result.items.push({
      kind: "grant",
      detail: `SELECT${withOption ? " WITH GRANT OPTION" : ""} to ${grantee}`,
    });
  }

  if (described) {
    carryComments(model, temp, described, newColumns, result);
  } else if (existing.owner !== undefined) {
    result.unchecked.push(
      `comments on ${target} could not be read, so only the model's own are on the new version`,
    );
  }

  const managed = model.config.indexes;
  let ordinal = 0;
  for (const live of catalog.indexesOn(existing.id)) {
    if (isManagedIndex(live.name, model.relation.identifier, managed)) continue;
    const parsed = live.definition ? parseIndexDefinition(live.definition) : undefined;
    if (!parsed) {
      result.keepPrevious = true;
      result.warnings.push(
        `index ${live.schema}.${live.name} on ${target} is not in the model's config and its definition ` +
          "could not be read, so the new version does not have it; the previous version (with the index) " +
          "is kept under the temporary name. Add the index to the model's indexes config.",
      );
      continue;
    }
    const missing = (parsed.columns ?? []).filter(
      (column) => newColumns !== undefined && !newColumns.includes(column),
    );
    if (missing.length > 0) {
      result.keepPrevious = true;
      result.warnings.push(
        `index ${live.schema}.${live.name} on ${target} (${parsed.columns?.join(", ")}) cannot be rebuilt: ` +
          `the new definition has no column ${missing.join(", ")}. The previous version (with the index) ` +
          "is kept under the temporary name.",
      );
      continue;
    }
    if (newColumns === undefined) {
      result.unchecked.push(
        `whether the new definition has the columns of index ${live.name} could not be checked`,
      );
    }
    const staged = carriedIndexName(temp.identifier, ++ordinal);
    result.steps.push({ kind: "create-index", sql: ddl.createIndexAs(staged, temp, parsed.rest) });
    result.indexes.push({ live, staged });
    result.items.push({ kind: "index", detail: `${live.name} ${parsed.rest}` });
  }

  if (owner && me && owner.id !== me.id) {
    if (me.isSuper) {
      result.ownerStep = { kind: "set-owner", sql: ddl.setOwner(temp, owner.name) };
      result.items.push({ kind: "owner", detail: owner.name });
    }
  } else if (existing.owner !== undefined && !owner) {
    result.unchecked.push(`the owner of ${target} (user #${existing.owner}) could not be named`);
  }
  return result;
}

function carryComments(
  model: ModelNode,
  temp: QualifiedName,
  described: DescribedRelation,
  newColumns: string[] | undefined,
  result: CarryOver,
): void {
  const docs = model.config.persistDocs;
  if (described.comment && !(docs.relation && model.description)) {
    result.steps.push({ kind: "comment", sql: ddl.commentOnRelation(temp, described.comment) });
    result.items.push({ kind: "comment", detail: "relation" });
  }
  const documented = new Set(
    docs.columns ? model.columns.filter((column) => column.description).map((c) => c.name) : [],
  );
  for (const [column, text] of Object.entries(described.columnComments)) {
    if (documented.has(column)) continue;
    if (newColumns === undefined) {
      result.unchecked.push(
        `the comment on column ${column} was not carried over: the new definition's columns are unknown`,
      );
      continue;
    }
    if (!newColumns.includes(column)) {
      result.warnings.push(
        `the comment on column ${column} of ${displayName(model.relation)} is not carried over: the new ` +
          "definition has no such column.",
      );
      continue;
    }
    result.steps.push({ kind: "comment", sql: ddl.commentOnColumn(temp, column, text) });
    result.items.push({ kind: "comment", detail: `column ${column}` });
  }
}
