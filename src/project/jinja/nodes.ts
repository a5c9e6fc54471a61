/** The template syntax tree, shaped like jinja2.nodes. Every node knows its line. */

export type Expr =
  | { kind: "const"; value: ConstValue; line: number }
  | { kind: "name"; name: string; line: number }
  | { kind: "list"; items: Expr[]; line: number }
  | { kind: "tuple"; items: Expr[]; line: number }
  | { kind: "dict"; items: [Expr, Expr][]; line: number }
  | { kind: "getattr"; object: Expr; attr: string; line: number }
  | { kind: "getitem"; object: Expr; key: Expr; line: number }
  | { kind: "slice"; start?: Expr; stop?: Expr; step?: Expr; line: number }
  | { kind: "call"; callee: Expr; args: Arguments; line: number }
  | { kind: "filter"; operand: Expr | undefined; name: string; args: Arguments; line: number }
  | { kind: "test"; operand: Expr; name: string; args: Arguments; line: number }
  | { kind: "not"; operand: Expr; line: number }
  | { kind: "neg" | "pos"; operand: Expr; line: number }
  | { kind: "and" | "or"; left: Expr; right: Expr; line: number }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; line: number }
  | { kind: "concat"; items: Expr[]; line: number }
  | { kind: "compare"; first: Expr; ops: { op: CompareOp; expr: Expr }[]; line: number }
  | { kind: "condexpr"; test: Expr; then: Expr; otherwise?: Expr; line: number }
  | { kind: "nsref"; namespace: string; attr: string; line: number };

export type ConstValue = string | number | boolean | null | { float: number };
export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "%" | "**";
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "notin";

export interface Arguments {
  positional: Expr[];
  keywords: { name: string; value: Expr }[];
  /** `*args` */
  spread?: Expr;
  /** `**kwargs` */
  spreadKeywords?: Expr;
}

/** An assignment target: a name, a tuple of targets, or `ns.attr`. */
export type Target =
  | { kind: "name"; name: string; line: number }
  | { kind: "tuple"; items: Target[]; line: number }
  | { kind: "nsref"; namespace: string; attr: string; line: number };

export interface Parameter {
  name: string;
  default?: Expr;
}

export type Stmt =
  | { kind: "output"; nodes: (Expr | { kind: "data"; text: string; line: number })[]; line: number }
  | {
      kind: "for";
      target: Target;
      iter: Expr;
      body: Stmt[];
      otherwise: Stmt[];
      test?: Expr;
      line: number;
    }
  | { kind: "if"; test: Expr; body: Stmt[]; otherwise: Stmt[]; line: number }
  | { kind: "macro"; name: string; params: Parameter[]; body: Stmt[]; line: number }
  | { kind: "callblock"; call: Expr; params: Parameter[]; body: Stmt[]; line: number }
  | { kind: "filterblock"; filter: Expr; body: Stmt[]; line: number }
  | { kind: "set"; target: Target; value: Expr; line: number }
  | { kind: "setblock"; target: Target; filter?: Expr; body: Stmt[]; line: number }
  | { kind: "with"; targets: Target[]; values: Expr[]; body: Stmt[]; line: number }
  | { kind: "do"; expr: Expr; line: number }
  | { kind: "break" | "continue"; line: number };

export interface TemplateNode {
  body: Stmt[];
}
