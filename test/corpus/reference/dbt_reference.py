"""A small dbt, written for the tests: it renders a project's models the way dbt-core 1.x does,
with Python's Jinja2 in dbt's environment, so the product's SQL can be compared with dbt's.

It follows dbt's documented behaviour (and dbt-core's source, read, not copied): dbt_project.yml
and properties YAML read with PyYAML and rendered natively except vars, hooks and descriptions;
the parse phase (execute false, undefined names absorbing calls) records config() calls and refs;
configs merge project < properties < config(); relations are named by generate_schema_name and
generate_alias_name; the compile phase renders with final relations; ephemeral refs become CTEs.
Macros resolve as dbt's MacroNamespace: the project's, then packages by name, then `dbt`.

One difference is deliberate and shared with the product: relations of the project's own nodes
render as "schema"."identifier", without the database.

stdin: a JSON list of {project: {files: {path: text}}, packages: {name: {path: text}},
global_project: text, target: {...}, vars, env, run_started_at, invocation_id, catalog}. stdout: a
JSON list, for each project {model: {sql} | {error}}.
"""

import datetime
from collections.abc import Mapping
import hashlib
import itertools
import json
import re
import sys

import jinja2
import jinja2.nativetypes
import yaml

sys.path.insert(0, __file__.rsplit("/", 2)[0].rsplit("/", 1)[0] + "/jinja/reference")
from jinja_env import dbt_environment  # noqa: E402

ENV = dbt_environment()
NATIVE_CHARS = re.compile(r"({[{%#]|[#}%]})")


class MacroReturn(Exception):
    def __init__(self, value):
        self.value = value


class CompileError(Exception):
    pass


def _return(value=None):
    raise MacroReturn(value)


# --- relations --------------------------------------------------------------------------------


class Relation(Mapping):
    """dbt's BaseRelation is a Mapping (FakeAPIObject), which dbt-utils checks with `is mapping`."""

    def __getitem__(self, key):
        return {"database": self.database, "schema": self.schema, "identifier": self.identifier}[key]

    def __iter__(self):
        return iter(("database", "schema", "identifier"))

    def __len__(self):
        return 3

    def get(self, key, default=None):
        if key == "metadata":
            return {"type": "RisingWaveRelation"}
        return super().get(key, default)

    def __init__(self, database, schema, identifier, type=None, include=None, quote=None):
        self.database = database
        self.schema = schema
        self.identifier = identifier
        self.type = type
        self.include_policy = include or {"database": True, "schema": True, "identifier": True}
        self.quote_policy = quote or {"database": True, "schema": True, "identifier": True}

    @property
    def name(self):
        return self.identifier

    @property
    def table(self):
        return self.identifier

    @property
    def is_table(self):
        return self.type == "table"

    @property
    def is_view(self):
        return self.type == "view"

    @property
    def is_cte(self):
        return self.type == "cte"

    def render(self):
        parts = []
        for component in ("database", "schema", "identifier"):
            value = getattr(self, component)
            if not self.include_policy[component] or value is None:
                continue
            parts.append('"' + value.replace('"', '""') + '"' if self.quote_policy[component] else value)
        return ".".join(parts)

    def include(self, database=None, schema=None, identifier=None):
        policy = dict(self.include_policy)
        for key, value in (("database", database), ("schema", schema), ("identifier", identifier)):
            if value is not None:
                policy[key] = value
        return Relation(self.database, self.schema, self.identifier, self.type, policy, self.quote_policy)

    def quote(self, database=None, schema=None, identifier=None):
        policy = dict(self.quote_policy)
        for key, value in (("database", database), ("schema", schema), ("identifier", identifier)):
            if value is not None:
                policy[key] = value
        return Relation(self.database, self.schema, self.identifier, self.type, self.include_policy, policy)

    def __str__(self):
        return self.render()

    def __eq__(self, other):
        return isinstance(other, Relation) and vars(self) == vars(other)

    def __hash__(self):
        return hash(self.render())


class Column:
    def __init__(self, name, dtype):
        self.column = name
        self.name = name
        self.dtype = dtype
        self.data_type = dtype
        self.quoted = '"%s"' % name


class ApiColumn:
    @staticmethod
    def translate_type(dtype):
        return {"STRING": "TEXT"}.get(dtype.upper(), dtype)

    @staticmethod
    def numeric_type(dtype, precision, scale):
        if precision is None or scale is None:
            return dtype
        return "{}({},{})".format(dtype, precision, scale)


class ApiRelation:
    @staticmethod
    def create(database=None, schema=None, identifier=None, type=None):
        return Relation(database, schema, identifier, type)


