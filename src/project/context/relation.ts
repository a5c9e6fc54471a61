/**
 * dbt's Relation (dbt/adapters/base/relation.py) as templates see it: `{{ ref('m') }}` prints its
 * rendered name, `.schema`/`.identifier`/`.database` read its parts, `.include()`/`.quote()`
 * give new relations. Relations of this project's nodes leave the database out (RisingWave
 * resolves names in the connection's database); quoting follows the `quoting:` config.
 */
import { quoteQualified } from "../../sql/quote.js";
import { ContentCache } from "../content-cache.js";
import {
  PyDict,
  PyObject,
  NativeFunction,
  truthy,
  type Value,
  type Kwargs,
  str,
  JinjaError,
} from "../jinja/values.js";
import type { RelationName, SourceTable } from "../types.js";

export interface Policy {
  database: boolean;
  schema: boolean;
  identifier: boolean;
}

export const ALL_TRUE: Policy = Object.freeze({ database: true, schema: true, identifier: true });
/** Nodes of this project: `"schema"."identifier"`. */
export const NODE_INCLUDE: Policy = Object.freeze({
  database: false,
  schema: true,
  identifier: true,
});

/** The database a relation lives in: a name, or why it is not known (offline, no database-url). */
export type DatabaseName = { name: string } | { unknown: string };

export interface RelationFields {
  database: DatabaseName | string | null;
  schema: string | null;
  identifier: string | null;
  type?: string | null;
  include?: Policy;
  quote?: Policy;
}

const COMPONENTS = ["database", "schema", "identifier"] as const;

function policyObject(policy: Policy): PyDict {
  return PyDict.fromObject({
    database: policy.database,
    schema: policy.schema,
    identifier: policy.identifier,
  });
}

export class Relation extends PyObject {
  readonly typeName = "RisingWaveRelation";
  readonly include: Policy;
  readonly quote: Policy;

  constructor(readonly fields: RelationFields) {
    super();
    this.include = fields.include ?? ALL_TRUE;
    this.quote = fields.quote ?? ALL_TRUE;
  }

  /** The database name, or a refusal when it is not known here. */
  databaseName(): string | null {
    const database = this.fields.database;
    if (database === null || typeof database === "string") return database;
    if ("name" in database) return database.name;
    throw new JinjaError("CompilationError", database.unknown);
  }

  private rendered?: string;

  render(): string {
    this.rendered ??= this.renderParts();
    return this.rendered;
  }

  private renderParts(): string {
    const parts: string[] = [];
    for (const component of COMPONENTS) {
      if (!this.include[component]) continue;
      const part = component === "database" ? this.databaseName() : this.fields[component];
      if (part === null || part === undefined) continue;
      // dbt does not double an embedded quote, which only makes its SQL invalid; we do.
      parts.push(this.quote[component] ? `"${part.replaceAll('"', '""')}"` : part);
    }
    return parts.join(".");
  }

  override str(): string {
    return this.render();
  }

  /** dbt's relations are mappings (FakeAPIObject), which dbt-utils checks. */
  override isMapping(): boolean {
    return true;
  }

  override repr(): string {
    return `<RisingWaveRelation ${this.render()}>`;
  }

  with(changes: Partial<RelationFields>): Relation {
    return new Relation({ ...this.fields, include: this.include, quote: this.quote, ...changes });
  }

  override equals(other: Value): boolean {
    return (
      other instanceof Relation &&
      other.fields.schema === this.fields.schema &&
      other.fields.identifier === this.fields.identifier &&
      (other.fields.type ?? null) === (this.fields.type ?? null) &&
      COMPONENTS.every(
        (c) => other.include[c] === this.include[c] && other.quote[c] === this.quote[c],
      ) &&
      sameDatabase(other.fields.database, this.fields.database)
    );
  }

