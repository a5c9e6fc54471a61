/** What `DESCRIBE <mv>` says: the only place RisingWave shows the comments of an MV. */
export interface DescribedRelation {
  /** Visible columns, in order. */
  columns: string[];
  /** Comments by column name. */
  columnComments: Record<string, string>;
  /** The relation's own comment (COMMENT ON TABLE). */
  comment?: string;
}

/**
 * DESCRIBE returns (Name, Type, Is Hidden, Description) rows (handler/describe.rs @v2.2.0 and
 * @main): one per column, with Is Hidden set; then rows without it for the primary key,
 * distribution key and each index; then `table description`, whose Description is the
 * relation's comment. From v2.5.0 column names are shown as identifiers, quoted where needed
 * (ShowColumnName, handler/show.rs); fields of struct columns appear as `col.field`.
 */
export function parseDescribe(rows: unknown[][]): DescribedRelation {
  const described: DescribedRelation = { columns: [], columnComments: {} };
  for (const [rawName, , rawHidden, rawDescription] of rows) {
    const name = typeof rawName === "string" ? rawName : undefined;
    const description = typeof rawDescription === "string" ? rawDescription : undefined;
    if (name === undefined) continue;
    if (rawHidden === null || rawHidden === undefined) {
      if (name === "table description" && description) described.comment = description;
      continue;
    }
    if (String(rawHidden) === "true") continue;
    const column = topLevelColumn(name);
    if (column === undefined) continue;
    described.columns.push(column);
    if (description) described.columnComments[column] = description;
  }
  return described;
}

/** `"My Col"` → `My Col`; `plain` → `plain`; a struct field (`a.b`, `"a".b`, `a[1]`) → undefined. */
function topLevelColumn(name: string): string | undefined {
  if (name.startsWith('"')) {
    const match = /^"((?:[^"]|"")*)"$/.exec(name);
    return match ? (match[1] as string).replace(/""/g, '"') : undefined;
  }
  return /[.[]/.test(name) ? undefined : name;
}
