import * as core from "@actions/core";
import type { DeployResult } from "../deploy/run-deploy.js";
import { planToJson } from "../plan/plan-json.js";
import { displayName, type QualifiedName } from "../sql/quote.js";

const names = (relations: QualifiedName[]) => JSON.stringify(relations.map(displayName));

export function setDeployOutputs(result: DeployResult): void {
  core.setOutput("plan", JSON.stringify(planToJson(result.plan)));
  const outcome = result.outcome;
  core.setOutput("swapped", names(outcome?.swapped ?? []));
  core.setOutput("created", names(outcome?.created ?? []));
  core.setOutput(
    "preserved-temp-mvs",
    names(outcome?.preservedTemps.map((temp) => temp.relation) ?? []),
  );
  core.setOutput("dropped-temp-mvs", names(outcome?.droppedTemps ?? []));
}
