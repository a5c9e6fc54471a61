"""The Jinja2 environment dbt renders with (dbt-core's clients/jinja.py, 1.x), rebuilt for the
tests: a sandboxed environment whose parser renames every macro `dbt_macro__<name>`, with the
`do` and `loopcontrols` extensions and dbt's `materialization`, `docs` and `test` blocks."""

import jinja2
import jinja2.ext
import jinja2.nodes
import jinja2.parser
import jinja2.sandbox


def dbt_macro_name(name):
    return "dbt_macro__" + name


class MacroFuzzParser(jinja2.parser.Parser):
    def parse_macro(self):
        node = jinja2.nodes.Macro(lineno=next(self.stream).lineno)
        node.name = dbt_macro_name(self.parse_assign_target(name_only=True).name)
        self.parse_signature(node)
        node.body = self.parse_statements(("name:endmacro",), drop_needle=True)
        return node


class MaterializationExtension(jinja2.ext.Extension):
    tags = ["materialization"]

    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        name = parser.parse_assign_target(name_only=True).name
        adapter = "default"
        node.args = []
        node.defaults = []
        while parser.stream.skip_if("comma"):
            target = parser.parse_assign_target(name_only=True)
            if target.name == "default":
                continue
            parser.stream.expect("assign")
            value = parser.parse_expression()
            if target.name == "adapter":
                adapter = value.value
        node.name = dbt_macro_name(f"materialization_{name}_{adapter}")
        node.body = parser.parse_statements(("name:endmaterialization",), drop_needle=True)
        return node


class DocumentationExtension(jinja2.ext.Extension):
    tags = ["docs"]

    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        name = parser.parse_assign_target(name_only=True).name
        node.args = []
        node.defaults = []
        node.name = dbt_macro_name(f"docs_{name}")
        node.body = parser.parse_statements(("name:enddocs",), drop_needle=True)
        return node


class TestExtension(jinja2.ext.Extension):
    tags = ["test"]

    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        name = parser.parse_assign_target(name_only=True).name
        parser.parse_signature(node)
        node.name = dbt_macro_name(f"test_{name}")
        node.body = parser.parse_statements(("name:endtest",), drop_needle=True)
        return node


class MacroFuzzEnvironment(jinja2.sandbox.SandboxedEnvironment):
    def _parse(self, source, name, filename):
        return MacroFuzzParser(self, source, name, filename).parse()


def dbt_environment():
    env = MacroFuzzEnvironment(
        extensions=[
            "jinja2.ext.do",
            "jinja2.ext.loopcontrols",
            MaterializationExtension,
            DocumentationExtension,
            TestExtension,
        ]
    )
    for name in ("as_text", "as_bool", "as_native", "as_number"):
        env.filters[name] = lambda value: value
    return env
