import { setOutput } from "../security/outputs.js";
import type { DeployResult } from "../deploy/run-deploy.js";
import { planToJson } from "../plan/plan-json.js";
import { displayName, type QualifiedName } from "../sql/quote.js";

const names = (relations: QualifiedName[]) => JSON.stringify(relations.map(displayName));

export function setDeployOutputs(result: DeployResult): void {
  setOutput("plan", JSON.stringify(planToJson(result.plan)));
  const outcome = result.outcome;
  setOutput("swapped", names(outcome?.swapped ?? []));
  setOutput("created", names(outcome?.created ?? []));
  setOutput(
    "preserved-temp-mvs",
    names(outcome?.preservedTemps.map((temp) => temp.relation) ?? []),
  );
  setOutput("dropped-temp-mvs", names(outcome?.droppedTemps ?? []));
  setOutput("cut-over-ms", outcome?.cutOver ? String(outcome.cutOver.windowMs) : "");
  setOutput("kept-failed-temp-mvs", names(outcome?.keptFailedTemps ?? []));
}
