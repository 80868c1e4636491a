"""Recording a build: what was made, when, how it differs from the design, and its photos."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.dates import local_today
from maillage.designs.actions.builds import BuildInput
from maillage.designs.models import Build
from maillage.directory.models import Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once; their type and size are checked by the action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class BuildForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Built by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    built_on = forms.DateField(
        label=_("Built on"), widget=forms.DateInput(attrs={"type": "date"}), initial=local_today
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    variations = forms.CharField(
        label=_("Variations and adaptations"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What you changed from the design, and why: the next builder learns from it."),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Unticked: only your organisation's members see this build."),
    )
    photos = MultiplePhotoField(
        label=_("Photos"), required=False, help_text=_("JPEG, PNG or WebP, 5 MB each at most.")
    )
    caption = forms.CharField(label=_("Caption of the photos"), max_length=200, required=False)

    def __init__(
        self, *args: Any, organisations: Any = None, build: Build | None = None, **kwargs: Any
    ) -> None:
        if build is not None:
            kwargs.setdefault(
                "initial",
                {
                    "organisation": build.organisation_id,
                    "title": build.title,
                    "built_on": build.built_on,
                    "description": build.description,
                    "variations": build.variations,
                    "is_public": build.is_public,
                },
            )
        super().__init__(*args, **kwargs)
        if build is not None:
            del self.fields["organisation"]
        elif organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def to_input(self) -> BuildInput:
        data = self.cleaned_data
        return BuildInput(
            title=data["title"],
            built_on=data["built_on"],
            description=data.get("description", ""),
            variations=data.get("variations", ""),
            is_public=bool(data.get("is_public")),
        )
