"""The workflow config's JSON schema (``workflow/schemas/config.schema.yaml``, written in YAML):
loading it, its errors as one line each naming the config key and what is allowed, and
its defaults filled into a config. Checks across sections are :mod:`gantk.workflow.config`'s.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

import jsonschema
import yaml


def load_schema(path: str | os.PathLike) -> dict:
    """Read a JSON schema written in YAML."""
    return yaml.safe_load(Path(path).read_text())


def schema_problems(config: Any, schema: Mapping) -> list[str]:
    """Every way ``config`` breaks ``schema``, one sorted line each, e.g.
    ``config key 'methods.ga_cntk.optimizer': 'sgd' is not allowed; allowed values: 'gd', 'adam'``."""
    validator = jsonschema.Draft202012Validator(schema)
    return sorted({_describe(error, schema) for error in validator.iter_errors(config)})


def fill_defaults(config: dict, schema: Mapping) -> None:
    """Add the schema's ``default`` for every missing key of ``config``, recursively (in place)."""
    _fill(config, schema, schema)


def _key(path: Iterable) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def show_values(values: Iterable) -> str:
    """``'a', 'b', 'c'``: values as a message lists them."""
    return ", ".join(repr(v) for v in values)


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true or false", "null": "null"}


def _describe(error: jsonschema.ValidationError, root: Mapping) -> str:
    """One line naming the key, what it holds and what is allowed."""
    key = _key(error.absolute_path)
    kind, value, rule = error.validator, error.instance, error.validator_value
    if "propertyNames" in error.relative_schema_path:
        return f"config key '{key}': the name {value!r} is not allowed; names are {_name_rule(root)}"
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        prefix = "" if key == "(top level)" else key + "."
        return "; ".join(
            f"config key '{prefix}{k}' is not allowed; allowed keys here: {show_values(allowed)}" for k in extra
        )
    if kind == "required":
        missing = [k for k in rule if k not in value]
        prefix = "" if key == "(top level)" else key + "."
        return "; ".join(f"config key '{prefix}{k}' is missing (required)" for k in missing)
    if kind == "enum":
        return f"config key '{key}': {value!r} is not allowed; allowed values: {show_values(rule)}"
    if kind == "const":
        return f"config key '{key}': {value!r} is not allowed; the only allowed value here is {rule!r}"
    if kind == "type":
        types = [rule] if isinstance(rule, str) else list(rule)
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        hint = ""
        if isinstance(value, str) and {"number", "integer"} & set(types) and "e" in value.lower():
            hint = " (YAML reads 1e-2 as a string: write 0.01 or 1.0e-2)"
        return f"config key '{key}': expected {wanted}, got {value!r}{hint}"
    if kind == "pattern" and error.absolute_path and isinstance(value, str):
        return f"config key '{key}': {value!r} does not match {rule!r}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return f"config key '{key}': {value!r} is out of range; allowed values are {op} {rule}"
    if kind in ("minItems", "minProperties"):
        return f"config key '{key}': needs at least {rule} entr{'y' if rule == 1 else 'ies'}"
    if kind == "uniqueItems":
        return f"config key '{key}': entries must not repeat, got {value!r}"
    return f"config key '{key}': {error.message}"


def _name_rule(root: Mapping) -> str:
    name = root.get("$defs", {}).get("name", {})
    return f"{name.get('description', 'names')} (pattern {name.get('pattern')!r})"


def _resolve(schema: Mapping, root: Mapping) -> Mapping:
    """Follow local ``$ref``s; keys beside a ``$ref`` (e.g. a ``default`` for one use) win over the target's."""
    while isinstance(schema, Mapping) and "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref are supported in the config schema, got {ref!r}")
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _fill(instance: Any, schema: Mapping, root: Mapping) -> None:
    """Add the ``default`` of ``schema`` (a node of ``root``) for every missing property of ``instance``."""
    schema = _resolve(schema, root)
    if "if" in schema:  # e.g. a method's block depends on its kind
        branch = "then" if jsonschema.Draft202012Validator(schema["if"]).is_valid(instance) else "else"
        if branch in schema:
            _fill(instance, schema[branch], root)
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for name, sub in props.items():
            sub_resolved = _resolve(sub, root)
            if name not in instance and "default" in sub_resolved:
                instance[name] = copy.deepcopy(sub_resolved["default"])
            if name in instance:
                _fill(instance[name], sub_resolved, root)
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping):
            for name, value in instance.items():
                if name not in props:
                    _fill(value, extra, root)
    elif isinstance(instance, list) and isinstance(schema.get("items"), Mapping):
        for item in instance:
            _fill(item, schema["items"], root)


__all__ = ["fill_defaults", "load_schema", "schema_problems", "show_values"]
