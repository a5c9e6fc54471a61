// Turns RisingWave SQL text into PostgreSQL SQL text with the same effect, one
// statement at a time. Statements that need no translation pass through
// byte for byte, so PostgreSQL reports errors exactly as it would.
import { aliasLongIdentifiers, registerAliases } from "./long-identifiers.js";
import { isKeyword, significant, splitStatements, type Token } from "./sql-lexer.js";
import {
  guardDropCascade,
  translateCommentOnTable,
  translateCreateIndex,
  translateCreateMaterializedViewOptions,
  translateCreateSchema,
  translateGrantObjects,
  translateSwap,
} from "./translate-ddl.js";
import {
  translateDescribe,
  translateFlush,
  translateSessionParameter,
  translateWait,
} from "./translate-session.js";
import {
  translateCreateSink,
  translateCreateSubscription,
  translateDropSink,
  translateExplainCreate,
} from "./translate-sinks.js";

type Translator = (tokens: Token[], sql: string) => string | null;

const TRANSLATORS: Translator[] = [
  translateSwap,
  translateSessionParameter,
  translateWait,
  translateFlush,
  translateExplainCreate,
  translateCreateSink,
  translateCreateSubscription,
  translateDropSink,
  translateCommentOnTable,
  translateGrantObjects,
  translateCreateIndex,
  translateCreateMaterializedViewOptions,
  translateCreateSchema,
  translateDescribe,
];

export function translateStatement(original: string): string {
  const { sql, aliases } = aliasLongIdentifiers(original);
  const tokens = significant(sql);
  if (tokens.length === 0) return sql;
  let translated: string | null = null;
  for (const translate of TRANSLATORS) {
    translated = translate(tokens, sql);
    if (translated !== null) break;
  }
  const statement = translated ?? sql;
  const guarded = guardDropCascade(tokens, statement) ?? statement;
  // Only CREATE and ALTER (... RENAME TO) introduce names; other statements just use aliases.
  const names =
    aliases.size > 0 && (isKeyword(tokens[0], "create") || isKeyword(tokens[0], "alter"));
  return names ? registerAliases(guarded, aliases) : guarded;
}

/** Translates a simple-query text (possibly several statements) or a Parse text. */
export function translateQueryText(text: string): string {
  const statements = splitStatements(text);
  const translated = statements.map(translateStatement);
  return translated.every((s, i) => s === statements[i]) ? text : translated.join(";");
}
