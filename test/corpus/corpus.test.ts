import { beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "./projects.js";
import { type Rendered, renderWithProduct, renderWithReference } from "./render-corpus.js";

/**
 * Compare with dbt, not with ourselves: every model of every corpus project is rendered by the
 * product and by the Python reference (dbt's environment on Python's Jinja2, see
 * reference/dbt_reference.py), and the SQL must be identical — or both must refuse the model.
 * dbt's global macros are this action's own (src/project/packages/global-project.ts); the
 * reference runs the same text, so the comparison is of the engine and the context.
 */
describe("the corpus renders as dbt renders it (Python's Jinja2 with a dbt-like context)", () => {
  let reference: Rendered[];
  beforeAll(() => {
    reference = renderWithReference(CORPUS);
  });

  it.each(CORPUS.map((corpus, index) => [corpus.name, index] as const))(
    "%s",
    async (_name, index) => {
      const corpus = CORPUS[index]!;
      const ours = await renderWithProduct(corpus);
      const theirs = reference[index]!;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const [model, expected] of Object.entries(theirs)) {
        const actual = ours[model]!;
        if ("sql" in expected) {
          expect(actual, `${model}: the reference rendered it`).toEqual(expected);
        } else {
          expect(actual, `${model}: the reference refused it (${expected.error})`).toHaveProperty(
            "error",
          );
        }
      }
    },
  );
});
