/**
 * The columns of an MV as RisingWave would create it, from the root of its EXPLAIN CREATE
 * MATERIALIZED VIEW plan: `StreamMaterialize { columns: [a, b, _row_id(hidden)], stream_key:
 * [...], ... }` (StreamMaterialize::distill, src/frontend/src/optimizer/plan_node/
 * stream_materialize.rs @v2.2.0 and @main). Hidden columns are left out. Undefined when the plan
 * has no such line (another format, or a column name the list cannot be split at).
 */
export function streamMaterializeColumns(planLines: string[]): string[] | undefined {
  for (const line of planLines) {
    const match = /StreamMaterialize \{ columns: \[(.*?)\](?:, [a-z_]+: |\s*\})/.exec(line);
    if (!match) continue;
    const list = match[1] as string;
    if (list.trim() === "") return [];
    return list
      .split(", ")
      .filter((column) => !column.endsWith("(hidden)"))
      .map((column) => column.trim());
  }
  return undefined;
}
