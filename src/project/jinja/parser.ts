/**
 * Jinja2's parser (jinja2/parser.py, 3.1) with the extensions dbt enables: `do`, `break` and
 * `continue`, and dbt's `materialization`, `test` and `docs` blocks, which define macros under
 * names no template calls.
 */
import { TemplateSyntaxError } from "./errors.js";
import { type Token, type TokenType, tokenize } from "./lexer.js";
import type { Arguments, CompareOp, Expr, Parameter, Stmt, Target, TemplateNode } from "./nodes.js";

const COMPARE_OPERATORS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const TEST_ARGUMENT_START = new Set(["name", "string", "integer", "float"]);

export function parseTemplate(source: string, file: string, firstLine = 1): TemplateNode {
  const parser = new Parser(tokenize(source, file, firstLine), file);
  const body = parser.subparse(undefined);
  return { body };
}

class Parser {
  private pos = 0;
  private readonly tagStack: string[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  private get current(): Token {
    return this.tokens[this.pos]!;
  }

  private look(): Token {
    return this.tokens[Math.min(this.pos + 1, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.current;
    if (token.type !== "eof") this.pos++;
    return token;
  }

  private fail(message: string, line = this.current.line): never {
    throw new TemplateSyntaxError(message, this.file, line);
  }

  private isOp(value: string, token = this.current): boolean {
    return token.type === "operator" && token.value === value;
  }

  private isName(value: string, token = this.current): boolean {
    return token.type === "name" && token.value === value;
  }

  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }

  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value)) this.unexpected(`'${value}'`);
    return this.next();
  }

  private expectName(value?: string): Token {
    if (this.current.type !== "name" || (value !== undefined && this.current.value !== value)) {
      this.unexpected(value === undefined ? "name" : `'${value}'`);
    }
    return this.next();
  }

  private expect(type: TokenType): Token {
    if (this.current.type !== type) this.unexpected(describeType(type));
    return this.next();
  }

  private unexpected(expected: string): never {
    if (this.current.type === "eof") this.fail(`unexpected end of template, expected ${expected}.`);
    this.fail(`expected token ${expected}, got '${describe(this.current)}'`);
  }

  /** Statements until one of `endTokens` (names) opens a block; that block_begin is left current. */
  subparse(endTokens: string[] | undefined): Stmt[] {
    const body: Stmt[] = [];
    let output: Extract<Stmt, { kind: "output" }> | undefined;
    const addOutput = (node: Extract<Stmt, { kind: "output" }>["nodes"][number]) => {
      if (!output) {
        output = { kind: "output", nodes: [], line: node.line };
        body.push(output);
      }
      output.nodes.push(node);
    };
    while (this.current.type !== "eof") {
      const token = this.current;
      if (token.type === "data") {
        addOutput({ kind: "data", text: token.value, line: token.line });
        this.next();
      } else if (token.type === "variable_begin") {
        this.next();
        addOutput(this.parseTuple({ withCondexpr: true }));
        this.expect("variable_end");
      } else if (token.type === "block_begin") {
        output = undefined;
        this.next();
        if (endTokens && this.current.type === "name" && endTokens.includes(this.current.value)) {
          return compactBody(body);
        }
        body.push(this.parseStatement());
        this.expect("block_end");
      } else {
        this.fail("internal parsing error");
      }
    }
    if (endTokens) {
      const innermost = this.tagStack.at(-1);
      this.fail(
        `Unexpected end of template. Jinja was looking for the following tags: ${endTokens
          .map((name) => `'${name}'`)
          .join(
            " or ",
          )}.${innermost ? ` The innermost block that needs to be closed is '${innermost}'.` : ""}`,
      );
    }
    return compactBody(body);
  }

  /** Parses the body after a tag's own tokens, up to (and optionally past) an end tag. */
  private parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    this.skipOp(":");
    this.expect("block_end");
    const body = this.subparse(endTokens);
    if (dropNeedle) this.next();
    return body;
  }

  private parseStatement(): Stmt {
    const token = this.current;
    if (token.type !== "name") this.fail("tag name expected", token.line);
    this.tagStack.push(token.value);
    try {
      switch (token.value) {
        case "for":
          return this.parseFor();
        case "if":
          return this.parseIf();
        case "set":
          return this.parseSet();
        case "macro":
          return this.parseMacro();
        case "call":
          return this.parseCallBlock();
        case "filter":
          return this.parseFilterBlock();
        case "with":
          return this.parseWith();
        case "do": {
          this.next();
          return { kind: "do", expr: this.parseTuple({}), line: token.line };
        }
        case "break":
        case "continue":
          this.next();
          return { kind: token.value, line: token.line };
        case "materialization":
          return this.parseMaterialization();
        case "test":
        case "docs":
          return this.parseNamedBlock(token.value);
        case "block":
        case "extends":
        case "include":
        case "import":
        case "from":
        case "print":
        case "autoescape":
          return this.fail(
            `the '${token.value}' tag is not available in dbt models and macros`,
            token.line,
          );
        default:
          this.tagStack.pop();
          return this.failUnknownTag(token.value, token.line);
      }
    } finally {
      if (this.tagStack.at(-1) === token.value) this.tagStack.pop();
    }
  }

  private failUnknownTag(name: string, line: number): never {
    const innermost = this.tagStack.at(-1);
    this.fail(
      `Encountered unknown tag '${name}'.${innermost ? ` The innermost block that needs to be closed is '${innermost}'.` : ""}`,
      line,
    );
  }

  private parseFor(): Stmt {
    const line = this.expectName("for").line;
    const target = this.parseAssignTarget({ extraEndRules: ["in"] });
    this.expectName("in");
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ["recursive"] });
    const test = this.skipName("if") ? this.parseExpression() : undefined;
    if (this.skipName("recursive")) this.fail("recursive for loops are not supported", line);
    const body = this.parseStatements(["endfor", "else"]);
    const otherwise = this.next().value === "endfor" ? [] : this.parseStatements(["endfor"], true);
    return { kind: "for", target, iter, body, otherwise, test, line };
  }

  private parseIf(): Stmt {
    return this.parseIfBranch(this.expectName("if").line);
  }

  /** After `if` or `elif`: an `elif` becomes an `if` nested in the else branch, as in Jinja2. */
  private parseIfBranch(line: number): Stmt {
    const test = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(["elif", "else", "endif"]);
    const token = this.next();
    const otherwise =
      token.value === "elif"
        ? [this.parseIfBranch(token.line)]
        : token.value === "else"
          ? this.parseStatements(["endif"], true)
          : [];
    return { kind: "if", test, body, otherwise, line };
  }

  private parseSet(): Stmt {
    const line = this.next().line;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skipOp("=")) {
      return { kind: "set", target, value: this.parseTuple({}), line };
    }
    const filter = this.isOp("|") ? this.parseFilter(undefined) : undefined;
    const body = this.parseStatements(["endset"], true);
    return { kind: "setblock", target, filter, body, line };
  }

  private parseWith(): Stmt {
    const line = this.next().line;
    const targets: Target[] = [];
    const values: Expr[] = [];
    while (this.current.type !== "block_end") {
      if (targets.length > 0) this.expectOp(",");
      targets.push(this.parseAssignTarget({}));
      this.expectOp("=");
      values.push(this.parseExpression());
    }
    const body = this.parseStatements(["endwith"], true);
    return { kind: "with", targets, values, body, line };
  }

  private parseSignature(): Parameter[] {
    const params: Parameter[] = [];
    this.expectOp("(");
    while (!this.isOp(")")) {
      if (params.length > 0) this.expectOp(",");
      const name = this.expectName().value;
      if (this.skipOp("=")) {
        params.push({ name, default: this.parseExpression() });
      } else {
        if (params.some((param) => param.default)) {
          this.fail("non-default argument follows default argument");
        }
        params.push({ name });
      }
    }
    this.expectOp(")");
    return params;
  }

  private parseMacro(): Stmt {
    const line = this.next().line;
    const name = this.expectName().value;
    const params = this.parseSignature();
    const body = this.parseStatements(["endmacro"], true);
    return { kind: "macro", name, params, body, line };
  }

  /** `{% test name(args) %}` and `{% docs name %}`: macros dbt names `test_<name>`, `docs_<name>`. */
  private parseNamedBlock(tag: "test" | "docs"): Stmt {
    const line = this.next().line;
    const name = this.expectName().value;
    const params = tag === "test" ? this.parseSignature() : [];
    const body = this.parseStatements([`end${tag}`], true);
    return { kind: "macro", name: `${tag}_${name}`, params, body, line };
  }

  /** `{% materialization name, adapter='x', supported_languages=[…] %}` (dbt's extension). */
  private parseMaterialization(): Stmt {
    const line = this.next().line;
    const name = this.expectName().value;
    let adapter = "default";
    while (this.skipOp(",")) {
      const option = this.expectName().value;
      if (option === "default") continue;
      this.expectOp("=");
      const value = this.parseExpression();
      if (option === "adapter" && value.kind === "const" && typeof value.value === "string") {
        adapter = value.value;
      } else if (option !== "supported_languages") {
        this.fail(`materialization ${name} got an unexpected argument '${option}'`);
      }
    }
    const body = this.parseStatements(["endmaterialization"], true);
    return { kind: "macro", name: `materialization_${name}_${adapter}`, params: [], body, line };
  }

  private parseCallBlock(): Stmt {
    const line = this.next().line;
    const params = this.isOp("(") ? this.parseSignature() : [];
    const call = this.parseExpression();
    if (call.kind !== "call") this.fail("expected call", line);
    const body = this.parseStatements(["endcall"], true);
    return { kind: "callblock", call, params, body, line };
  }

  private parseFilterBlock(): Stmt {
    const line = this.next().line;
    const filter = this.parseFilter(undefined, true)!;
    const body = this.parseStatements(["endfilter"], true);
    return { kind: "filterblock", filter, body, line };
  }

  private parseAssignTarget(options: {
    nameOnly?: boolean;
    extraEndRules?: string[];
    withNamespace?: boolean;
  }): Target {
    const line = this.current.line;
    if (options.nameOnly) return { kind: "name", name: this.expectName().value, line };
    const target = this.parseTuple({
      simplified: true,
      extraEndRules: options.extraEndRules,
      withNamespace: options.withNamespace,
    });
    return this.toTarget(target);
  }

  private toTarget(expr: Expr): Target {
    if (expr.kind === "name") {
      if (["true", "false", "none", "True", "False", "None"].includes(expr.name)) {
        this.fail(`can't assign to '${expr.name}'`, expr.line);
      }
      return expr;
    }
    if (expr.kind === "nsref") return expr;
    if (expr.kind === "tuple") {
      return {
        kind: "tuple",
        items: expr.items.map((item) => this.toTarget(item)),
        line: expr.line,
      };
    }
    this.fail(`can't assign to '${expr.kind}'`, expr.line);
  }

  private parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    let line = this.current.line;
    let expr = this.parseOr();
    while (this.skipName("if")) {
      const test = this.parseOr();
      const otherwise = this.skipName("else") ? this.parseCondexpr() : undefined;
      expr = { kind: "condexpr", test, then: expr, otherwise, line };
      line = this.current.line;
    }
    return expr;
  }

  private parseOr(): Expr {
    const line = this.current.line;
    let left = this.parseAnd();
    while (this.skipName("or")) left = { kind: "or", left, right: this.parseAnd(), line };
    return left;
  }

  private parseAnd(): Expr {
    const line = this.current.line;
    let left = this.parseNot();
    while (this.skipName("and")) left = { kind: "and", left, right: this.parseNot(), line };
    return left;
  }

  private parseNot(): Expr {
    if (this.isName("not")) {
      const line = this.next().line;
      return { kind: "not", operand: this.parseNot(), line };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const line = this.current.line;
    const first = this.parseMath1();
    let ops: { op: CompareOp; expr: Expr }[] | undefined;
    for (;;) {
      if (this.current.type === "operator" && COMPARE_OPERATORS.has(this.current.value)) {
        const op = this.next().value as CompareOp;
        (ops ??= []).push({ op, expr: this.parseMath1() });
      } else if (this.skipName("in")) {
        (ops ??= []).push({ op: "in", expr: this.parseMath1() });
      } else if (this.isName("not") && this.isName("in", this.look())) {
        this.pos += 2;
        (ops ??= []).push({ op: "notin", expr: this.parseMath1() });
      } else {
        break;
      }
    }
    return ops ? { kind: "compare", first, ops, line } : first;
  }

  private parseMath1(): Expr {
    const line = this.current.line;
    let left = this.parseConcat();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.next().value as "+" | "-";
      left = { kind: "binary", op, left, right: this.parseConcat(), line };
    }
    return left;
  }

  private parseConcat(): Expr {
    const line = this.current.line;
    const first = this.parseMath2();
    if (!this.isOp("~")) return first;
    const items = [first];
    while (this.skipOp("~")) items.push(this.parseMath2());
    return { kind: "concat", items: compact(items), line };
  }

  private parseMath2(): Expr {
    const line = this.current.line;
    let left = this.parsePow();
    while (this.isOp("*") || this.isOp("/") || this.isOp("//") || this.isOp("%")) {
      const op = this.next().value as "*" | "/" | "//" | "%";
      left = { kind: "binary", op, left, right: this.parsePow(), line };
    }
    return left;
  }

  private parsePow(): Expr {
    const line = this.current.line;
    let left = this.parseUnary();
    while (this.skipOp("**"))
      left = { kind: "binary", op: "**", left, right: this.parseUnary(), line };
    return left;
  }

  private parseUnary(withFilter = true): Expr {
    const line = this.current.line;
    let node: Expr;
    if (this.skipOp("-")) {
      node = { kind: "neg", operand: this.parseUnary(false), line };
    } else if (this.skipOp("+")) {
      node = { kind: "pos", operand: this.parseUnary(false), line };
    } else {
      node = this.parsePrimary();
    }
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  private parsePrimary(withNamespace = false): Expr {
    const token = this.current;
    const line = token.line;
    switch (token.type) {
      case "name": {
        this.next();
        switch (token.value) {
          case "true":
          case "True":
            return { kind: "const", value: true, line };
          case "false":
          case "False":
            return { kind: "const", value: false, line };
          case "none":
          case "None":
            return { kind: "const", value: null, line };
        }
        if (withNamespace && this.isOp(".")) {
          this.next();
          return { kind: "nsref", namespace: token.value, attr: this.expectName().value, line };
        }
        return { kind: "name", name: token.value, line };
      }
      case "string": {
        let value = this.next().value;
        while (this.current.type === "string") value += this.next().value;
        return { kind: "const", value, line };
      }
      case "integer":
        this.next();
        return { kind: "const", value: token.number!, line };
      case "float":
        this.next();
        return { kind: "const", value: { float: token.number! }, line };
      case "operator":
        if (token.value === "(") {
          this.next();
          const node = this.parseTuple({ explicitParentheses: true });
          this.expectOp(")");
          return node;
        }
        if (token.value === "[") return this.parseList();
        if (token.value === "{") return this.parseDict();
        break;
      default:
        break;
    }
    this.fail(`unexpected '${describe(token)}'`, line);
  }

  private isTupleEnd(extraEndRules: string[] | undefined): boolean {
    const token = this.current;
    if (token.type === "variable_end" || token.type === "block_end" || this.isOp(")")) return true;
    return (
      extraEndRules !== undefined && token.type === "name" && extraEndRules.includes(token.value)
    );
  }

  private parseTuple(options: {
    simplified?: boolean;
    withCondexpr?: boolean;
    extraEndRules?: string[];
    explicitParentheses?: boolean;
    withNamespace?: boolean;
  }): Expr {
    let line = this.current.line;
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expectOp(",");
      if (this.isTupleEnd(options.extraEndRules)) break;
      items.push(
        options.simplified
          ? this.parsePrimary(options.withNamespace)
          : this.parseExpression(options.withCondexpr ?? true),
      );
      if (this.isOp(",")) isTuple = true;
      else break;
      line = this.current.line;
    }
    if (!isTuple) {
      if (items.length > 0) return items[0]!;
      if (!options.explicitParentheses) {
        this.fail(`Expected an expression, got '${describe(this.current)}'`);
      }
    }
    return { kind: "tuple", items: compact(items), line };
  }

  private parseList(): Expr {
    const line = this.expectOp("[").line;
    const items: Expr[] = [];
    while (!this.isOp("]")) {
      if (items.length > 0) this.expectOp(",");
      if (this.isOp("]")) break;
      items.push(this.parseExpression());
    }
    this.expectOp("]");
    return { kind: "list", items: compact(items), line };
  }

  private parseDict(): Expr {
    const line = this.expectOp("{").line;
    const items: [Expr, Expr][] = [];
    while (!this.isOp("}")) {
      if (items.length > 0) this.expectOp(",");
      if (this.isOp("}")) break;
      const key = this.parseExpression();
      this.expectOp(":");
      items.push([key, this.parseExpression()]);
    }
    this.expectOp("}");
    return { kind: "dict", items: compact(items), line };
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp(".") || this.isOp("[")) node = this.parseSubscript(node);
      else if (this.isOp("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp("|")) node = this.parseFilter(node)!;
      else if (this.isName("is")) node = this.parseTest(node);
      else if (this.isOp("(")) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const token = this.next();
    if (token.value === ".") {
      const attr = this.next();
      if (attr.type === "name")
        return { kind: "getattr", object: node, attr: attr.value, line: token.line };
      if (attr.type !== "integer") this.fail("expected name or number", attr.line);
      return {
        kind: "getitem",
        object: node,
        key: { kind: "const", value: attr.number!, line: attr.line },
        line: token.line,
      };
    }
    const args: Expr[] = [];
    while (!this.isOp("]")) {
      if (args.length > 0) this.expectOp(",");
      args.push(this.parseSubscribed());
    }
    this.expectOp("]");
    const key: Expr =
      args.length === 1 ? args[0]! : { kind: "tuple", items: args, line: token.line };
    return { kind: "getitem", object: node, key, line: token.line };
  }

  private parseSubscribed(): Expr {
    const line = this.current.line;
    let start: Expr | undefined;
    if (this.isOp(":")) {
      this.next();
    } else {
      const node = this.parseExpression();
      if (!this.isOp(":")) return node;
      this.next();
      start = node;
    }
    let stop: Expr | undefined;
    if (!this.isOp(":") && !this.isOp("]") && !this.isOp(",")) stop = this.parseExpression();
    let step: Expr | undefined;
    if (this.skipOp(":") && !this.isOp("]") && !this.isOp(",")) step = this.parseExpression();
    return { kind: "slice", start, stop, step, line };
  }

  private parseCallArgs(): Arguments {
    const open = this.expectOp("(");
    const args: Arguments = { positional: [], keywords: [] };
    let requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail("invalid syntax for function call expression", open.line);
    };
    while (!this.isOp(")")) {
      if (requireComma) {
        this.expectOp(",");
        if (this.isOp(")")) break;
      }
      if (this.skipOp("*")) {
        ensure(args.spread === undefined && args.spreadKeywords === undefined);
        args.spread = this.parseExpression();
      } else if (this.skipOp("**")) {
        ensure(args.spreadKeywords === undefined);
        args.spreadKeywords = this.parseExpression();
      } else if (this.current.type === "name" && this.isOp("=", this.look())) {
        ensure(args.spreadKeywords === undefined);
        const name = this.next().value;
        this.next();
        args.keywords.push({ name, value: this.parseExpression() });
      } else {
        ensure(
          args.spread === undefined &&
            args.spreadKeywords === undefined &&
            args.keywords.length === 0,
        );
        args.positional.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expectOp(")");
    args.positional = compact(args.positional);
    args.keywords = compact(args.keywords);
    return args;
  }

  private parseCall(node: Expr): Expr {
    const line = this.current.line;
    return { kind: "call", callee: node, args: this.parseCallArgs(), line };
  }

  private parseFilter(node: Expr | undefined, startInline = false): Expr | undefined {
    while (this.isOp("|") || startInline) {
      if (!startInline) this.next();
      const token = this.expectName();
      let name = token.value;
      while (this.skipOp(".")) name += `.${this.expectName().value}`;
      const args = this.isOp("(") ? this.parseCallArgs() : { positional: [], keywords: [] };
      node = { kind: "filter", operand: node, name, args, line: token.line };
      startInline = false;
    }
    return node;
  }

  private parseTest(node: Expr): Expr {
    const token = this.next();
    const negated = this.skipName("not");
    let name = this.expectName().value;
    while (this.skipOp(".")) name += `.${this.expectName().value}`;
    let args: Arguments = { positional: [], keywords: [] };
    const current = this.current;
    if (this.isOp("(")) {
      args = this.parseCallArgs();
    } else if (
      (TEST_ARGUMENT_START.has(current.type) || this.isOp("[") || this.isOp("{")) &&
      !(this.isName("else") || this.isName("or") || this.isName("and"))
    ) {
      if (this.isName("is")) this.fail("You cannot chain multiple tests with is");
      args = { positional: [this.parsePostfix(this.parsePrimary())], keywords: [] };
    }
    const test: Expr = { kind: "test", operand: node, name, args, line: token.line };
    return negated ? { kind: "not", operand: test, line: token.line } : test;
  }
}

function describeType(type: TokenType): string {
  switch (type) {
    case "block_end":
      return "'end of statement block'";
    case "variable_end":
      return "'end of print statement'";
    default:
      return `'${type}'`;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case "name":
    case "operator":
      return token.value;
    case "block_begin":
      return "begin of statement block";
    case "block_end":
      return "end of statement block";
    case "variable_begin":
      return "begin of print statement";
    case "variable_end":
      return "end of print statement";
    case "data":
      return "template data / text";
    case "eof":
      return "end of template";
    default:
      return token.type;
  }
}

/**
 * A copy without the spare capacity that pushing leaves (V8 grows a pushed-to array by at least
 * 16 slots): syntax trees of every model stay in memory for the whole run, and their size is
 * what each garbage collection has to copy or mark.
 */
function compact<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

function compactBody(body: Stmt[]): Stmt[] {
  for (const stmt of body) if (stmt.kind === "output") stmt.nodes = compact(stmt.nodes);
  return compact(body);
}
