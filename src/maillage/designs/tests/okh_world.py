"""A small world for the design tests: an organisation with an admin and a member, an outsider,
and the three real manifests the demo ships."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maillage.directory.models import Membership, Organisation, Role, User

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "okh"


def manifest_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


@dataclass
class World:
    organisation: Organisation
    other: Organisation
    admin: User
    member: User
    outsider: User


def make_world(make_user: Any, make_organisation: Any) -> World:
    admin = make_user("admin-fablab")
    member = make_user("membre-fablab")
    outsider = make_user("voisin")
    organisation = make_organisation("Fablab de Belsunce", admin=admin)
    Membership.objects.create(user=member, organisation=organisation, role=Role.MEMBER)
    other = make_organisation("Menuiserie du Vieux-Port", admin=outsider)
    return World(organisation, other, admin, member, outsider)
