"""The import form: an OKH manifest as a file or as a public address, for one organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.designs.fetch import MAX_BYTES
from maillage.directory.models import Organisation


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Published by"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Manifest file (okh.toml)"),
        required=False,
        help_text=_("An Open Know-How manifest in TOML, at most 1 MB."),
    )
    url = forms.URLField(
        label=_("or its address"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_("A public http or https address, e.g. the raw okh.toml of a repository."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The manifest is larger than 1 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_file, has_url = bool(data.get("file")), bool(data.get("url"))
        if has_file == has_url and not self.errors:
            raise forms.ValidationError(_("Give either a manifest file or its address."))
        return data
