import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { actionNode, chooseActionNode, describeActionNode } from "../support/node-runtime.js";

const cachedNode24 = fileURLToPath(new URL("../../.cache/node24/bin/node", import.meta.url));

describe("actionNode", () => {
  it("reports which Node runs dist/index.js", () => {
    const node = actionNode();
    console.log(describeActionNode(node));
    expect(node.version).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("prefers ACTION_NODE", () => {
    expect(chooseActionNode({ ACTION_NODE: process.execPath })).toEqual({
      path: process.execPath,
      version: process.version,
      source: "ACTION_NODE",
    });
  });

  it("falls back to the Node running the tests when nothing is cached", () => {
    expect(chooseActionNode({}, "/nonexistent/bin/node").source).toBe("test runner");
  });

  it.skipIf(!existsSync(cachedNode24))(
    "uses the Node 24 that scripts/fetch-node24.sh cached",
    () => {
      const node = chooseActionNode({});
      expect(node).toMatchObject({ path: cachedNode24, source: ".cache/node24" });
      expect(node.version).toMatch(/^v24\./);
    },
  );
});
