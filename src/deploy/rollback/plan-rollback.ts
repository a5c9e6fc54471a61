import { findTempMvs, type TempMv } from "../../cleanup/find-temps.js";
import { swapStatement } from "../../plan/relation-type.js";
import type { DeployedType } from "../../plan/types.js";
import type { CatalogSnapshot } from "../../risingwave/catalog.js";
import { displayName, type QualifiedName } from "../../sql/quote.js";
import type { CutOverUnit } from "../execute/cut-over.js";
import { indexNamesBack } from "./index-names-back.js";

/** One MV to put back: its live version and the preserved previous one that replaces it. */
export interface RollbackUnit extends CutOverUnit {
  targetId: number;
  tempId: number;
  /** When the deploy that replaced it ran (the temporary name's stamp). */
  deployedAt: Date;
  /** Run after the cut-over: the index names the deploy moved, handed back (indexNamesBack). */
  indexRenames: string[];
}

export interface RollbackPlan {
  /** In the order they are swapped: upstream first. */
  units: RollbackUnit[];
  /** Why a requested MV cannot be rolled back; any refusal stops the whole rollback. */
  refusals: string[];
  /** Read by the rollback units' live versions but not rolled back with them. */
  warnings: string[];
}

/** `orders` or `analytics.orders`; a bare name is in the target schema. */
function parseName(text: string, schema: string): QualifiedName {
  const dot = text.indexOf(".");
  return dot < 0
    ? { schema, identifier: text }
    : { schema: text.slice(0, dot), identifier: text.slice(dot + 1) };
}

/**
 * Pure, issue 12 item 4. The previous version of an MV is the newest temporary MV named for it
 * with a smaller id than the live one: a deploy builds the new version after the live one, so
 * after its SWAP the previous version (older, smaller id) carries the temporary name. A temporary
 * MV with a larger id was never swapped in (a failed or cut-off deploy's) and is not a version
 * to go back to. With no names, the whole last deploy: every temporary MV of the newest stamp.
 */
export function planRollback(
  catalog: CatalogSnapshot,
  requested: string[],
  schema: string,
  now: Date,
): RollbackPlan {
  const temps = findTempMvs(catalog, now);
  const refusals: string[] = [];
  const previous = (target: QualifiedName, liveId: number, type: DeployedType) =>
    temps
      .filter(
        (temp) =>
          temp.relation.schema === target.schema &&
          temp.replaced === target.identifier &&
          temp.type === type &&
          temp.id < liveId,
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];

  let targets: QualifiedName[];
  if (requested.length > 0) {
    targets = requested.map((name) => parseName(name, schema));
  } else {
    const swappedIn = temps.filter((temp) => {
      const live = catalog.find(temp.relation.schema, temp.replaced);
      return live !== undefined && live.type === temp.type && temp.id < live.id;
    });
    const newest = Math.max(...swappedIn.map((temp) => temp.createdAt.getTime()));
    targets = swappedIn
      .filter((temp) => temp.createdAt.getTime() === newest)
      .map((temp) => ({ schema: temp.relation.schema, identifier: temp.replaced }));
    if (targets.length === 0) {
      refusals.push(
        "no deploy to roll back: no temporary MV holds a previous version of a live MV (they were dropped, or nothing was deployed with SWAP)",
      );
    }
  }

  const units: RollbackUnit[] = [];
  for (const target of targets) {
    const live = catalog.find(target.schema, target.identifier);
    const type: DeployedType | undefined =
      live?.type === "view"
        ? "view"
        : live?.type === "materialized view"
          ? "materialized view"
          : undefined;
    if (!live || type === undefined) {
      refusals.push(
        `${displayName(target)} is not a materialized view or view here: nothing to roll back`,
      );
      continue;
    }
    const temp: TempMv | undefined = previous(target, live.id, type);
    if (!temp) {
      refusals.push(
        `${displayName(target)} has no previous version to go back to: it was dropped (immediate cleanup or a cleanup sweep) or never existed; redeploy the previous commit instead`,
      );
      continue;
    }
    if (temp.creating || catalog.isCreating(live.id)) {
      refusals.push(
        `${displayName(temp.relation)} (the previous version of ${displayName(target)}) is still being created; it cannot be swapped`,
      );
      continue;
    }
    units.push({
      model: target.identifier,
      target,
      targetId: live.id,
      temp: temp.relation,
      tempId: temp.id,
      deployedAt: temp.createdAt,
      type,
      indexRenames: type === "view" ? [] : indexNamesBack(catalog, temp.relation, live.id, temp.id),
      swaps: [
        {
          kind: "swap",
          sql: swapStatement(target, temp.relation, type),
          target,
          temp: temp.relation,
        },
      ],
    });
  }
  return {
    units: upstreamFirst(units, catalog),
    refusals,
    warnings: readsLeftBehind(units, catalog),
  };
}

/** A unit whose live version reads another unit's live version comes after it. */
function upstreamFirst(units: RollbackUnit[], catalog: CatalogSnapshot): RollbackUnit[] {
  const ordered: RollbackUnit[] = [];
  const visit = (unit: RollbackUnit, seen: Set<RollbackUnit>) => {
    if (ordered.includes(unit) || seen.has(unit)) return;
    seen.add(unit);
    for (const other of units) {
      const readsOther = catalog.dependentsOf(other.targetId).some((d) => d.id === unit.targetId);
      if (readsOther) visit(other, seen);
    }
    ordered.push(unit);
  };
  for (const unit of units) visit(unit, new Set());
  return ordered;
}

/**
 * The previous version of a downstream MV reads the previous version of its upstream by id. When
 * only the upstream is rolled back, the live downstream keeps reading the new upstream (now under
 * the temporary name): said, so nobody drops that temporary MV expecting nothing to read it.
 */
function readsLeftBehind(units: RollbackUnit[], catalog: CatalogSnapshot): string[] {
  const rolled = new Set(units.map((unit) => unit.targetId));
  return units.flatMap((unit) =>
    catalog
      .dependentsOf(unit.targetId)
      .filter(
        (reader) =>
          !rolled.has(reader.id) && (reader.type === "materialized view" || reader.type === "view"),
      )
      .map(
        (reader) =>
          `${reader.schema}.${reader.name} reads the version of ${displayName(unit.target)} being rolled back and is not rolled back with it: it keeps reading that version under ${displayName(unit.temp)}`,
      ),
  );
}
