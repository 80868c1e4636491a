"""The layout every app keeps (docs/architecture.md, ADR 0009), checked on the files themselves.

A new app must be added to LAYOUT with its kind; forgetting a standard file fails here.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings

PACKAGE = Path(__file__).resolve().parent.parent  # src/maillage
REPOSITORY = PACKAGE.parent.parent

# What each kind of app must hold; a role is `<role>.py` or a package `<role>/` by topic.
KINDS: dict[str, tuple[str, ...]] = {
    # Owns tables and the rules on them: every write in actions, shared reads in queries.
    "domain": ("apps", "models", "actions", "queries", "admin", "tests"),
    # Plain helpers and plumbing every layer uses (core): no business writes, so no actions.
    "plain": ("apps", "tests"),
    # Top floor: a page reading the layers below (map).
    "page": ("apps", "views", "urls", "tests"),
    # Top floor: management commands over every app (demo).
    "commands": ("apps", "management", "tests"),
    # Top floor: exports and imports of every app's data (interop).
    "exchange": ("apps", "api", "tests"),
}

# app → (kind, roles it needs beyond its kind's: pages, API endpoints, permission rules).
LAYOUT: dict[str, tuple[str, tuple[str, ...]]] = {
    "core": ("plain", ()),
    "directory": ("domain", ("api", "views", "urls", "forms", "permissions")),
    "equipment": ("domain", ("api", "views", "urls", "forms")),
    "qualifications": ("domain", ("api", "views", "urls", "forms")),
    "sharing": ("domain", ("api", "views", "urls", "forms")),
    "matching": ("domain", ("api", "views", "urls", "forms")),
    "maintenance": ("domain", ("api", "views", "urls", "forms")),
    "symbiosis": ("domain", ("api", "views", "urls", "forms")),
    "designs": ("domain", ("api", "views", "urls", "forms")),
    "cooperation": ("domain", ("api", "views", "urls", "forms")),
    "impact": ("domain", ("api", "views", "urls", "forms")),
    "map": ("page", ()),
    "demo": ("commands", ()),
    "interop": ("exchange", ()),
}

# Kinds that hold business writes, hence the only ones with an actions module.
WRITING_KINDS = {"domain"}

ROLES = (
    "actions",
    "admin",
    "api",
    "forms",
    "models",
    "notifications",
    "permissions",
    "queries",
    "tasks",
    "urls",
    "views",
)
# A role that outgrows one file becomes a package by topic, never `views_x.py` or `x_queries.py`.
SUFFIX_PATTERNS = tuple(f"{role}_*.py" for role in ROLES) + tuple(f"*_{role}.py" for role in ROLES)


def _installed_apps() -> list[str]:
    return [
        name.removeprefix("maillage.")
        for name in settings.INSTALLED_APPS
        if name.startswith("maillage.")
    ]


def _has_role(app: Path, role: str) -> bool:
    return (app / f"{role}.py").is_file() or (app / role / "__init__.py").is_file()


def _modules(*, skip: set[str]) -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not skip.intersection(path.relative_to(PACKAGE).parts[:-1])
    ]


def test_every_installed_app_has_a_kind_and_every_listed_app_is_installed() -> None:
    installed = set(_installed_apps())
    unlisted = sorted(installed - LAYOUT.keys())
    assert not unlisted, f"add these apps to LAYOUT with their kind: {unlisted}"
    absent = sorted(LAYOUT.keys() - installed)
    assert not absent, f"LAYOUT names apps missing in INSTALLED_APPS: {absent}"


def test_every_app_has_the_standard_files_of_its_kind() -> None:
    missing = []
    for app, (kind, extra) in LAYOUT.items():
        folder = PACKAGE / app
        for role in KINDS[kind] + extra:
            if not _has_role(folder, role):
                missing.append(f"maillage/{app}: {role}.py or {role}/")
    assert not missing, "missing standard files:\n" + "\n".join(missing)


def test_only_apps_that_write_business_data_have_actions() -> None:
    strays = [
        f"maillage/{app}"
        for app, (kind, _extra) in LAYOUT.items()
        if kind not in WRITING_KINDS and _has_role(PACKAGE / app, "actions")
    ]
    assert not strays, f"only domain apps write business data, these have actions: {strays}"


def test_top_floor_apps_own_no_tables() -> None:
    installed = set(_installed_apps())
    with_tables = [
        app
        for app, (kind, _extra) in LAYOUT.items()
        if kind in {"page", "commands", "exchange"}
        and app in installed
        and list(apps.get_app_config(app).get_models())
    ]
    assert not with_tables, f"top-floor apps with tables: {with_tables}"


def test_no_module_is_named_after_a_role_with_a_suffix() -> None:
    suffixed = [
        str(path.relative_to(PACKAGE.parent))
        for path in _modules(skip={"migrations"})
        if not path.name.startswith("test_")
        and any(fnmatch.fnmatch(path.name, pattern) for pattern in SUFFIX_PATTERNS)
    ]
    assert not suffixed, "make these packages by topic (actions/bookings.py):\n" + "\n".join(
        suffixed
    )


def test_packages_re_export_nothing() -> None:
    # Callers import from the topic module; models/ is the exception Django needs to find models.
    shims = []
    for path in _modules(skip={"migrations"}):
        if path.name != "__init__.py" or path.parent.name == "models":
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the package's docstring
        if body:
            shims.append(str(path.relative_to(PACKAGE.parent)))
    assert not shims, "import from the topic module, not the package:\n" + "\n".join(shims)


def test_no_module_outside_migrations_and_tests_is_over_600_lines() -> None:
    spec = importlib.util.spec_from_file_location(
        "check_module_size", REPOSITORY / "scripts" / "check_module_size.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    too_long = [
        f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        for path, lines in script.oversized(PACKAGE)
    ]
    assert not too_long, "split into a package by topic:\n" + "\n".join(too_long)
