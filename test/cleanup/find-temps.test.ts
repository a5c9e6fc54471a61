import { describe, expect, it } from "vitest";
import { findTempMvs } from "../../src/cleanup/find-temps.js";
import { makeTempName } from "../../src/plan/temp-name.js";
import { catalog, mv } from "../plan/fixtures.js";

describe("findTempMvs", () => {
  const at = new Date("2026-11-30T10:00:00Z");
  const now = new Date("2026-12-01T10:00:00Z");

  it("takes only MVs whose whole name is a temp name that every supported server can quote", () => {
    const ours = makeTempName("orders", at);
    const quoted = makeTempName('ord"ers', at);
    const found = findTempMvs(
      catalog({
        relations: [
          mv(1, ours),
          mv(2, quoted),
          mv(3, ours, 'ana"lytics'),
          { ...mv(4, makeTempName("totals", at)), type: "table" },
          mv(5, `x${ours}y`),
        ],
      }),
      now,
    );
    expect(found.map((temp) => [temp.id, temp.replaced, temp.ageMs])).toEqual([
      [1, "orders", 86_400_000],
    ]);
  });
});
