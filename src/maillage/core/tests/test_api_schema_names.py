"""Every schema of the API has its own name: the OpenAPI document keys schemas by class name, so
two classes of one name would silently describe one answer with the other's fields."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import maillage.api  # noqa: F401  (imports every router, hence every schema)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("maillage.") and ".tests." not in schema.__module__:
            by_name[schema.__name__].add(schema.__module__)
    clashes = {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1}
    assert clashes == {}
