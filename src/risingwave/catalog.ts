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
  /** The owner's user id; unknown when planning offline. */
  owner?: number;
  /** RisingWave's acl items, `grantee=<modes>/<grantor>` (rw_relations.acl, v2.2+). */
  acl?: string[];
}

export interface CatalogUser {
  id: number;
  name: string;
  isSuper: boolean;
}

export interface CatalogIndex {
  id: number;
  schema: string;
  name: string;
  /** The relation the index is built on (an index goes along when that relation is dropped). */
  onId: number;
  /** The CREATE INDEX statement RisingWave keeps (rw_indexes.definition). */
  definition?: string;
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
  /** Every user (rw_users is not filtered by privilege); empty offline. */
  users?: CatalogUser[];
  /** The session user's name; unknown offline. */
  currentUser?: string;
  /** Owner (user id) of each schema, by name. */
  schemaOwners?: Record<string, number>;
  /** MVs whose rw_materialized_views.status is 'Creating' (v2.8+; empty before). */
  creatingMvs?: number[];
  /** Visible columns of every relation, for templates that ask a relation's columns. */
  columns?: { relationId: number; name: string; position: number; dataType: string }[];
}

/**
 * From v2.3 the relation catalogs list only what the session user may access, but rw_depend is
 * not filtered: a reader may have an id and no name. It still counts as a reader.
 */
export const HIDDEN_TYPE = "hidden from this user";

function unnamed(id: number): CatalogRelation {
  return { id, schema: "?", name: `object #${id}`, type: HIDDEN_TYPE };
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

  /**
   * Still being created: a job in rw_ddl_progress, or status 'Creating' (2.8+). DROP of such an
   * MV cancels its job (src/frontend/src/handler/drop_mv.rs @v2.2.0), so nothing drops it.
   */
  isCreating(id: number): boolean {
    return this.creatingJob(id) !== undefined || (this.rows.creatingMvs ?? []).includes(id);
  }

  user(id: number | undefined): CatalogUser | undefined {
    return id === undefined ? undefined : this.rows.users?.find((user) => user.id === id);
  }

  /** The session user, when the snapshot came from a database. */
  currentUser(): CatalogUser | undefined {
    const name = this.rows.currentUser;
    return name === undefined ? undefined : this.rows.users?.find((user) => user.name === name);
  }

  schemaOwner(schema: string): number | undefined {
    return this.rows.schemaOwners?.[schema];
  }

  relationsIn(schemas?: ReadonlySet<string>): CatalogRelation[] {
    return this.rows.relations.filter((relation) => !schemas || schemas.has(relation.schema));
  }

  /**
   * Objects that read `id` and would block a DROP without CASCADE. Indexes built on it are not
   * among them: they go along with it. What reads one of those indexes is (RisingWave 2.7+
   * records MV → index edges and refuses such a drop, src/meta/src/controller/catalog/drop_op.rs
   * @v2.7.0). An id we cannot name still counts, so nothing unknown is ever dropped from under a
   * reader.
   */
  dependentsOf(id: number): CatalogRelation[] {
    const ownIndexes = new Set(this.indexesOn(id).map((index) => index.id));
    const readers = new Set<number>();
    for (const reader of this.readers.get(id) ?? []) readers.add(reader);
    for (const index of ownIndexes) {
      for (const reader of this.readers.get(index) ?? []) readers.add(reader);
    }
    return [...readers]
      .filter((reader) => !ownIndexes.has(reader) && reader !== id)
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
