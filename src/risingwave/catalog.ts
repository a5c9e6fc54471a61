export type RelationType =
  | "table"
  | "view"
  | "materialized view"
  | "sink"
  | "index"
  | "source"
  | "subscription"
  | (string & {});

export interface CatalogRelation {
  id: number;
  schema: string;
  name: string;
  type: RelationType;
}

export interface CatalogIndex {
  id: number;
  schema: string;
  name: string;
  /** The relation the index is built on (an index goes along when that relation is dropped). */
  onId: number;
}

export interface CreatingJob {
  ddlId: number;
  statement: string;
  progress: string;
}

export interface CatalogRows {
  /** User schemas, including those that hold nothing yet. */
  schemas: string[];
  relations: CatalogRelation[];
  depends: { objid: number; refobjid: number }[];
  indexes: CatalogIndex[];
  creating: CreatingJob[];
  /** Visible columns of every relation, for templates that ask a relation's columns. */
  columns?: { relationId: number; name: string; position: number; dataType: string }[];
}

function unnamed(id: number): CatalogRelation {
  return { id, schema: "?", name: `object #${id}`, type: "unknown" };
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/** The database's objects and who reads whom, read once and queried in memory. */
export class CatalogSnapshot {
  private readonly byName = new Map<string, CatalogRelation>();
  private readonly byId = new Map<number, CatalogRelation>();
  private readonly readers = new Map<number, Set<number>>();
  private readonly indexesByOwner = new Map<number, CatalogIndex[]>();
  private readonly indexesByName = new Map<string, CatalogIndex>();

  constructor(readonly rows: CatalogRows) {
    for (const relation of rows.relations) {
      this.byName.set(key(relation.schema, relation.name), relation);
      this.byId.set(relation.id, relation);
    }
    for (const index of rows.indexes) {
      this.indexesByName.set(key(index.schema, index.name), index);
      const list = this.indexesByOwner.get(index.onId) ?? [];
      list.push(index);
      this.indexesByOwner.set(index.onId, list);
    }
    for (const { objid, refobjid } of rows.depends) {
      if (objid === refobjid) continue;
      const set = this.readers.get(refobjid) ?? new Set<number>();
      set.add(objid);
      this.readers.set(refobjid, set);
    }
  }

  find(schema: string, name: string): CatalogRelation | undefined {
    return this.byName.get(key(schema, name));
  }

  /** A relation's columns in order, or undefined when the relation is unknown. */
  columnsOf(schema: string, name: string): { name: string; dataType: string }[] | undefined {
    const relation = this.find(schema, name);
    if (!relation) return undefined;
    return (this.rows.columns ?? [])
      .filter((column) => column.relationId === relation.id)
      .sort((a, b) => a.position - b.position)
      .map((column) => ({ name: column.name, dataType: column.dataType }));
  }

  relation(id: number): CatalogRelation | undefined {
    return this.byId.get(id);
  }

  hasSchema(name: string): boolean {
    return this.rows.schemas.includes(name);
  }

  /** The background job still creating `id`, if any: such an MV cannot be swapped yet. */
  creatingJob(id: number): CreatingJob | undefined {
    return this.rows.creating.find((job) => job.ddlId === id);
  }

  relationsIn(schemas?: ReadonlySet<string>): CatalogRelation[] {
    return this.rows.relations.filter((relation) => !schemas || schemas.has(relation.schema));
  }

  /**
   * Objects that read `id` and would block a DROP without CASCADE. Indexes built on it are not
   * among them: they go along with it. An id we cannot name still counts, so nothing unknown is
   * ever dropped from under a reader.
   */
  dependentsOf(id: number): CatalogRelation[] {
    const ownIndexes = new Set(this.indexesOn(id).map((index) => index.id));
    return [...(this.readers.get(id) ?? [])]
      .filter((reader) => !ownIndexes.has(reader))
      .map((reader) => this.byId.get(reader) ?? unnamed(reader));
  }

  /** Index names are unique per schema, like relation names. */
  index(schema: string, name: string): CatalogIndex | undefined {
    return this.indexesByName.get(key(schema, name));
  }

  indexesOn(id: number): CatalogIndex[] {
    return this.indexesByOwner.get(id) ?? [];
  }
}

/**
 * A catalog for planning without a database (no credentials, e.g. a pull request from a fork):
 * the given relations are assumed to exist as MVs, and nothing is known about their readers.
 */
export function assumedCatalog(
  existing: { schema: string; identifier: string }[],
): CatalogSnapshot {
  return new CatalogSnapshot({
    schemas: [...new Set(existing.map((relation) => relation.schema))],
    relations: existing.map((relation, index) => ({
      id: -(index + 1),
      schema: relation.schema,
      name: relation.identifier,
      type: "materialized view",
    })),
    depends: [],
    indexes: [],
    creating: [],
  });
}
