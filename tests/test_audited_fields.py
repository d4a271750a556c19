"""Each audited model says beside its columns which ones an audit snapshot records
(``AUDITED``) and which it leaves out (``NOT_AUDITED``: ids, timestamps, secrets, derived
values); a new column must be put in one of the two, or this test fails."""

from __future__ import annotations

import pytest

from matchmaker.db.base import Base

AUDITED_MODELS = sorted(
    (m.class_ for m in Base.registry.mappers if "AUDITED" in vars(m.class_)),
    key=lambda c: c.__name__,
)


def test_the_audited_models_are_found():
    names = {c.__name__ for c in AUDITED_MODELS}
    assert {"Account", "Project", "Signup", "ServiceRecord", "Volunteer"} <= names


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda c: c.__name__)
def test_every_column_is_audited_or_explicitly_left_out(model):
    columns = {c.key for c in model.__mapper__.column_attrs}
    audited, left_out = set(model.AUDITED), set(model.NOT_AUDITED)
    assert not audited & left_out, f"both audited and left out: {sorted(audited & left_out)}"
    assert columns - audited - left_out == set(), "columns in neither list"
    assert (audited | left_out) - columns == set(), "names that are not columns"
    assert len(model.AUDITED) == len(audited), "a column audited twice"