class Api:
    Relation = ApiRelation
    Column = ApiColumn


# --- macros -----------------------------------------------------------------------------------

MACRO_START = re.compile(r"{%-?\s*(macro|materialization|test)\s+(\w+)")
MACRO_END = re.compile(r"{%-?\s*end(macro|materialization|test)\s*-?%}")


def macro_blocks(text):
    """Top-level macro blocks of a macro file (the corpus files are well formed)."""
    blocks = []
    pos = 0
    while True:
        start = MACRO_START.search(text, pos)
        if not start:
            return blocks
        end = MACRO_END.search(text, start.end())
        blocks.append((start.group(1), start.group(2), text[start.start() : end.end()]))
        pos = end.end()


class MacroGenerator:
    """dbt's MacroGenerator: a macro whose template runs with the calling node's context."""

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.context = None

    def bound(self, context):
        bound = MacroGenerator(self.name, self.source)
        bound.context = context
        return bound

    def __call__(self, *args, **kwargs):
        module = ENV.from_string(self.source).make_module(vars=self.context)
        macro = getattr(module, "dbt_macro__" + self.name)
        try:
            return macro(*args, **kwargs)
        except MacroReturn as returned:
            return returned.value


class Namespace(dict):
    """A package's macros by name; `dbt_utils.star` is an item lookup on it."""


def load_macros(files):
    macros = {}
    for text in files.values():
        for kind, name, source in macro_blocks(text):
            if kind == "macro":
                macros[name] = MacroGenerator(name, source)
    return macros


# --- the dbt context --------------------------------------------------------------------------


class Var:
    def __init__(self, cli_vars, project_vars, render_strings, context_box):
        self.cli_vars = cli_vars
        self.project_vars = project_vars
        self.render_strings = render_strings
        self.context_box = context_box

    def __call__(self, name, default=None):
        if name in self.cli_vars:
            raw = self.cli_vars[name]
        elif name in self.project_vars:
            raw = self.project_vars[name]
        elif default is not None:
            return default
        else:
            raise CompileError("Required var '%s' not found" % name)
        if self.render_strings and isinstance(raw, str) and NATIVE_CHARS.search(raw):
            return ENV.from_string(raw).render(self.context_box[0])
        return raw


def env_var_function(env):
    def env_var(name, default=None):
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise CompileError("Env var required but not provided: '%s'" % name)

    return env_var


