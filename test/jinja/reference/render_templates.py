"""Renders templates with Python's Jinja2 in dbt's environment, for the engine tests to compare.

stdin: a JSON list of {"template": str, "context": {...}}; stdout: a JSON list of
{"output": str} or {"error": "<ExceptionType>: <message>"}."""

import json
import sys

from jinja_env import dbt_environment


def main():
    cases = json.load(sys.stdin)
    env = dbt_environment()
    results = []
    for case in cases:
        try:
            output = env.from_string(case["template"]).render(case.get("context", {}))
            results.append({"output": output})
        except Exception as error:  # noqa: BLE001 - every failure is a result to compare
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


main()
