import { quoteQualified } from "../sql/quote.js";
import { ContentCache } from "./content-cache.js";
import {
  nativeFunction,
  stringWithAttributes,
  type RuntimeValue,
  stringValue,
} from "./jinja/runtime-values.js";
import type { RelationName } from "./types.js";

/** `"schema"."identifier"`: relations always render quoted, as the names are case-sensitive. */
export function renderRelation(relation: RelationName): string {
  return quoteQualified(relation);
}

/** Templates cannot modify a relation, so one value per relation serves every render. */
const relationValues = new ContentCache<RuntimeValue>();

/** A dbt Relation for templates: renders quoted, and has dbt's attributes. */
export function relationValue(relation: RelationName): RuntimeValue {
  const rendered = renderRelation(relation);
  return relationValues.getOrCreate(rendered, () => newRelationValue(relation, rendered));
}

function newRelationValue(relation: RelationName, rendered: string): RuntimeValue {
  return stringWithAttributes(rendered, {
    schema: relation.schema,
    identifier: relation.identifier,
    name: relation.identifier,
    table: relation.identifier,
    database: null,
    render: nativeFunction(() => stringValue(rendered)),
  });
}

/** dbt's default generate_schema_name: the target schema, suffixed by a custom schema. */
export function defaultSchemaName(targetSchema: string, customSchema: string | undefined): string {
  return customSchema === undefined ? targetSchema : `${targetSchema}_${customSchema.trim()}`;
}
