import type { Element, Root } from "hast";
import { fromHtml } from "hast-util-from-html";
import { defaultSchema, sanitize, type Schema } from "hast-util-sanitize";
import { selectAll } from "hast-util-select";
import { toHtml } from "hast-util-to-html";
import { toText } from "hast-util-to-text";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

/**
 * A comment body as GitHub shows it: GitHub-flavoured Markdown (micromark's GFM, which follows
 * the GFM spec), raw HTML allowed through, then GitHub's tag and attribute allowlist
 * (hast-util-sanitize's default schema follows GitHub's). What a sanitizer drops, a reader never
 * sees: `var('x', <default>)` written raw loses `<default>` here as on github.com.
 */
export function renderGfm(markdown: string): Root {
  const html = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
  // GitHub keeps <details>/<summary> and the task-list checkboxes it renders itself.
  const schema: Schema = {
    ...defaultSchema,
    tagNames: [...(defaultSchema.tagNames ?? []), "details", "summary", "input"],
    attributes: {
      ...defaultSchema.attributes,
      details: ["open"],
      input: [["type", "checkbox"], ["disabled", true], "checked"],
    },
  };
  return sanitize(fromHtml(html, { fragment: true }), schema) as Root;
}

export function renderedHtml(markdown: string): string {
  return toHtml(renderGfm(markdown));
}

export interface RenderedTable {
  headers: string[];
  rows: string[][];
}

/** What a reviewer sees, taken apart: tables, code blocks, the checklist, the visible text. */
export interface RenderedComment {
  tree: Root;
  text: string;
  headings: string[];
  tables: RenderedTable[];
  /** Fenced blocks by language (`diff`, `sql`, …), with their text. */
  codeBlocks: { language: string; text: string }[];
  /** Items of task lists (the checklist), as text. */
  tasks: string[];
  /** `<summary>` texts of the collapsed sections. */
  summaries: string[];
  /** Paragraphs that still show Markdown syntax: a sign something did not render. */
  literalMarkdown: string[];
}

export function inspectComment(markdown: string): RenderedComment {
  const tree = renderGfm(markdown);
  const text = (node: Element | Root) => toText(node, { whitespace: "normal" }).trim();
  const tables = selectAll("table", tree).map((table) => ({
    headers: selectAll("thead th", table).map(text),
    rows: selectAll("tbody tr", table).map((row) => selectAll("td", row).map(text)),
  }));
  const codeBlocks = selectAll("pre > code", tree).map((node) => {
    const classes = (node.properties.className as string[] | undefined) ?? [];
    const language = classes.find((name) => name.startsWith("language-"))?.slice(9) ?? "";
    return { language, text: toText(node, { whitespace: "pre" }) };
  });
  const tasks = selectAll("li", tree)
    .filter((item) => selectAll("input[type=checkbox]", item).length > 0)
    .map((item) => text(item));
  const literalMarkdown = selectAll("p, li, td", tree)
    .map(text)
    .filter((line) => /(^|\s)_[^_]+_(\s|$)|\*\*[^*]+\*\*|^#{1,6} |\]\(http/.test(line));
  return {
    tree,
    text: text(tree),
    headings: selectAll("h1, h2, h3, h4, h5, h6", tree).map(text),
    tables,
    codeBlocks,
    tasks,
    summaries: selectAll("summary", tree).map(text),
    literalMarkdown,
  };
}
