/**
 * dbt's `adapter` object and the macros that talk to the database (`statement`, `run_query`,
 * `load_result`). Questions about the catalog (`adapter.get_relation`, `get_columns_in_relation`)
 * are answered from the catalog snapshot read once per run, when there is a connection. Running
 * SQL while rendering is never done: a pull request could make it run any query with the
 * deploy's credentials and print the answer in the plan, so those calls fail the model, saying so.
 */
import { dispatch, type DispatchConfig } from "../packages/dispatch.js";
import type { MacroLibrary } from "../packages/macro-library.js";
import {
  type CallSite,
  JinjaError,
  type Kwargs,
  NativeFunction,
  PyObject,
  str,
  type Value,
} from "../jinja/values.js";
import { ClosedObject } from "./builtins.js";
import { Relation, type DatabaseName } from "./relation.js";

/** The live database as rendering may see it: the catalog snapshot, or nothing offline. */
export interface DatabaseView {
  relation(schema: string, name: string): { type: string } | undefined;
  columns(schema: string, name: string): { name: string; dataType: string }[] | undefined;
  relationsIn(schema: string): { name: string; type: string }[];
}

/** RisingWave's relation types as dbt-risingwave names them. */
function relationType(catalogType: string): string {
  switch (catalogType) {
    case "materialized view":
      return "materialized_view";
    case "table":
    case "view":
    case "sink":
    case "source":
    case "index":
      return catalogType;
    default:
      return catalogType.replaceAll(" ", "_");
  }
}

/** What the current render can do with the database; the parse phase asks nothing. */
export interface DatabaseAccess {
  view?: DatabaseView;
  database: DatabaseName;
  /** dbt's parse phase (`execute` is false): questions get empty answers, as in dbt. */
  parsing(site: CallSite): boolean;
}

function needsDatabase(what: string): JinjaError {
  return new JinjaError(
    "CompilationError",
    `${what} needs a database connection to render: the plan was made offline (no database-url, no PG* variables). This model cannot be rendered until it runs with credentials.`,
  );
}

const RUN_SQL_REFUSAL =
  "runs SQL against the database while rendering; this action never does (a pull request could make it run any query with the deploy's credentials). Compute the value in SQL, or pass it as a var.";

class PyColumn extends PyObject {
  readonly typeName = "Column";
  constructor(
    private readonly name: string,
    private readonly dataType: string,
  ) {
    super();
  }
  getattr(attribute: string): Value | undefined {
    switch (attribute) {
      case "name":
      case "column":
        return this.name;
      case "dtype":
      case "data_type":
        return this.dataType;
      case "quoted":
        return `"${this.name}"`;
      case "char_size":
      case "numeric_precision":
      case "numeric_scale":
        return null;
      case "is_string":
        return new NativeFunction("is_string", () =>
          ["text", "character varying", "varchar", "character"].includes(
            this.dataType.toLowerCase(),
          ),
        );
      case "is_number":
      case "is_numeric":
        return new NativeFunction(attribute, () =>
          /^(smallint|integer|bigint|int2|int4|int8|numeric|decimal|real|double precision|float4|float8)/.test(
            this.dataType.toLowerCase(),
          ),
        );
      default:
        return undefined;
    }
  }
  override repr(): string {
    return `<Column ${this.name} (${this.dataType})>`;
  }
}

function relationArgument(
  value: Value | undefined,
): { schema: string; identifier: string } | undefined {
  if (value instanceof Relation) {
    const { schema, identifier } = value.fields;
    return schema && identifier ? { schema, identifier } : undefined;
  }
  return undefined;
}

