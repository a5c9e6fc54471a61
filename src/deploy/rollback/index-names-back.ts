import { renameIndex } from "../../plan/ddl.js";
import { retiredIndexName } from "../../plan/index-names.js";
import type { CatalogIndex, CatalogSnapshot } from "../../risingwave/catalog.js";
import { parseIndexDefinition, sameIndexShape } from "../../sql/index-definition.js";
import { unquotableName, type QualifiedName } from "../../sql/quote.js";

/**
 * The index names a rollback hands back, as ALTER INDEX … RENAME statements run after its SWAP.
 * The deploy being rolled back moved each index of the previous version to
 * `__dbt_retired_index_<temp>_<n>` and gave its name to the new version's index of the same
 * shape (index-names.ts, zeroDowntimeSteps). Going back exchanges the two names again, through a
 * scratch name, so the restored version is what dbt-risingwave and the next deploy expect and the
 * rolled-back one holds the retired name. An index whose shape the deploy changed has no partner:
 * it is left under its name. Pure; `liveId` is the version being rolled back, `previousId` the one
 * coming back.
 */
export function indexNamesBack(
  catalog: CatalogSnapshot,
  temp: QualifiedName,
  liveId: number,
  previousId: number,
): string[] {
  const retiredPrefix = retiredIndexName(temp.identifier, 0).slice(0, -1);
  const live = catalog.indexesOn(liveId);
  const taken = new Set<CatalogIndex>();
  const statements: string[] = [];
  for (const retired of catalog.indexesOn(previousId)) {
    if (!retired.name.startsWith(retiredPrefix) || unquotableName(retired.name)) continue;
    const partner = live.find((index) => !taken.has(index) && sameShape(index, retired));
    // A hand-made index whose name no released RisingWave can quote keeps it; so does its partner.
    if (!partner || unquotableName(partner.name) || unquotableName(partner.schema)) continue;
    taken.add(partner);
    const scratch = `__dbt_swapping_index_${temp.identifier}_${retired.name.slice(retiredPrefix.length)}`;
    statements.push(
      renameIndex(partner.schema, partner.name, scratch),
      renameIndex(retired.schema, retired.name, partner.name),
      renameIndex(partner.schema, scratch, retired.name),
    );
  }
  return statements;
}

/** An index whose definition cannot be read, or whose key is an expression, has no partner. */
function sameShape(a: CatalogIndex, b: CatalogIndex): boolean {
  const [left, right] = [a, b].map((index) =>
    index.definition ? parseIndexDefinition(index.definition) : undefined,
  );
  return Boolean(left?.columns && right?.columns && sameIndexShape(left, right));
}
