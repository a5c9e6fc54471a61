/** The 1-based line of an offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
  }
  return line;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The line of the first use of `name` inside a `{{ }}` or `{% %}` tag (as a call when `asCall`).
 * Template nodes know their lines, but a name is looked for in the model's own file even when a
 * macro used it, so the line points into the file the user edits.
 */
export function findLine(source: string, name: string, asCall = false): number | undefined {
  const escaped = escapeRegExp(name);
  return findInTags(source, new RegExp(`(?<![\\w.])${escaped}${asCall ? "\\s*\\(" : "(?!\\w)"}`));
}

/** Line of the first match of `pattern` inside a `{{ }}` or `{% %}` tag. */
export function findInTags(source: string, pattern: RegExp): number | undefined {
  for (const tag of source.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    const found = pattern.exec(tag[0]);
    if (found) return lineAt(source, (tag.index ?? 0) + found.index);
  }
  return undefined;
}

/** Line of the first `ref(… 'name')` in a model's source. */
export function refLine(source: string, ref: string): number | undefined {
  return findInTags(source, new RegExp(`\\bref\\s*\\([^)]*['"]${escapeRegExp(ref)}['"]`));
}
