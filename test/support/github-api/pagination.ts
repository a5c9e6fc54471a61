import type { Reply } from "./errors.js";

/**
 * One page of a list, answered as GitHub does: `per_page` (default 30, at most 100) and `page`, with a
 * `Link` header naming the next/last and first/prev pages, which octokit's paginate() follows.
 */
export function pageOf(items: readonly unknown[], requestUrl: URL): Reply {
  const perPage = clamp(
    Number.parseInt(requestUrl.searchParams.get("per_page") ?? "", 10) || 30,
    1,
    100,
  );
  const page = Math.max(Number.parseInt(requestUrl.searchParams.get("page") ?? "", 10) || 1, 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const start = (page - 1) * perPage;
  const links: string[] = [];
  if (page > 1) links.push(link(requestUrl, page - 1, "prev"));
  if (page < lastPage)
    links.push(link(requestUrl, page + 1, "next"), link(requestUrl, lastPage, "last"));
  if (page > 1) links.push(link(requestUrl, 1, "first"));
  return {
    status: 200,
    body: items.slice(start, start + perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

function link(requestUrl: URL, page: number, rel: string): string {
  const target = new URL(requestUrl);
  target.searchParams.set("page", String(page));
  return `<${target.href}>; rel="${rel}"`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
