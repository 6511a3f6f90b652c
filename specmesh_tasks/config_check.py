"""`.specify/specmesh.yaml` -> validated plain data, or every problem in it, each with its line.

Imported only when the file changed since it was last validated (yaml and pydantic load here).
A person fixing a config file wants the whole list at once, so the checks run to the end and
`ConfigErrors` carries one line per problem, sorted by line:

    error: /repo/.specify/specmesh.yaml:3: gates.rulez: unknown key; did you mean 'rules'?
    error: /repo/.specify/specmesh.yaml:5: gates.rules.SM999: unknown rule 'SM999'

The file is plain data: YAML tags that name Python objects (`!!python/object/apply:…`,
`!!python/name:…`) or any other non-standard tag are reported and never constructed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specmesh_tasks.errors import ConfigError, ConfigErrors
from specmesh_tasks.suggest import did_you_mean

_STANDARD_TAG = "tag:yaml.org,2002:"


def validate_config_text(text: str, path: Path) -> dict[str, Any]:
    """Parse and validate the YAML text; return plain data. Raises ConfigError (or ConfigErrors)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(file=path, key="", line=line, problem=f"invalid YAML: {problem}") from None
    if node is None:
        return {}
    _raise_all(path, list(_foreign_tags(node, ())))
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # e.g. `!!int abc`
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(file=path, key="", line=line, problem=f"invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(file=path, key="", line=node.start_mark.line + 1, problem="expected a mapping")
    _unquote_off(data)
    _raise_all(path, [*_schema_problems(data, node), *_unknown_rules(data, node)])
    return data


def _raise_all(path: Path, problems: list[tuple[int, str, str]]) -> None:
    """Raise every (line, key, problem) found, in line order; nothing found, nothing raised."""
    errors = [ConfigError(file=path, key=key, line=line, problem=problem)
              for line, key, problem in sorted(problems, key=lambda p: (p[0], p[1]))]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors=errors)


def _foreign_tags(node: Any, loc: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """Every node whose tag safe YAML would refuse (or that names a Python object)."""
    import yaml

    found: list[tuple[int, str, str]] = []
    tag = str(node.tag or "")
    if tag not in yaml.SafeLoader.yaml_constructors:
        shown = "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag
        found.append((node.start_mark.line + 1, ".".join(loc),
                      f"YAML tag {shown} is not allowed (the file holds plain data)"))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            found += _foreign_tags(key_node, loc)
            found += _foreign_tags(value_node, (*loc, str(key_node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _foreign_tags(item, (*loc, str(index)))
    return found


def _unquote_off(data: dict[str, Any]) -> None:
    """YAML 1.1 reads a bare `off` as false; in `gates.rules` it means the severity "off"."""
    rules = data.get("gates", {}).get("rules") if isinstance(data.get("gates"), dict) else None
    if isinstance(rules, dict):
        for key, value in rules.items():
            if value is False:
                rules[key] = "off"


def _schema_problems(data: dict[str, Any], node: Any) -> list[tuple[int, str, str]]:
    """Every error pydantic finds against the schema, each at its key's line."""
    from pydantic import ValidationError

    from specmesh_tasks.config_model import ConfigModel

    try:
        ConfigModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(str(part) for part in error["loc"])
            problem = error["msg"]
            if error["type"] == "extra_forbidden":
                problem = "unknown key" + did_you_mean(loc[-1], _keys_at(loc[:-1]))
            problems.append((_line_of(node, loc), ".".join(loc), problem))
        return problems
    return []


def _keys_at(loc: tuple[str, ...]) -> list[str]:
    """The keys the schema allows inside the mapping at `loc` (none known: empty)."""
    from pydantic import BaseModel

    from specmesh_tasks.config_model import ConfigModel

    model: Any = ConfigModel
    for part in loc:
        field = model.model_fields.get(part)
        model = field.annotation if field is not None else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    return list(model.model_fields)


def _unknown_rules(data: dict[str, Any], node: Any) -> list[tuple[int, str, str]]:
    """`gates.rules` keys that name no rule (by code or by name)."""
    rules = data.get("gates", {}).get("rules") if isinstance(data.get("gates"), dict) else None
    if not isinstance(rules, dict) or not rules:
        return []
    from specmesh_tasks.rule_names import code_of, every_word

    return [(_line_of(node, ("gates", "rules", str(key))), f"gates.rules.{key}",
             f"unknown rule '{key}'{did_you_mean(str(key), every_word())}")
            for key in rules if code_of(str(key)) is None]


def _line_of(node: Any, loc: tuple[str, ...]) -> int:
    """1-based line of the YAML node at `loc` (the key's line for mappings); best effort."""
    import yaml

    line: int = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == part:
                    line, node = int(key_node.start_mark.line) + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = int(node.start_mark.line) + 1
        else:
            return line
    return line
