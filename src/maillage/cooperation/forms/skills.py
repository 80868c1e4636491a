"""Forms of the skills pages and of the trainings catalogue's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.actions.skills import SkillInput
from maillage.cooperation.models import Skill, SkillLevel, SkillVisibility
from maillage.cooperation.queries.skills import DEFAULT_RADIUS_KM, MAX_TEXT, SkillQuery
from maillage.cooperation.skills_search import MAX_RADIUS_KM
from maillage.core.forms import set_choices
from maillage.core.validators import validate_single_line
from maillage.directory.models import Membership, MembershipState, Organisation, Site
from maillage.equipment.forms import process_choices


class SkillForm(forms.Form):
    label = forms.CharField(
        label=_("Skill"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("For example: TIG welding, retrofit of CNC controls, pasteurisation."),
    )
    process = forms.ChoiceField(label=_("Process"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=SkillLevel.choices)
    can_repair = forms.BooleanField(label=_("I can repair"), required=False)
    can_teach = forms.BooleanField(label=_("I can teach"), required=False)
    site = forms.ChoiceField(label=_("Based at one of my sites"), required=False)
    commune = forms.CharField(
        label=_("…or in a commune"),
        required=False,
        max_length=MAX_TEXT,
        validators=[validate_single_line],
        help_text=_("A commune or a postal code."),
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=SkillVisibility.choices, initial=SkillVisibility.MEMBERS
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name, this skill, my organisation and my approximate place are "
            "listed as chosen above. I can withdraw this consent at any time."
        ),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
            "organisation_id"
        )
        sites = Site.objects.filter(organisation_id__in=mine).select_related(
            "organisation", "commune"
        )
        set_choices(
            self,
            {
                "process": [("", "—"), *process_choices()],
                "site": [
                    ("", "—"),
                    *((str(s.pk), f"{s.organisation.name} — {s.place_name()}") for s in sites),
                ],
            },
        )

    @staticmethod
    def initial_for(skill: Skill) -> dict[str, Any]:
        return {
            "label": skill.label,
            "process": skill.process.code if skill.process else "",
            "level": skill.level,
            "can_repair": skill.can_repair,
            "can_teach": skill.can_teach,
            "site": str(skill.site_id or ""),
            "commune": skill.commune.name if skill.commune else "",
            "visibility": skill.visibility,
        }

    def to_input(self) -> SkillInput:
        d = self.cleaned_data
        site = Site.objects.filter(pk=int(d["site"])).first() if d["site"] else None
        organisation: Organisation | None = site.organisation if site else None
        return SkillInput(
            label=d["label"],
            process_code=d["process"] or "",
            level=d["level"],
            can_repair=d["can_repair"],
            can_teach=d["can_teach"],
            site_id=int(d["site"]) if d["site"] else None,
            commune="" if d["site"] else d["commune"] or "",
            organisation_slug=organisation.slug if organisation else "",
            visibility=d["visibility"],
            consent=d["consent"],
        )


class SkillSearchForm(forms.Form):
    process = forms.ChoiceField(label=_("Process"), required=False)
    q = forms.CharField(label=_("Words"), required=False, max_length=MAX_TEXT)
    can_repair = forms.BooleanField(label=_("Can repair"), required=False)
    can_teach = forms.BooleanField(label=_("Can teach"), required=False)
    place = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("A commune or a postal code."),
    )
    radius_km = forms.IntegerField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        initial=DEFAULT_RADIUS_KM,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, {"process": [("", _("Any process")), *process_choices()]})

    @staticmethod
    def empty_query() -> SkillQuery:
        return SkillQuery()

    def to_query(self) -> SkillQuery:
        d = self.cleaned_data
        return SkillQuery(
            process=d["process"] or "",
            q=d["q"] or "",
            can_repair=d["can_repair"],
            can_teach=d["can_teach"],
            place=d["place"] or "",
            radius_km=d["radius_km"] or DEFAULT_RADIUS_KM,
        )


class CatalogueFilterForm(forms.Form):
    process = forms.ChoiceField(label=_("Process"), required=False)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=80)
    department = forms.CharField(label=_("Department"), required=False, max_length=3)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ChoiceField(
            label=_("Organisation"),
            required=False,
            choices=[("", _("All organisations")), *organisations],
        )
        set_choices(self, {"process": [("", _("Any process")), *process_choices()]})
