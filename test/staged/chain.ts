// The three-model chain of issue 12: orders → customer_totals → big_spenders, each carrying the
// version of orders it was built from, and readers that query all three in one statement.
import { openStage, type Stage } from "../attacks/stage.js";

export const orders = (version: string) =>
  `select id, kind, amount, '${version}'::varchar as version from {{ source('app', 'events') }}\n`;

export const CUSTOMER_TOTALS =
  "select kind, sum(amount) as total, max(version) as version from {{ ref('orders') }} group by kind\n";

export const bigSpenders = (preHook = "") =>
  (preHook ? `{{ config(pre_hook="${preHook}") }}\n` : "") +
  "select kind, total, version from {{ ref('customer_totals') }} where total > 0\n";

export const CHAIN = ["orders", "customer_totals", "big_spenders"] as const;

/** One row: the versions each of the three MVs serves right now. */
export const VERSIONS_SQL = `SELECT
  (SELECT string_agg(DISTINCT version, ',') FROM public.orders) AS orders,
  (SELECT string_agg(DISTINCT version, ',') FROM public.customer_totals) AS customer_totals,
  (SELECT string_agg(DISTINCT version, ',') FROM public.big_spenders) AS big_spenders`;

export const ZERO_DOWNTIME = { "zero-downtime": "all" };

/** The chain at v1, deployed; returns the stage and the commit to deploy changes from. */
export async function deployedChain(
  more: Record<string, string> = {},
): Promise<{ stage: Stage; base: string }> {
  const stage = await openStage({
    "models/orders.sql": orders("v1"),
    "models/customer_totals.sql": CUSTOMER_TOTALS,
    "models/big_spenders.sql": bigSpenders(),
    ...more,
  });
  const first = await stage.deploy({ models: "all", ...ZERO_DOWNTIME });
  if (first.exitCode !== 0) throw new Error(`first deploy failed:\n${first.log}`);
  return { stage, base: stage.repo.revParse() };
}

export async function chainIds(stage: Stage): Promise<Record<string, number | undefined>> {
  const relations = await stage.relations();
  return Object.fromEntries(CHAIN.map((name) => [name, relations[name]]));
}

export async function tempNames(stage: Stage): Promise<string[]> {
  return Object.keys(await stage.relations()).filter((name) =>
    name.includes("_dbt_zero_down_tmp_"),
  );
}