class Target(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


def base_context(request, project_vars, render_var_strings):
    context_box = [None]
    started = datetime.datetime.fromisoformat(request["run_started_at"].replace("Z", "+00:00"))
    target = Target(request["target"])

    class Flags:
        FULL_REFRESH = False
        STORE_FAILURES = False
        WHICH = "run"

    class Exceptions:
        @staticmethod
        def raise_compiler_error(message):
            raise CompileError(message)

        @staticmethod
        def warn(message):
            return ""

    class Modules:
        pass

    modules = Modules()
    modules.datetime = datetime
    modules.re = re
    modules.itertools = itertools
    try:
        import pytz

        modules.pytz = pytz
    except ImportError:
        pass
    context = {
        "var": Var(request.get("vars", {}), project_vars, render_var_strings, context_box),
        "env_var": env_var_function(request.get("env", {})),
        "target": target,
        "run_started_at": started,
        "invocation_id": request["invocation_id"],
        "modules": modules,
        "flags": Flags,
        "exceptions": Exceptions,
        "return": _return,
        "log": lambda *args, **kwargs: "",
        "print": lambda *args, **kwargs: "",
        "fromjson": lambda text, default=None: json.loads(text),
        "tojson": lambda value, default=None, sort_keys=False: json.dumps(value, sort_keys=sort_keys),
        "fromyaml": lambda text, default=None: yaml.safe_load(text),
        "zip": lambda *args, default=None: zip(*args),
        "set": lambda value, default=None: set(value),
        "local_md5": lambda value: hashlib.md5(value.encode("utf-8")).hexdigest(),
        "api": Api,
        "dbt_version": "1.10.0",
    }
    return context, context_box


def quoted_native_concat(nodes):
    """dbt's native concatenation: one node keeps its value; more nodes make a string."""
    head = list(itertools.islice(nodes, 2))
    if not head:
        return ""
    if len(head) == 1:
        return head[0]
    return "".join(str(v) for v in itertools.chain(head, nodes))


class DbtNativeEnvironment(jinja2.nativetypes.NativeEnvironment):
    concat = staticmethod(quoted_native_concat)


NATIVE_ENV = DbtNativeEnvironment()


def render_native(text, context):
    if not isinstance(text, str) or not NATIVE_CHARS.search(text):
        return text
    return NATIVE_ENV.from_string(text).render(context)


def render_tree(value, keypath, should_render, context):
    if not should_render(keypath):
        return value
    if isinstance(value, str):
        return render_native(value, context)
    if isinstance(value, list):
        return [render_tree(item, keypath + (i,), should_render, context) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: render_tree(item, keypath + (key,), should_render, context) for key, item in value.items()}
    return value


def project_keypath_rendered(keypath):
    if not keypath:
        return True
    if keypath[0] in ("on-run-start", "on-run-end", "query-comment", "vars"):
        return False
    if keypath[0] in ("models", "seeds", "sources"):
        parts = {k.lstrip("+ ") if isinstance(k, str) else k for k in keypath}
        if parts & {"pre-hook", "post-hook", "pre_hook", "post_hook"}:
            return False
    return True


def properties_keypath_rendered(keypath):
    if len(keypath) >= 1 and keypath[0] in ("tests", "data_tests", "description"):
        return False
    if len(keypath) >= 3 and keypath[0] == "tables" and keypath[2] in ("tests", "data_tests", "description"):
        return False
    if len(keypath) >= 2 and keypath[0] == "config" and keypath[1] in ("pre_hook", "post_hook"):
        return False
    if len(keypath) >= 3 and keypath[0] == "columns" and keypath[2] in ("tests", "data_tests", "description"):
        return False
    return True


# --- configs ----------------------------------------------------------------------------------

KNOWN_CONFIGS = {"materialized", "enabled", "schema", "alias", "tags", "meta", "pre_hook", "post_hook"}


def project_layers(tree, segments):
    layers = []
    level = tree
    depth = 0
    while True:
        configs = {}
        for key, value in level.items():
            if key.startswith("+"):
                configs[key[1:].replace("-", "_")] = value
            elif key.replace("-", "_") in KNOWN_CONFIGS:
                configs[key.replace("-", "_")] = value
        if configs:
            layers.append(configs)
        if depth >= len(segments) or not isinstance(level.get(segments[depth]), dict):
            return layers
        level = level[segments[depth]]
        depth += 1


def merge(layers):
    merged = {}
    for layer in layers:
        for key, value in layer.items():
            key = key.replace("-", "_")
            if key in ("pre_hook", "post_hook", "tags"):
                merged[key] = merged.get(key, []) + (value if isinstance(value, list) else [value])
            else:
                merged[key] = value
    return merged


# --- ephemeral models -------------------------------------------------------------------------


def inject_ctes(sql, ctes):
    """dbt's _inject_ctes_into_sql, on a simple tokenization of top-level words."""
    if not ctes:
        return sql
    injected = ", ".join(" %s as (\n%s\n)" % cte for cte in ctes)
    depth = 0
    with_end = None
    first = None
    for match in re.finditer(r"\s+|--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\w+|.", sql, re.S):
        token = match.group()
        if token.isspace():
            continue
        if first is None:
            first = match.start()
        if with_end is not None:
            if depth == 0 and token.lower() == "recursive":
                with_end = match.end()
            break
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0 and token.lower() == "with":
            with_end = match.end()
    if with_end is None:
        at = first or 0
        return sql[:at] + "with" + injected + sql[at:]
    return sql[:with_end] + injected + "," + sql[with_end:]


# --- the project ------------------------------------------------------------------------------


class ParseUndefined(jinja2.Undefined):
    """dbt's parse-phase Undefined: attribute access and calls give more Undefined."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return ParseUndefined(name=name)

    def __getitem__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


PARSE_ENV = dbt_environment()
PARSE_ENV.undefined = ParseUndefined


def main():
    json.dump([render_project(request) for request in json.load(sys.stdin)], sys.stdout)


def render_project(request):
    files = request["project"]["files"]
    raw_project = yaml.safe_load(files["dbt_project.yml"])
    project_context, _ = base_context(request, {}, True)
    project = render_tree(raw_project, (), project_keypath_rendered, project_context)
    name = project["name"]
    vars_ = dict(project.get("vars") or {})
    scoped = vars_.pop(name, None)
    project_vars = {**vars_, **(scoped or {})} if isinstance(scoped, dict) else dict(project.get("vars") or {})
    quoting = {"database": True, "schema": True, "identifier": True, **(project.get("quoting") or {})}
    model_paths = project.get("model-paths", ["models"])
    macro_paths = project.get("macro-paths", ["macros"])
    models_tree = (project.get("models") or {}).get(name, {}) or {}
    top = {k: v for k, v in (project.get("models") or {}).items() if k.startswith("+") or not isinstance(v, dict)}
    models_tree = {**top, **models_tree}
    dispatch_config = {entry["macro_namespace"]: entry["search_order"] for entry in project.get("dispatch") or []}

    root_macros = load_macros({p: t for p, t in files.items() if p.split("/")[0] in macro_paths and p.endswith(".sql")})
    packages = {pkg: load_macros(pkg_files) for pkg, pkg_files in request.get("packages", {}).items()}
    global_macros = load_macros({"global": request["global_project"]})

    # properties
    yaml_context, _ = base_context(request, project_vars, False)
    props = {}
    sources = {}
    for path, text in files.items():
        if not path.endswith((".yml", ".yaml")) or path.split("/")[0] not in model_paths:
            continue
        doc = yaml.safe_load(text) or {}
        for entry in doc.get("models") or []:
            entry = render_tree(entry, (), properties_keypath_rendered, yaml_context)
            props[entry["name"]] = entry
        for source in doc.get("sources") or []:
            source = render_tree(source, (), properties_keypath_rendered, yaml_context)
            for table in source.get("tables") or []:
                q = {**(source.get("quoting") or {}), **(table.get("quoting") or {})}
                sources[(source["name"], table["name"])] = {
                    "database": source.get("database"),
                    "schema": source.get("schema") or source["name"],
                    "identifier": table.get("identifier") or table["name"],
                    "quote": {"database": q.get("database", True), "schema": q.get("schema", True), "identifier": q.get("identifier", True)},
                }

    models = {}
    for path, text in sorted(files.items()):
        if path.endswith(".sql") and path.split("/")[0] in model_paths:
            parts = path.split("/")[1:]
            parts[-1] = parts[-1][:-4]
            models[parts[-1]] = {"path": path, "segments": parts, "raw": text}

    target = request["target"]
    catalog = request.get("catalog")
    database = target.get("database")

    def namespace(context):
        ns = {}
        for macro_name, macro in global_macros.items():
            ns[macro_name] = macro.bound(context)
        ns["dbt"] = Namespace({k: v.bound(context) for k, v in global_macros.items()})
        for pkg, macros in packages.items():
            ns[pkg] = Namespace({k: v.bound(context) for k, v in macros.items()})
        ns[name] = Namespace({k: v.bound(context) for k, v in root_macros.items()})
        for macro_name, macro in root_macros.items():
            ns[macro_name] = macro.bound(context)
        return ns

    def from_package(context, package, macro_name):
        if package is None:
            found = context.get(macro_name)
            return found if isinstance(found, MacroGenerator) else None
        if package == "dbt":
            found = global_macros.get(macro_name)
        elif package == name:
            found = root_macros.get(macro_name)
        else:
            found = packages.get(package, {}).get(macro_name)
        return found.bound(context) if found else None

    class Adapter:
        def __init__(self, context, parsing):
            self.context = context
            self.parsing = parsing

        def dispatch(self, macro_name, macro_namespace=None):
            search = [None]
            if macro_namespace in dispatch_config:
                search = dispatch_config[macro_namespace]
            elif macro_namespace in packages:
                search = [name, macro_namespace]
            for package in search:
                for prefix in ("risingwave", "postgres", "default"):
                    found = from_package(self.context, package, prefix + "__" + macro_name)
                    if found is not None:
                        return found
            raise CompileError("No macro named '%s' found within namespace: '%s'" % (macro_name, macro_namespace))

        def quote(self, identifier):
            return '"%s"' % identifier

        def type(self):
            return "risingwave"

        def get_columns_in_relation(self, relation):
            if self.parsing:
                return []
            for entry in (catalog or {}).get("relations", []):
                if entry["schema"] == relation.schema and entry["name"] == relation.identifier:
                    return [Column(c["name"], c["type"]) for c in entry["columns"]]
            return []

        def get_relation(self, database, schema, identifier):
            if self.parsing:
                return None
            for entry in (catalog or {}).get("relations", []):
                if entry["schema"] == schema and entry["name"] == identifier:
                    return Relation(database, schema, identifier, entry["type"])
            return None

    def context_for(model, parsing, hooks):
        context, box = base_context(request, project_vars, True)
        context.update(hooks)
        context["execute"] = not parsing
        context["adapter"] = Adapter(context, parsing)
        context["builtins"] = {"ref": hooks["ref"], "source": hooks["source"], "config": hooks["config"]}
        context.update(namespace(context))
        box[0] = context
        return context

    class Config:
        def __init__(self, values, record):
            self.values = values
            self.record = record

        def __call__(self, *args, **kwargs):
            for arg in args:
                kwargs = {**arg, **kwargs}
            if self.record is not None:
                self.record.append(kwargs)
            return ""

        def get(self, key, default=None):
            value = self.values().get(key)
            return default if value is None else value

        def set(self, key, value):
            if self.record is not None:
                self.record.append({key: value})
            return ""

    def source_relation(source_name, table):
        found = sources[(source_name, table)]
        return Relation(found["database"] or database, found["schema"], found["identifier"],
                        include={"database": found["database"] is not None, "schema": True, "identifier": True},
                        quote=found["quote"])

    def node_relation(schema, identifier):
        return Relation(database, schema, identifier, include={"database": False, "schema": True, "identifier": True}, quote=quoting)

    # parse phase: configs and refs
    parsed = {}
    for model_name, model in models.items():
        calls = []
        layers = project_layers(models_tree, model["segments"]) + [dict((props.get(model_name) or {}).get("config") or {})]
        refs = []

        def ref(*names, **kwargs):
            refs.append(names[-1])
            return node_relation(target["schema"], names[-1])

        hooks = {
            "ref": ref,
            "source": source_relation,
            "config": Config(lambda: merge(layers + calls), calls),
            "this": node_relation(target["schema"], model_name),
            "model": {"name": model_name, "config": {}},
        }
        context = context_for(model, True, hooks)
        try:
            PARSE_ENV.from_string(model["raw"]).render(context)
            parsed[model_name] = {"config": merge(layers + calls), "refs": refs}
        except Exception as error:  # noqa: BLE001
            parsed[model_name] = {"error": "%s: %s" % (type(error).__name__, error)}

    # disabled models are not part of the project
    for model_name in [m for m, result in parsed.items() if result.get("config", {}).get("enabled") is False]:
        del parsed[model_name]
        del models[model_name]

    # names
    relations = {}
    for model_name, result in parsed.items():
        if "error" in result:
            continue
        config = result["config"]
        hooks_context, _ = base_context(request, project_vars, True)
        hooks_context["adapter"] = Adapter(hooks_context, True)
        hooks_context.update(namespace(hooks_context))
        node = {"name": model_name, "config": config, "resource_type": "model", "version": None}
        schema = hooks_context["generate_schema_name"](config.get("schema"), node).strip()
        alias = hooks_context["generate_alias_name"](config.get("alias"), node).strip()
        schema = schema if quoting["schema"] else schema.lower()
        alias = alias if quoting["identifier"] else alias.lower()
        relations[model_name] = (schema, alias)

    # compile phase
    out = {}
    compiled = {}
    graph = {
        "nodes": {
            "model.%s.%s" % (name, model_name): {
                "name": model_name,
                "resource_type": "model",
                "unique_id": "model.%s.%s" % (name, model_name),
                "config": {"materialized": "view", "enabled": True, "tags": [], "meta": {}, **result["config"]},
            }
            for model_name, result in parsed.items()
            if "error" not in result
        },
        "sources": {},
    }

    def compile_model(model_name):
        if model_name in compiled:
            return compiled[model_name]
        result = parsed[model_name]
        if "error" in result:
            raise CompileError(result["error"])
        ctes = []

        def ref(*names, **kwargs):
            target_name = names[-1]
            target_config = parsed.get(target_name, {}).get("config", {})
            if target_config.get("materialized") == "ephemeral":
                sql, inner = compile_model(target_name)
                for cte in inner:
                    if cte not in ctes:
                        ctes.append(cte)
                cte_name = "__dbt__cte__" + target_name
                if not any(existing[0] == cte_name for existing in ctes):
                    ctes.append((cte_name, sql))
                return Relation(None, None, cte_name, "cte", {"database": False, "schema": False, "identifier": True},
                                {"database": False, "schema": False, "identifier": False})
            schema, alias = relations[target_name]
            return node_relation(schema, alias)

        schema, alias = relations[model_name]
        hooks = {
            "ref": ref,
            "source": source_relation,
            "graph": graph,
            "config": Config(lambda: result["config"], None),
            "this": node_relation(schema, alias),
            "model": {"name": model_name, "config": result["config"]},
        }
        context = context_for(models[model_name], False, hooks)
        sql = ENV.from_string(models[model_name]["raw"]).render(context)
        compiled[model_name] = (sql, ctes)
        return compiled[model_name]

    for model_name in models:
        try:
            sql, ctes = compile_model(model_name)
            sql = inject_ctes(sql, ctes).strip()
            if sql.endswith(";"):
                sql = sql[:-1].rstrip()
            out[model_name] = {"sql": sql}
        except Exception as error:  # noqa: BLE001
            out[model_name] = {"error": "%s: %s" % (type(error).__name__, error)}
    return out


main()
