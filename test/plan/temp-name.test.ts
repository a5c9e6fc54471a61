import { describe, expect, it } from "vitest";
import { makeTempName, parseTempName } from "../../src/plan/temp-name.js";

describe("temporary MV names", () => {
  const at = new Date(Date.UTC(2023, 11, 1, 14, 30, 22, 123));

  it("formats our name in UTC with microseconds and Z", () => {
    expect(makeTempName("my_model", at, 456)).toBe(
      "my_model_dbt_zero_down_tmp_20231201T143022_123456Z",
    );
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
