import type { CatalogSnapshot } from "../risingwave/catalog.js";
import type { SinkFacts, SubscriptionFacts } from "../risingwave/reader-facts.js";
import { displayName, quoteQualified, unquotableName, type QualifiedName } from "../sql/quote.js";
import { dropMaterializedView } from "./ddl.js";
import type { Evidence } from "./evidence.js";
import type { PlannedModel, Reader, ReaderMove } from "./types.js";

const asName = (reader: Reader): QualifiedName => ({
  schema: reader.schema,
  identifier: reader.name,
});

/** `<name>_moved`, or the first `_moved_<n>` no relation has. */
function movedName(
  reader: Reader,
  taken: (schema: string, name: string) => boolean,
): QualifiedName {
  let identifier = `${reader.name}_moved`;
  for (let n = 2; taken(reader.schema, identifier); n++) identifier = `${reader.name}_moved_${n}`;
  return { schema: reader.schema, identifier };
}

/** What the second sink's duplicates mean for this kind of sink. */
function overlapNote(facts: SinkFacts | undefined): string {
  switch (facts?.sinkType) {
    case "upsert":
      return "it is an upsert sink, so the destination receives the same upserts and deletes twice and ends in the same state";
    case "append-only":
    case "force-append-only":
      return "it is append-only, so the destination receives those events twice: deduplicate them there, or accept them";
    default:
      return "an upsert sink with a primary key ends in the same state; an append-only one delivers those events twice";
  }
}

function sinkMove(
  entry: PlannedModel & { temp: QualifiedName },
  reader: Reader,
  facts: SinkFacts | undefined,
  replaceSink: boolean,
  taken: (schema: string, name: string) => boolean,
): ReaderMove {
  const sink = quoteQualified(asName(reader));
  const target = quoteQualified(entry.target);
  const temp = quoteQualified(entry.temp);
  const moved = quoteQualified(movedName(reader, taken));
  const options = `<the WITH options of ${sink}>`;
  const format =
    facts?.format === false ? "" : `\n  <the FORMAT … ENCODE … clause of ${sink}, if it has one>`;
  const into = facts?.intoTable ? ` INTO <the table ${sink} writes into>` : "";
  const from =
    facts?.source === "query"
      ? ` AS <the query of ${sink}, reading ${target} where it reads ${temp}>`
      : ` FROM ${target}`;
  const dropTemp = dropMaterializedView(entry.temp);
  const move: ReaderMove = {
    reader,
    keeps: entry.temp,
    statements: [
      `CREATE SINK ${moved}${into}${from}\n  WITH (${options}, snapshot = 'false')${format}`,
      `ALTER SINK ${sink} SWAP WITH ${moved}`,
      `DROP SINK ${moved}`,
      dropTemp,
    ],
    effect: [
      `After the swap ${moved} is the old sink, still reading the previous version: drop it, then ` +
        `${displayName(entry.temp)} once nothing else reads it (or let mode: cleanup do it).`,
      "snapshot = 'false': the new sink sends only changes made after its creation, not the MV's " +
        "current rows. Until the old sink is dropped both send every change: nothing is lost, but " +
        `that window is delivered twice (${overlapNote(facts)}).`,
      "Rows the new definition computes differently (a new column, another filter) reach the " +
        "destination only when they next change; leave snapshot out to send every row again " +
        "instead (all of them twice).",
      "ALTER SINK … SWAP WITH (RisingWave 2.1+) gives the new sink the old name; both sinks must " +
        "be owned by the user running it.",
    ],
  };
  const replaceable = facts !== undefined && facts.source === "relation" && !facts.intoTable;
  if (replaceSink && replaceable && facts.connector !== "iceberg") {
    move.alternative = {
      statements: [`REPLACE SINK ${sink} FROM ${target}\n  WITH (${options})${format}`, dropTemp],
      effect:
        "REPLACE SINK (RisingWave 3.1+) moves the sink in place, without a snapshot: changes before it " +
        "come from the previous version, changes after it from the new one, none twice. It refuses " +
        "exactly-once sinks, sinks into a table, auto schema change and since_timestamp.",
    };
  }
  return move;
}

function subscriptionMove(
  entry: PlannedModel & { temp: QualifiedName },
  reader: Reader,
  facts: SubscriptionFacts | undefined,
  taken: (schema: string, name: string) => boolean,
): ReaderMove {
  const subscription = quoteQualified(asName(reader));
  const moved = quoteQualified(movedName(reader, taken));
  const retention = facts?.retention ?? `<the retention of ${subscription}>`;
  return {
    reader,
    keeps: entry.temp,
    statements: [
      `CREATE SUBSCRIPTION ${moved} FROM ${quoteQualified(entry.target)} WITH (retention = ${retention})`,
      `ALTER SUBSCRIPTION ${subscription} SWAP WITH ${moved}`,
      `DROP SUBSCRIPTION ${moved}`,
      dropMaterializedView(entry.temp),
    ],
    effect: [
      `After the swap ${moved} is the old subscription: drop it once no cursor reads it, then ` +
        `${displayName(entry.temp)} once nothing else reads it.`,
      "The new subscription holds only changes made after its creation.",
      "A cursor keeps the subscription and MV it was declared on, so open cursors go on reading " +
        "the previous version: declare new ones (DECLARE … SUBSCRIPTION CURSOR FOR " +
        `${subscription}) after the swap.`,
      "Changes made between the CREATE and a consumer's switch are in both subscriptions, so a " +
        "consumer that switches may read some of them twice.",
    ],
  };
}

/**
 * Pure: for each sink and subscription reading the previous version of a swapped MV, the
 * statements that move it onto the new one. A SWAP moves neither: they follow the MV's id
 * (rename_relation_refer, src/meta/src/controller/utils.rs @v2.2.0, rewrites their definitions
 * to the temporary name).
 */
export function readerMoves(
  entry: PlannedModel,
  evidence: Evidence | undefined,
  catalog: CatalogSnapshot,
  taken: (schema: string, name: string) => boolean,
): ReaderMove[] {
  const temp = entry.temp;
  if (entry.action !== "zero-downtime" || !temp) return [];
  const swapped = { ...entry, temp };
  return entry.readers.flatMap((reader): ReaderMove[] => {
    // A name no supported server can quote gets no statements: the report names it only.
    if (unquotableName(reader.name) || unquotableName(reader.schema)) return [];
    const id = catalog.find(reader.schema, reader.name)?.id;
    if (reader.type === "sink") {
      const facts = id === undefined ? undefined : evidence?.sinks?.get(id);
      return [sinkMove(swapped, reader, facts, evidence?.replaceSink === true, taken)];
    }
    if (reader.type === "subscription") {
      const facts = id === undefined ? undefined : evidence?.subscriptions?.get(id);
      return [subscriptionMove(swapped, reader, facts, taken)];
    }
    return [];
  });
}
