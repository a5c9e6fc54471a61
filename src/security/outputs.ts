import * as core from "@actions/core";
import { redact } from "./secrets.js";

/** `core.setOutput`, redacted: outputs are read by later steps and shown in the workflow's UI. */
export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value));
}
