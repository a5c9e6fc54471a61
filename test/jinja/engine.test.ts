import { beforeAll, describe, expect, it } from "vitest";
import { compileTemplate, jinjaGlobal } from "../../src/project/jinja/engine.js";
import { fromJs, type RenderContext, type Value } from "../../src/project/jinja/values.js";
import { type Reference, renderWithPython } from "./python-jinja.js";

/**
 * Each template renders with Python's Jinja2 (in dbt's environment: sandboxed, macros renamed,
 * `do` and loop controls) and with our engine; the outputs must be identical, and a template
 * Python refuses must be refused by us too.
 */
const CASES: { template: string; context?: Record<string, unknown> }[] = [
  // printing values as Python does
  { template: "{{ true }} {{ false }} {{ none }} {{ True }} {{ None }}" },
  {
    template:
      "{{ [1, 'a', none, true, 2.5] }} {{ ('x',) }} {{ () }} {{ (1, 2) }} {{ {'a': 1, 'b': [2]} }}",
  },
  { template: "{{ 'a' ~ true ~ [1, 'b'] ~ none ~ 2.0 }}" },
  {
    template:
      "{{ 1/2 }} {{ 4/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2**-1 }} {{ 2**10 }}",
  },
  {
    template:
      "{{ 1e3 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e-5 }} {{ 123456789.125 }} {{ 1_000 }} {{ 0x1f }} {{ 0b101 }}",
  },
  { template: "{{ 1.5e300 * 1e10 }} {{ -0.0 }} {{ 3.0 * 2 }} {{ 10 / 4 }}" },
  { template: "{{ \"it's\" }} {{ ['it\\'s', \"a\\\"b\"] }} {{ {'k\\n': 'v\\t'} }}" },
  { template: "{{ 'a\\/b' }} {{ '\\x41\\u00e9\\101' }} {{ 'tab\\there' }}" },
  // operators
  { template: "{{ 'ab' * 3 }} {{ [1] * 2 }} {{ 3 * 'x' }} {{ [1] + [2] }} {{ (1,) + (2,) }}" },
  {
    template:
      "{{ 1 < 2 < 3 }} {{ 3 > 2 > 1 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ '1' == 1 }} {{ none == none }}",
  },
  {
    template:
      "{{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ {'a': 1} == {'a': 1} }} {{ true == 1 }}",
  },
  {
    template:
      "{{ 'a' in 'cat' }} {{ 1 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ 'x' in undefined_thing }}",
  },
  { template: "{{ 1 and 'x' }} {{ 0 or 'y' }} {{ '' or [] }} {{ not [] }} {{ none and 1 }}" },
  { template: "{{ 'x' if false }}|{{ 'a' if 1 else 'b' }}|{{ -3 }}|{{ +2 }}|{{ - -1 }}" },
  { template: "{{ 'a' + 1 }}" },
  { template: "{{ 1 + 'a' }}" },
  { template: "{{ 'a' < 1 }}" },
  { template: "{{ 1 / 0 }}" },
  // % and format
  { template: "{{ '%s-%05.1f|%-4d|%x|%r|%%' % ('a', 3.14159, 7, 255, 'q') }}" },
  {
    template: "{{ '%s' % 'one' }} {{ '%s' % [1, 2] }} {{ '%(a)s and %(b)d' % {'a': 'x', 'b': 2} }}",
  },
  { template: "{{ '%s %s' % ('only one',) }}" },
  {
    template:
      "{{ '{:>6}|{:<4}|{:^5}|{:,}|{:.3}|{!r}|{name}'.format('ab', 1, 'c', 1234567, 3.14159, 'x', name='n') }}",
  },
  {
    template: "{{ '{1}{0}{1}'.format('a', 'b') }} {{ '{0[k]} {1[0]}'.format({'k': 'v'}, ['x']) }}",
  },
  { template: "{{ '{} {0}'.format('a') }}" },
  {
    template:
      "{{ '{:.2f} {:08.3f} {:+d} {:x} {:b} {:e} {:%}'.format(3.14159, -2.5, 5, 255, 5, 12345.678, 0.25) }}",
  },
  {
    template:
      "{{ '%s, %s!' | format('Hello', 'World') }} {{ '%.2f' | format(2.675) }} {{ '%g|%G|%e' % (0.0001, 1e20, 1.5) }}",
  },
  // string methods
  {
    template:
      "{{ 'xax'.strip('x') }} {{ '--a--'.lstrip('-') }} {{ '--a--'.rstrip('-') }} {{ '  a  '.strip() }}",
  },
  {
    template:
      "{{ ', '.join(['a', 'b']) }} {{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }}",
  },
  {
    template:
      "{{ 'Hello'.replace('l', 'L') }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }}",
  },
  {
    template:
      "{{ 'abc'.startswith('a') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'abcb'.find('b') }} {{ 'abcb'.rfind('b') }} {{ 'abc'.find('z') }} {{ 'aXbX'.count('X') }}",
  },
  {
    template:
      "{{ '42'.zfill(5) }} {{ '-4'.zfill(3) }} {{ 'a'.ljust(3) }}| {{ 'a'.rjust(3, '.') }} {{ 'a'.center(5, '*') }} {{ '12'.isdigit() }} {{ 'ab1'.isalnum() }} {{ 'Ab'.islower() }}",
  },
  {
    template:
      "{{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'a=b=c'.partition('=') }} {{ 'prefix_x'.removeprefix('prefix_') }} {{ 'x.sql'.removesuffix('.sql') }}",
  },
  {
    template:
      "{{ 'abc'[0] }} {{ 'abc'[-1] }} {{ 'abcdef'[1:3] }} {{ 'abcdef'[::2] }} {{ [1, 2, 3][::-1] }} {{ [1, 2, 3][5] }}|",
  },
  // list and dict methods with do
  {
    template:
      "{% set xs = [] %}{% do xs.append(1) %}{% do xs.extend([2, 3]) %}{% do xs.insert(0, 0) %}{{ xs }} {{ xs.pop() }} {{ xs }} {{ xs.index(1) }}",
  },
  {
    template:
      "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{% do d.update(c=3) %}{{ d }} {{ d.pop('a') }} {{ d }} {{ d.get('z', 'none') }} {{ d.setdefault('e', 5) }} {{ d }}",
  },
  {
    template:
      "{% set d = {'b': 2, 'a': 1} %}{{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }}{% for k, v in d.items() %} {{ k }}={{ v }}{% endfor %}",
  },
  {
    template:
      "{% set d = {'b': 2, 'a': 1} %}{{ d.keys() }} {{ d.items() }} {{ d.x }}|{{ d['a'] }} {{ d.b }}",
  },
  // filters
  {
    template:
      "{{ [1, 2, 3] | sum }} {{ [1.5, 2] | sum }} {{ [3, 1, 2] | min }} {{ ['b', 'A', 'c'] | max }} {{ [] | max }}|",
  },
  {
    template:
      "{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('even') | list }} {{ ['a', 'B'] | map('upper') | list }} {{ [1, 2, 3] | select('divisibleby', 3) | list }}",
  },
  {
    template:
      "{{ ['b', 'A', 'a', 'b'] | unique | list }} {{ ['b', 'A'] | sort }} {{ ['b', 'A'] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }}",
  },
  {
    template:
      "{{ 'abc' | list }} {{ {'b': 1, 'a': 2} | list }} {{ {'x<': \"it's\", 'a': [1, 2.0, none, true]} | tojson }} {{ 'é' | tojson }}",
  },
  {
    template:
      "{{ [{'n': 'a', 'v': 1}, {'n': 'b', 'v': 2}] | map(attribute='n') | join(', ') }} {{ [{'n': 'a', 'v': 1}, {'n': 'b', 'v': 2}] | selectattr('v', 'gt', 1) | map(attribute='n') | list }}",
  },
  {
    template:
      "{{ [{'n': 'a', 'v': 1}, {'n': 'b', 'v': 2}] | rejectattr('v', 'equalto', 1) | list }} {{ [{'n': 'b'}, {'n': 'a'}] | sort(attribute='n') }} {{ [{'n': 'b'}, {'n': 'a'}] | sum(attribute='x', start=0) }}",
  },
  {
    template:
      "{{ 42.55 | round }} {{ 42 | round }} {{ 2.675 | round(2) }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 42.55 | round(1, 'floor') }} {{ 1.234 | round(2, 'ceil') }}",
  },
  {
    template:
      "{{ '12' | int }} {{ '12.7' | int }} {{ 'x' | int }} {{ 'x' | int(5) }} {{ '0x1f' | int(0, 16) }} {{ 3.9 | int }} {{ '3.5' | float }} {{ 'x' | float }} {{ 2 | float }}",
  },
  {
    template:
      "{{ none | default('d') }} {{ undefined_x | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ false | d('f', boolean=true) }}",
  },
  {
    template:
      "{{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }} {{ 'a b c' | replace(' ', '_') }} {{ 'hello world' | title }} {{ 'Hello' | lower }} {{ 'Hello' | upper }} {{ 'hELLO wORLD' | capitalize }}",
  },
  {
    template:
      "{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ [1, 2, 3] | length }} {{ 'abc' | length }} {{ {'a': 1} | count }} {{ [1, 2, 3] | reverse | list }} {{ 'abc' | reverse }}",
  },
  {
    template:
      "{{ {'b': 1, 'a': 2} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(by='value') }} {{ {'b': 1, 'a': 2} | items | list }} {{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3, 4, 5] | slice(2) | list }}",
  },
  {
    template:
      "{% for g in [{'c': 'x', 'n': 1}, {'c': 'y', 'n': 2}, {'c': 'x', 'n': 3}] | groupby('c') %}{{ g.grouper }}:{{ g.list | map(attribute='n') | list }} {% endfor %}",
  },
  {
    template:
      "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, first=true) }}|{{ 'a\\n\\nb' | indent('>', blank=true) }}",
  },
  {
    template:
      "{{ 'foo bar baz qux' | truncate(9) }} {{ 'foo bar baz qux' | truncate(9, true) }} {{ 'one two three' | wordcount }} {{ '<b>x</b>  y' | striptags }} {{ '<a&b>' | e }} {{ 'a b/c' | urlencode }}",
  },
  { template: "{{ [1, 2] | map('upper') }}" },
  { template: "{{ [1, 2] | unique | length }}" },
  { template: "{% set g = [1, 2, 3] | select('odd') %}{{ g | list }}{{ g | list }}" },
  { template: "{{ x | nosuchfilter }}" },
  { template: "{% if false %}{{ x | nosuchfilter }}{% endif %}ok" },
  // tests
  {
    template:
      "{{ 6 is divisibleby(3) }} {{ 7 is divisibleby 3 }} {{ 1 is eq(1) }} {{ 2 is in([1, 2]) }} {{ none is sameas none }} {{ 3 is gt 2 }} {{ 'a' is lower }} {{ 'A' is upper }}",
  },
  {
    template:
      "{{ x is defined }} {{ x is undefined }} {{ none is none }} {{ 1 is number }} {{ true is number }} {{ 1 is integer }} {{ 1.0 is float }} {{ 'a' is string }} {{ {} is mapping }} {{ [] is sequence }} {{ 'x' is iterable }} {{ range is callable }}",
  },
  {
    template:
      "{{ 3 is odd }} {{ 4 is even }} {{ 1 is not none }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'zzz' is filter }} {{ true is boolean }} {{ false is false }}",
  },
  // statements and scoping
  {
    template:
      "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = i * 10 %}{{ x }} {% endfor %}{{ x }}",
  },
  {
    template:
      "{% for i in [1, 2] %}{% if i == 2 %}{{ y }}{% endif %}{% set y = i %}{% endfor %}[{{ y }}]",
  },
  {
    template:
      "{% set ns = namespace(total=0) %}{% for i in range(4) %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns }}",
  },
  {
    template:
      "{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}",
  },
  {
    template:
      "{% for x in [1, 2, 3] if x > 1 %}{{ x }}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% else %}none{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}",
  },
  {
    template:
      "{% for x in [1, 2, 3] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}",
  },
  {
    template:
      "{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }}{{ loop.changed(x % 2) }} {% endfor %}",
  },
  {
    template:
      "{% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %} {% for c in 'ab' %}{{ c }}{% endfor %} {% for u in undefined_list %}x{% endfor %}.",
  },
  { template: "{% for x in none %}{% endfor %}" },
  { template: "{% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t = 1, %}{{ t }}" },
  {
    template:
      "{% set block %}  inner {{ 1 + 1 }}  {% endset %}[{{ block }}]{% set up | upper %}shout{% endset %}{{ up }}",
  },
  { template: "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a }}" },
  {
    template:
      "{% filter upper %}hello {{ 'x' }}{% endfilter %}{% filter replace('a', 'b') | upper %}banana{% endfilter %}",
  },
  { template: "{% macro m(a, b=2) %}{{ a }}+{{ b }}{% endmacro %}{{ m(1) }}" },
  { template: "{% macro m() %}x{% endmacro %}{{ dbt_macro__m() }}" },
  {
    template:
      "{% if 1 %}a{% elif 2 %}b{% else %}c{% endif %}{% if 0 %}a{% elif 2 %}b{% else %}c{% endif %}{% if 0 %}a{% elif 0 %}b{% else %}c{% endif %}",
  },
  // whitespace control, raw, comments
  { template: "a  {%- if true -%}  b  {%- endif -%}  c\n{{- ' d ' -}}\n e {#- comment -#} f" },
  { template: "a\n  {%+ if true %}\n  b\n  {%+ endif +%}\n c {{+ 1 }}" },
  {
    template:
      "x {% raw %}{{ not rendered }} {% if %}{% endraw %} y {%- raw -%}  {{ a }}  {%- endraw -%} z",
  },
  { template: "line\n{# a\nmultiline comment #}\nend\n" },
  { template: "trailing newline kept once\n\n" },
  { template: "{{ {'a': {'b': 1}} }}{{ {'x': 1}['x'] }}" },
  // dbt's blocks parse and define nothing callable
  {
    template:
      "{% materialization mv, adapter='risingwave' %}{{ config }}{% endmaterialization %}a{% test t(model) %}select 1{% endtest %}b{% docs d %}# doc{% enddocs %}c",
  },
  // globals
  {
    template:
      "{{ range(3) }} {{ range(1, 7, 2) | list }} {{ range(3) | length }} {{ dict(a=1) }} {% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }} {% set j = joiner('|') %}{{ j() }}x{{ j() }}y",
  },
  // undefined behaviour
  {
    template:
      "[{{ nothing }}] {{ nothing is defined }} {% if nothing %}y{% else %}n{% endif %} {{ nothing | length }}",
  },
  { template: "{{ nothing.attr }}" },
  { template: "{{ nothing() }}" },
  { template: "{{ {'a': 1}.b }}|{{ [1][9] }}|{{ 'x'.nomethod }}|{{ nothing ~ 'x' }}" },
  { template: "{{ {'a': 1}.b.c }}" },
  {
    template: "{{ d.items }} {{ d.x }} {{ l[0] }} {{ s.upper() }}",
    context: { d: { x: 1, items: 2 }, l: [5], s: "q" },
  },
  // syntax errors
  { template: "{% if x %}unclosed" },
  { template: "{{ 1 + }}" },
  { template: "{% unknown_tag %}" },
  { template: "{{ x is divisibleby(3) is odd }}" },
];

