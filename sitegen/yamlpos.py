"""YAML for editors: plain values, a line number for every key, no surprises.

PyYAML's default (YAML 1.1) resolvers turn ``10:00`` into the integer 600, ``no`` into False
and ``2024-02-31`` into a crash. Content keeps those as strings and lets `fields` parse them
with a message that names the field. Anchors and aliases are refused: editors do not need
them and they are the way to a "billion laughs" expansion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

Path_ = tuple  # a key path such as ("place", "city") or ("contacts", 0)


class ContentLoader(yaml.SafeLoader):
    """A SafeLoader that resolves only null, true/false, decimal numbers and strings."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("YAML anchors and aliases are not allowed in content",
                              event.start_mark.line + 1)
        return super().compose_node(parent, index)


ContentLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]+)$", list("-+0123456789")),
]:
    ContentLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


class YamlProblem(Exception):
    """A YAML text that cannot be used; `line` is 1-based within the parsed text."""

    def __init__(self, message: str, line: int, key: str | None = None):
        super().__init__(message)
        self.message, self.line, self.key = message, line, key


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: object
    lines: dict  # key path -> 1-based line within the text


def parse_yaml(text: str) -> ParsedYaml:
    """Parse `text` into plain data plus the line of every key and list item.

    Raises `YamlProblem` for syntax errors, aliases and duplicate keys.
    """
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return ParsedYaml(None, {})
        lines: dict = {}
        _check_and_index(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", 1) from None
    finally:
        loader.dispose()
    return ParsedYaml(data, lines)


def _check_and_index(node: yaml.Node, path: Path_, lines: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("keys must be plain words", key_node.start_mark.line + 1)
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(f"duplicate key '{key}' (first on line {seen[key]})", line, key)
            seen[key] = line
            lines[path + (key,)] = line
            _check_and_index(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _check_and_index(item, path + (index,), lines)