export function adapterObject(
  library: MacroLibrary,
  config: DispatchConfig,
  access: DatabaseAccess,
): PyObject {
  const fn = (name: string, body: (args: Value[], kwargs: Kwargs, site: CallSite) => Value) =>
    new NativeFunction(name, body);
  const lookup = (what: string, site: CallSite) => {
    if (access.parsing(site)) {
      site.context.absorbed();
      return undefined;
    }
    if (!access.view) throw needsDatabase(what);
    return access.view;
  };
  return new ClosedObject(
    "adapter",
    {
      dispatch: fn("dispatch", (args, kwargs) => {
        const name = str(args[0] ?? kwargs.get("macro_name") ?? "");
        const namespace = args[1] ?? kwargs.get("macro_namespace") ?? null;
        if (args[2] !== undefined || kwargs.has("packages")) {
          throw new JinjaError(
            "CompilationError",
            "adapter.dispatch's packages argument was removed in dbt 1.0; use macro_namespace.",
          );
        }
        return dispatch(library, config, name, namespace === null ? null : str(namespace));
      }),
      quote: fn("quote", ([identifier]) => `"${str(identifier ?? "")}"`),
      quote_as_configured: fn(
        "quote_as_configured",
        ([identifier]) => `"${str(identifier ?? "")}"`,
      ),
      quote_seed_column: fn("quote_seed_column", ([column, quote]) =>
        quote === false ? str(column ?? "") : `"${str(column ?? "")}"`,
      ),
      type: fn("type", () => "risingwave"),
      get_relation: getRelationFunction(access),
      get_columns_in_relation: fn("get_columns_in_relation", (args, kwargs, site) => {
        const view = lookup("adapter.get_columns_in_relation", site);
        if (!view) return [];
        const target = relationArgument(args[0] ?? kwargs.get("relation"));
        if (!target)
          throw new JinjaError(
            "CompilationError",
            "adapter.get_columns_in_relation needs a relation",
          );
        return (view.columns(target.schema, target.identifier) ?? []).map(
          (column) => new PyColumn(column.name, column.dataType),
        );
      }),
      already_exists: fn("already_exists", ([schema, name], _kwargs, site) => {
        const view = lookup("adapter.already_exists", site);
        return view ? view.relation(str(schema ?? ""), str(name ?? "")) !== undefined : false;
      }),
      list_relations_without_caching: fn(
        "list_relations_without_caching",
        ([schemaRelation], _kwargs, site) => {
          const view = lookup("adapter.list_relations_without_caching", site);
          if (!view) return [];
          const schema =
            schemaRelation instanceof Relation
              ? schemaRelation.fields.schema
              : str(schemaRelation ?? "");
          return view.relationsIn(schema ?? "").map(
            (relation) =>
              new Relation({
                database: access.database,
                schema,
                identifier: relation.name,
                type: relationType(relation.type),
              }),
          );
        },
      ),
    },
    (name) =>
      `adapter.${name} is not available in this action (it renders models without changing or querying the database).`,
  );
}

/** `adapter.get_relation(database, schema, identifier)`: the relation, or None, from the catalog. */
export function getRelationFunction(access: DatabaseAccess): NativeFunction {
  return new NativeFunction("get_relation", (args, kwargs, site) => {
    if (access.parsing(site)) {
      site.context.absorbed();
      return null;
    }
    if (!access.view) throw needsDatabase("adapter.get_relation");
    const schema = args[1] ?? kwargs.get("schema");
    const identifier = args[2] ?? kwargs.get("identifier");
    if (schema === undefined || schema === null || identifier === undefined || identifier === null)
      return null;
    const found = access.view.relation(str(schema), str(identifier));
    if (!found) return null;
    const database = args[0] ?? kwargs.get("database");
    return new Relation({
      database: database === undefined || database === null ? access.database : str(database),
      schema: str(schema),
      identifier: str(identifier),
      type: relationType(found.type),
    });
  });
}

/** `statement`, `run_query`, `load_result`: empty while parsing, as in dbt; refused when compiling. */
export function queryFunctions(access: DatabaseAccess): Record<string, Value> {
  const refuse = (name: string) =>
    new NativeFunction(name, (_args, _kwargs, site) => {
      if (access.parsing(site)) {
        site.context.absorbed();
        return name === "statement" ? "" : null;
      }
      throw new JinjaError("CompilationError", `'${name}' ${RUN_SQL_REFUSAL}`);
    });
  return {
    statement: refuse("statement"),
    run_query: refuse("run_query"),
    load_result: refuse("load_result"),
    noop_statement: refuse("noop_statement"),
  };
}
