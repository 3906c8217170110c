"""Validate JSON against schemas in LINE's OpenAPI files (shared/line-openapi/*.yml).

jsonschema ignores OpenAPI's `discriminator`, and LINE's files put it on base
schemas (Event, MessageContent, Source) with no oneOf, so a plain validation would
never check e.g. that a text message has `quoteToken`. We add a `discriminator`
keyword that also validates the instance against the mapped schema. The mapped
schemas `allOf` the base again; a guard stops that recursion.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
import yaml
from jsonschema import ValidationError, validators
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_DIR = Path(os.environ.get("LINE_OPENAPI_DIR", REPO_ROOT.parent / "shared" / "line-openapi"))

_active: set[tuple[int, str]] = set()


def _discriminator(validator, discriminator, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    prop = discriminator["propertyName"]
    mapping = discriminator.get("mapping", {})
    target = mapping.get(instance.get(prop))
    if target is None:
        yield ValidationError(f"{prop}={instance.get(prop)!r} is not one of {sorted(mapping)}")
        return
    key = (id(instance), target)
    if key in _active:  # already validating this instance against the mapped schema
        return
    _active.add(key)
    try:
        yield from validator.descend(instance, {"$ref": target})
    finally:
        _active.discard(key)


DiscriminatingValidator = validators.extend(OAS30Validator, {"discriminator": _discriminator})


@functools.cache
def _registry(filename: str) -> tuple[Registry, str]:
    path = OPENAPI_DIR / filename
    if not path.exists():
        pytest.skip(f"{path} not found (set LINE_OPENAPI_DIR)")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    uri = f"urn:line-openapi:{filename}"
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    return Registry().with_resource(uri, resource), uri


def schema_errors(filename: str, schema_name: str, instance) -> list[str]:
    """All validation errors of `instance` against components/schemas/<schema_name>."""
    registry, uri = _registry(filename)
    validator = DiscriminatingValidator({"$ref": f"{uri}#/components/schemas/{schema_name}"}, registry=registry)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def assert_valid(filename: str, schema_name: str, instance) -> None:
    errors = schema_errors(filename, schema_name, instance)
    assert not errors, f"{schema_name} invalid: {errors}"
