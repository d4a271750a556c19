from __future__ import annotations

from matchmaker.models.enums import Role
from tests import factories


async def test_health_endpoints_answer(http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    metrics = await http.get("/metrics")
    assert "matchmaker_http_requests_total" in metrics.text


async def test_me_is_null_without_login_and_the_account_with_a_token(gql, session, settings):
    assert (await gql("{ me { displayName } }"))["me"] is None
    login = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    data = await gql("{ me { displayName grants { role } } }", token=login.token)
    assert data["me"]["displayName"] == login.account.display_name
    assert data["me"]["grants"] == [{"role": "PLATFORM_ADMIN"}]
