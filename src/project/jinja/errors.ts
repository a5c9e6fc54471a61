/** A template that Jinja2 would refuse to parse. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "TemplateSyntaxError";
  }
}
