"""A need's criteria keep one name from the API body and forms to the database and the engine."""

import dataclasses

from maillage.matching.api import NeedIn
from maillage.matching.convert import CRITERIA, NeedInput
from maillage.matching.models import Need


def test_every_criterion_is_named_alike_in_the_api_body_the_input_and_the_record() -> None:
    input_fields = {f.name for f in dataclasses.fields(NeedInput)}
    model_fields = {f.name for f in Need._meta.get_fields()}
    for name in CRITERIA:
        assert name in NeedIn.model_fields, name
        assert name in input_fields, name
        assert name in model_fields, name
