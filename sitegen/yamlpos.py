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


class YamlProblem(Exception):
    """A YAML text that cannot be used; `line` is a line of the file."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


class ContentLoader(yaml.SafeLoader):
    """A SafeLoader that resolves only null, true/false, decimal numbers and strings."""

    def __init__(self, text: str, first_line: int):
        super().__init__(text)
        self.first_line = first_line

    def file_line(self, mark: yaml.Mark) -> int:
        return mark.line + self.first_line

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("YAML anchors and aliases are not allowed in content",
                              self.file_line(event.start_mark))
        return super().compose_node(parent, index)


ContentLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    # No leading "+": "+4524804503" is a phone number as written, not an integer.
    ("tag:yaml.org,2002:int", r"^-?(?:0|[1-9][0-9]*)$", list("-0123456789")),
    ("tag:yaml.org,2002:float", r"^-?(?:[0-9]+\.[0-9]+)$", list("-0123456789")),
]:
    ContentLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: object
    lines: dict  # key path such as ("place", "city") or ("contacts", 0) -> line of the file


def parse_yaml(text: str, first_line: int = 1) -> ParsedYaml:
    """Parse `text` into plain data plus the file line of every key and list item.

    `first_line` is the file line the text starts on. Raises `YamlProblem` for syntax
    errors, aliases and duplicate keys.
    """
    try:
        # The reader checks the characters already here: a control character is a ReaderError.
        loader = ContentLoader(text, first_line)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        raise YamlProblem(f"invalid YAML: the control character U+{exc.character:04X} is not allowed",
                          line) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return ParsedYaml(None, {})
        lines: dict = {}
        _check_and_index(node, (), lines, loader)
        return ParsedYaml(loader.construct_document(node), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = loader.file_line(mark) if mark else first_line
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.problem and exc.context and exc.context_mark and loader.file_line(exc.context_mark) != line:
            message += f" ({exc.context} that starts on line {loader.file_line(exc.context_mark)})"
        raise YamlProblem(message, line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", first_line) from None
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply", first_line) from None
    finally:
        loader.dispose()


def _check_and_index(node: yaml.Node, path: tuple, lines: dict, loader: ContentLoader) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            line = loader.file_line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlProblem(f"'{getattr(key_node, 'value', '')}' is not a field name: keys are words",
                                  line)
            key = key_node.value
            if key in seen:
                raise YamlProblem(f"duplicate key '{key}' (first on line {seen[key]})", line)
            seen[key] = line
            lines[path + (key,)] = line
            _check_and_index(value_node, path + (key,), lines, loader)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = loader.file_line(item.start_mark)
            _check_and_index(item, path + (index,), lines, loader)
    elif isinstance(node, yaml.ScalarNode) and (found := _CONTROL.search(node.value)):
        # Typed ones the reader refuses; these came as escapes in a quoted string ("\0", "\e").
        raise YamlProblem(f"invalid YAML: the control character U+{ord(found[0]):04X} is not allowed",
                          loader.file_line(node.start_mark))


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not tab, line feed, return
