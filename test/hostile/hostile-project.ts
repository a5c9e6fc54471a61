/** dbt_project.yml of the hostile tests' projects: every model an MV. */
export const HOSTILE_PROJECT = `name: hostile
version: "1.0.0"
config-version: 2
model-paths: ["models"]
models:
  hostile:
    +materialized: materialized_view
`;