function contextOf(record: Record<string, unknown> | undefined): RenderContext {
  const values = new Map<string, Value>(
    Object.entries(record ?? {}).map(([k, v]) => [k, fromJs(v)]),
  );
  return {
    resolve: (name) => values.get(name) ?? jinjaGlobal(name),
    lenient: false,
    absorbed: () => undefined,
  };
}

function renderOurs(template: string, context?: Record<string, unknown>): Reference {
  try {
    return { output: compileTemplate(template, "case.sql").render(contextOf(context)) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

describe("the Jinja engine renders as Python's Jinja2 in dbt's environment", () => {
  let reference: Reference[];
  beforeAll(() => {
    reference = renderWithPython(CASES);
  });

  it.each(CASES.map((testCase, index) => [index, testCase.template] as const))(
    "case %i: %s",
    (index) => {
      const testCase = CASES[index]!;
      const expected = reference[index]!;
      const ours = renderOurs(testCase.template, testCase.context);
      if ("output" in expected && / at 0x[0-9a-f]+>/.test(expected.output)) {
        // Python prints an object's address, which changes every run: we refuse to print it.
        expect(ours).toHaveProperty("error");
      } else if ("output" in expected) {
        expect(ours).toEqual(expected);
      } else {
        expect(ours, `Python refused it (${expected.error})`).toHaveProperty("error");
      }
    },
  );
});
