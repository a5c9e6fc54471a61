import { describe, expect, it } from "vitest";
import { chooseTempName, makeTempName, parseTempName } from "../../src/plan/temp-name.js";

describe("temporary MV names", () => {
  const at = new Date(Date.UTC(2023, 11, 1, 14, 30, 22, 123));

  it("formats our name in UTC with microseconds and Z", () => {
    expect(makeTempName("my_model", at, 456)).toBe(
      "my_model_dbt_zero_down_tmp_20231201T143022_123456Z",
    );
  });

  it("always has a six-digit stamp that parses back, at any millisecond", () => {
    const late = new Date(Date.UTC(2026, 4, 5, 5, 5, 5, 999));
    for (const micros of [0, 1, 500, 999]) {
      const name = makeTempName("m1000", late, micros);
      expect(name).toMatch(/_dbt_zero_down_tmp_20260505T050505_999\d{3}Z$/);
      expect(parseTempName(name)?.baseName).toBe("m1000");
    }
    expect(() => makeTempName("m", late, 1000)).toThrow(RangeError);
  });

  it("moves past names already taken, and gives up only when all 1,000 are", () => {
    const taken = new Set([makeTempName("orders", at, 0), makeTempName("orders", at, 1)]);
    expect(chooseTempName("orders", at, (name) => taken.has(name))).toBe(
      makeTempName("orders", at, 2),
    );
    expect(chooseTempName("orders", at, () => true)).toBeUndefined();
  });

  it("parses ours and dbt-risingwave's forms", () => {
    expect(parseTempName("my_model_dbt_zero_down_tmp_20231201T143022_123456Z")).toEqual({
      baseName: "my_model",
      createdAt: at,
    });
    expect(parseTempName("orders_dbt_zero_down_tmp_20231201T143022_123456+0000")).toEqual({
      baseName: "orders",
      createdAt: at,
    });
    expect(parseTempName("orders_dbt_zero_down_tmp_20231201T143022+0000")?.createdAt).toEqual(
      new Date(Date.UTC(2023, 11, 1, 14, 30, 22)),
    );
  });

  it.each([
    "orders_tmp_20231201",
    "orders_dbt_zero_down_tmp_notes",
    "orders_dbt_zero_down_tmp_20231201T143022",
    "orders_dbt_zero_down_tmp_20231201T143022_123456Zx",
    "_dbt_zero_down_tmp_20231201T143022_123456Z",
  ])("ignores look-alike %s", (name) => {
    expect(parseTempName(name)).toBeUndefined();
  });
});