  getattr(name: string): Value | undefined {
    const { fields } = this;
    switch (name) {
      case "database":
        return this.databaseName();
      case "schema":
        return fields.schema;
      case "identifier":
      case "name":
      case "table":
        return fields.identifier;
      case "type":
        return fields.type ?? null;
      case "is_table":
        return fields.type === "table";
      case "is_view":
        return fields.type === "view";
      case "is_materialized_view":
        return fields.type === "materialized_view";
      case "is_cte":
        return fields.type === "cte";
      case "quote_character":
        return '"';
      case "path":
        return PyDict.fromObject({
          database: this.databaseOrNull(),
          schema: fields.schema,
          identifier: fields.identifier,
        });
      case "include_policy":
        return policyObject(this.include);
      case "quote_policy":
        return policyObject(this.quote);
      case "render":
        return method("render", () => this.render());
      case "include":
        return method("include", (_args, kwargs) =>
          this.with({ include: changed(this.include, kwargs) }),
        );
      case "quote":
        return method("quote", (_args, kwargs) =>
          this.with({ quote: changed(this.quote, kwargs) }),
        );
      case "replace_path":
        return method("replace_path", (_args, kwargs) => this.with(pathChanges(kwargs)));
      case "incorporate":
        return method("incorporate", (_args, kwargs) => {
          const path = kwargs.get("path");
          const type = kwargs.get("type");
          return this.with({
            ...(path instanceof PyDict
              ? pathChanges(new Map([...path.items()].map(([k, v]) => [str(k), v])))
              : {}),
            ...(type !== undefined ? { type: type === null ? null : str(type) } : {}),
          });
        });
      case "without_identifier":
        return method("without_identifier", () =>
          this.with({ identifier: null, include: { ...this.include, identifier: false } }),
        );
      case "get":
        return method("get", ([key, fallback]) =>
          key === "metadata"
            ? PyDict.fromObject({ type: "RisingWaveRelation" })
            : (this.getattr(str(key ?? null)) ?? fallback ?? null),
        );
      default:
        return undefined;
    }
  }

  private databaseOrNull(): string | null {
    try {
      return this.databaseName();
    } catch {
      return null;
    }
  }
}

function sameDatabase(a: RelationFields["database"], b: RelationFields["database"]): boolean {
  const name = (d: RelationFields["database"]) =>
    d === null || typeof d === "string" ? d : "name" in d ? d.name : "\0unknown";
  return name(a) === name(b);
}

function method(name: string, fn: (args: Value[], kwargs: Kwargs) => Value): NativeFunction {
  return new NativeFunction(name, (args, kwargs) => fn(args, kwargs));
}

function changed(policy: Policy, kwargs: Kwargs): Policy {
  const next = { ...policy };
  for (const component of COMPONENTS) {
    const value = kwargs.get(component);
    if (value !== undefined && value !== null) next[component] = truthy(value);
  }
  return next;
}

function pathChanges(kwargs: Map<string, Value>): Partial<RelationFields> {
  const changes: Partial<RelationFields> = {};
  for (const component of COMPONENTS) {
    const value = kwargs.get(component);
    if (value !== undefined) changes[component] = value === null ? null : str(value);
  }
  return changes;
}

/** `"schema"."identifier"`: how this action names relations in the DDL it runs. */
export function renderRelation(relation: RelationName): string {
  return quoteQualified(relation);
}

const relationValues = new ContentCache<Relation>();
/** A quoting policy as one of eight keys, without building a string per call. */
const POLICY_KEYS = ["000", "001", "010", "011", "100", "101", "110", "111"];

/** The relation of a node of this project (a model or seed): `"schema"."identifier"` by default. */
export function nodeRelation(
  relation: RelationName,
  database: DatabaseName,
  quote: Policy = ALL_TRUE,
): Relation {
  const db = "name" in database ? database.name : "\0";
  const policy =
    POLICY_KEYS[(quote.database ? 4 : 0) + (quote.schema ? 2 : 0) + (quote.identifier ? 1 : 0)]!;
  return relationValues.getOrCreate(
    [db, policy, relation.schema, relation.identifier],
    () =>
      new Relation({
        database,
        schema: relation.schema,
        identifier: relation.identifier,
        include: NODE_INCLUDE,
        quote,
      }),
  );
}

/**
 * A source's relation: `"schema"."identifier"` with the source's quoting, and its database only
 * when the source names one (dbt would always print it; RisingWave reads the connection's).
 */
export function sourceRelation(table: SourceTable, database: DatabaseName): Relation {
  return new Relation({
    database: table.database ?? database,
    schema: table.relation.schema,
    identifier: table.relation.identifier,
    include: { database: table.database !== undefined, schema: true, identifier: true },
    quote: table.quote ?? ALL_TRUE,
  });
}

/** dbt's default generate_schema_name: the target schema, suffixed by a custom schema. */
export function defaultSchemaName(targetSchema: string, customSchema: string | undefined): string {
  return customSchema === undefined ? targetSchema : `${targetSchema}_${customSchema.trim()}`;
}
