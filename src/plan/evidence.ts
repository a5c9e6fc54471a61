import type { DescribedRelation } from "../risingwave/describe.js";
import type { SinkFacts, SubscriptionFacts } from "../risingwave/reader-facts.js";

/** What EXPLAIN CREATE MATERIALIZED VIEW said about one model's new definition. */
export interface DefinitionCheck {
  /** The new definition's visible columns, when the plan showed them. */
  columns?: string[];
  /** RisingWave refused the definition. */
  error?: string;
  /** The deploy user (or the dry run's) may not create in the target schema. */
  cannotCreate?: boolean;
  /** What this check could not establish, e.g. it ran in another schema. */
  limitation?: string;
}

/**
 * What the database said beyond the catalog snapshot, read before any DDL: each new definition
 * through EXPLAIN, and DESCRIBE of the live MVs a plan keeps or replaces (RisingWave lists MV
 * comments nowhere else).
 */
export interface Evidence {
  definitions: Map<string, DefinitionCheck>;
  /** By relation id. */
  described: Map<number, DescribedRelation>;
  /** Sinks and subscriptions reading a replaced MV, by id: what their cut-over plan needs. */
  sinks?: Map<number, SinkFacts>;
  subscriptions?: Map<number, SubscriptionFacts>;
  /** REPLACE SINK exists on this server (RisingWave 3.1+). */
  replaceSink?: boolean;
}
