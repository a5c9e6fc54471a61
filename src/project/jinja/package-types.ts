/**
 * Typed view of @huggingface/jinja. Its declaration files import their siblings without file
 * extensions, which NodeNext resolution rejects, so its classes arrive untyped; we declare the
 * small surface we use.
 */
import * as jinja from "@huggingface/jinja";

export interface RuntimeValue {
  type: string;
  value: unknown;
  toString(): string;
}

export interface Environment {
  variables: Map<string, RuntimeValue>;
  /** Declares a JavaScript value, converting it to a runtime value. */
  set(name: string, value: unknown): RuntimeValue;
  setVariable(name: string, value: RuntimeValue): RuntimeValue;
}

export interface AstNode {
  type: string;
}

export interface Program extends AstNode {
  body: AstNode[];
}

export interface Interpreter {
  run(program: Program): RuntimeValue;
  evaluate(statement: AstNode | undefined, environment: Environment): RuntimeValue;
}

export const Environment = jinja.Environment as new (parent?: Environment) => Environment;
export const Interpreter = jinja.Interpreter as new (env?: Environment) => Interpreter;
export const tokenize = jinja.tokenize as (
  source: string,
  options: { lstrip_blocks: boolean; trim_blocks: boolean },
) => unknown[];
export const parse = jinja.parse as (tokens: unknown[]) => Program;
