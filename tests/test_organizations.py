"""Organizations: profile rules, scope on every path, masking, staff counts, query budget."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import AuditEvent, Organization, organization_service_regions
from matchmaker.models.enums import Role
from tests import factories
from tests.support import count, gid

CREATE = """
mutation($i: CreateOrganizationInput!) {
  createOrganization(input: $i) {
    organization { id name creditCode grade kind contactPhone version isActive
                   region { name } serviceRegions { name } categories staffCount }
    errors { code field message }
  }
}
"""
UPDATE = """
mutation($i: UpdateOrganizationInput!) {
  updateOrganization(input: $i) {
    organization { name grade description version contactPhone }
    errors { code field }
  }
}
"""
SET_ACTIVE = """
mutation($i: SetOrganizationActiveInput!) {
  setOrganizationActive(input: $i) { organization { isActive } errors { code } }
}
"""
LIST = """
query($region: ID, $category: ServiceCategory, $minGrade: OrganizationGrade,
      $kind: OrganizationKind, $text: String, $inactive: Boolean! = false) {
  organizations(first: 50, regionId: $region, category: $category, minGrade: $minGrade,
                kind: $kind, text: $text, includeInactive: $inactive) {
    edges { node { name } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { ... on Organization { name contactPhone } } }"


def org_input(world: factories.World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "历下区阳光社工服务中心",
        "creditCode": factories.valid_credit_code(11),
        "kind": "REGISTERED",
        "grade": "A4",
        "regionId": gid("Region", world.street_a.id),
        "serviceRegionIds": [
            gid("Region", world.community_a1.id),
            gid("Region", world.community_a2.id),
        ],
        "categories": ["ELDERLY", "FAMILY"],
        "legalRepresentative": "王建国",
        "contactName": "李梅",
        "contactPhone": "13800000001",
        "foundedOn": "2015-06-01",
    }
    data.update(overrides)
    return data


@pytest.fixture
async def world(session):
    return await factories.world(session)


@pytest.fixture
async def bureau(session, settings, world):
    return await factories.account(
        session, settings, role=Role.BUREAU_OFFICER, region=world.street_a
    )


@pytest.fixture
async def admin(session, settings, world):
    return await factories.account(session, settings, role=Role.PLATFORM_ADMIN)


@pytest.fixture
async def staff_a(session, settings, world):
    return await factories.account(
        session, settings, role=Role.COMMUNITY_STAFF, region=world.street_a
    )


# --- create -----------------------------------------------------------------------------------


async def test_bureau_officer_registers_an_organization_in_their_region(
    gql, session, world, bureau
):
    data = await gql(CREATE, {"i": org_input(world)}, token=bureau.token)
    payload = data["createOrganization"]
    assert payload["errors"] == []
    org = payload["organization"]
    assert org["grade"] == "A4"
    assert org["region"]["name"] == "解放路街道"
    assert {r["name"] for r in org["serviceRegions"]} == {"朝山街社区", "新东门社区"}
    assert org["categories"] == ["ELDERLY", "FAMILY"]
    assert org["contactPhone"] == "13800000001"  # the bureau in scope sees it in full
    assert org["staffCount"] == 0 and org["isActive"] and org["version"] == 1
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "organization.create"))
    ).all()
    assert len(events) == 1
    assert events[0].region_path == world.street_a.path
    assert events[0].after["contact_phone"] == "138****0001"  # no plaintext phone in the log


async def test_credit_code_is_normalised_to_upper_case(gql, world, admin):
    code = factories.valid_credit_code(12)
    data = await gql(CREATE, {"i": org_input(world, creditCode=code.lower())}, token=admin.token)
    assert data["createOrganization"]["organization"]["creditCode"] == code


async def test_invalid_credit_code_is_refused_and_nothing_is_written(gql, session, world, admin):
    code = factories.valid_credit_code(13)
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    data = await gql(CREATE, {"i": org_input(world, creditCode=broken)}, token=admin.token)
    assert data["createOrganization"]["errors"][0]["code"] == "INVALID_CREDIT_CODE"
    assert data["createOrganization"]["errors"][0]["field"] == "creditCode"
    assert await count(session, Organization) == 0
    assert await count(session, organization_service_regions) == 0
    actions = set(await session.scalars(select(AuditEvent.action)))
    assert not any(a.startswith("organization.") for a in actions)


async def test_duplicate_credit_code_is_refused(gql, session, world, admin):
    await gql(CREATE, {"i": org_input(world)}, token=admin.token)
    again = org_input(world, name="另一个机构", creditCode=factories.valid_credit_code(11).lower())
    data = await gql(CREATE, {"i": again}, token=admin.token)
    assert data["createOrganization"]["errors"][0]["code"] == "CREDIT_CODE_TAKEN"
    assert await count(session, Organization) == 1


async def test_contact_phone_must_be_a_mobile_number(gql, session, world, admin):
    data = await gql(CREATE, {"i": org_input(world, contactPhone="0531-1234")}, token=admin.token)
    assert data["createOrganization"]["errors"][0]["code"] == "INVALID_PHONE"
    assert await count(session, Organization) == 0


async def test_founding_date_cannot_be_in_the_future(gql, session, world, admin):
    clock.freeze(dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC))
    data = await gql(CREATE, {"i": org_input(world, foundedOn="2026-03-02")}, token=admin.token)
    assert data["createOrganization"]["errors"][0]["field"] == "foundedOn"
    assert await count(session, Organization) == 0


async def test_bureau_officer_cannot_register_an_organization_in_another_street(
    gql, session, world, bureau
):
    data = await gql(
        CREATE,
        {"i": org_input(world, regionId=gid("Region", world.street_b.id))},
        token=bureau.token,
    )
    assert data["createOrganization"]["errors"][0]["code"] == "FORBIDDEN"
    assert await count(session, Organization) == 0


# --- update -----------------------------------------------------------------------------------


async def test_org_admin_edits_their_profile_and_the_version_moves(gql, session, settings, world):
    org = await factories.organization(session, settings, region=world.street_a)
    org_admin = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=org.id
    )
    data = await gql(
        UPDATE,
        {
            "i": {
                "organizationId": gid("Organization", org.id),
                "version": 1,
                "description": "专注为老服务",
                "name": "新名称",
            }
        },
        token=org_admin.token,
    )
    result = data["updateOrganization"]
    assert result["errors"] == []
    assert result["organization"]["description"] == "专注为老服务"
    assert result["organization"]["version"] == 2
    assert result["organization"]["contactPhone"] == "13900000000"  # own admins see it


async def test_stale_version_is_refused_and_nothing_changes(gql, session, settings, world, admin):
    org = await factories.organization(session, settings, region=world.street_a, name="原名称")
    first = {"organizationId": gid("Organization", org.id), "version": 1, "name": "第一次"}
    await gql(UPDATE, {"i": first}, token=admin.token)
    second = {"organizationId": gid("Organization", org.id), "version": 1, "name": "第二次"}
    data = await gql(UPDATE, {"i": second}, token=admin.token)
    assert data["updateOrganization"]["errors"][0]["code"] == "STALE_VERSION"
    org_id = org.id
    session.expire_all()
    assert (await session.get(Organization, org_id)).name == "第一次"


async def test_org_admin_cannot_change_their_own_grade(gql, session, settings, world, bureau):
    org = await factories.organization(session, settings, region=world.street_a, grade=2)
    org_admin = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=org.id
    )
    raise_grade = {"organizationId": gid("Organization", org.id), "version": 1, "grade": "A5"}
    data = await gql(UPDATE, {"i": raise_grade}, token=org_admin.token)
    assert data["updateOrganization"]["errors"] == [{"code": "FORBIDDEN", "field": "grade"}]
    data = await gql(UPDATE, {"i": raise_grade}, token=bureau.token)
    assert data["updateOrganization"]["organization"]["grade"] == "A5"


async def test_service_regions_are_replaced_and_the_version_moves(
    gql, session, settings, world, admin
):
    org = await factories.organization(session, settings, region=world.street_a)
    data = await gql(
        UPDATE.replace("version contactPhone", "version"),
        {
            "i": {
                "organizationId": gid("Organization", org.id),
                "version": 1,
                "serviceRegionIds": [gid("Region", world.community_b1.id)],
            }
        },
        token=admin.token,
    )
    assert data["updateOrganization"]["organization"]["version"] == 2
    rows = await session.execute(select(organization_service_regions.c.region_id))
    assert [r.region_id for r in rows] == [world.community_b1.id]


async def test_deactivated_organizations_leave_the_list_unless_asked_for(
    gql, session, settings, world, bureau
):
    org = await factories.organization(session, settings, region=world.street_a, name="将停用")
    data = await gql(
        SET_ACTIVE,
        {"i": {"organizationId": gid("Organization", org.id), "active": False}},
        token=bureau.token,
    )
    assert data["setOrganizationActive"]["organization"]["isActive"] is False
    listed = await gql(LIST, {}, token=bureau.token)
    assert listed["organizations"]["edges"] == []
    listed = await gql(LIST, {"inactive": True}, token=bureau.token)
    assert [e["node"]["name"] for e in listed["organizations"]["edges"]] == ["将停用"]


# --- list filters -----------------------------------------------------------------------------


async def _names(gql, token, **variables):  # type: ignore[no-untyped-def]
    data = await gql(LIST, variables, token=token)
    return sorted(e["node"]["name"] for e in data["organizations"]["edges"])


async def test_list_filters_by_region_category_grade_kind_and_text(
    gql, session, settings, world, admin
):
    elderly = await factories.organization(
        session,
        settings,
        region=world.community_a1,
        name="阳光为老",
        grade=4,
        categories=["ELDERLY"],
    )
    await factories.organization(
        session,
        settings,
        region=world.street_b,
        name="千佛山青少年",
        grade=1,
        categories=["CHILDREN_YOUTH"],
        kind="FILED",
    )
    token = admin.token
    assert await _names(gql, token, region=gid("Region", world.street_a.id)) == ["阳光为老"]
    assert await _names(gql, token, category="CHILDREN_YOUTH") == ["千佛山青少年"]
    assert await _names(gql, token, minGrade="A3") == ["阳光为老"]
    assert await _names(gql, token, kind="FILED") == ["千佛山青少年"]
    assert await _names(gql, token, text="青少年") == ["千佛山青少年"]
    assert await _names(gql, token, text=elderly.credit_code[-6:].lower()) == ["阳光为老"]


# --- scope ------------------------------------------------------------------------------------


async def test_community_staff_cannot_reach_another_streets_organization(
    gql, session, settings, world, staff_a
):
    org_a = await factories.organization(session, settings, region=world.community_a1, name="甲")
    org_b = await factories.organization(session, settings, region=world.street_b, name="乙")
    assert await _names(gql, staff_a.token) == ["甲"]
    hidden = await gql(NODE, {"id": gid("Organization", org_b.id)}, token=staff_a.token)
    assert hidden["node"] is None
    shown = await gql(NODE, {"id": gid("Organization", org_a.id)}, token=staff_a.token)
    assert shown["node"]["name"] == "甲"
    data = await gql(
        UPDATE,
        {"i": {"organizationId": gid("Organization", org_b.id), "version": 1, "name": "改"}},
        token=staff_a.token,
    )
    assert data["updateOrganization"]["errors"][0]["code"] == "FORBIDDEN"


async def test_bureau_officer_cannot_update_another_streets_organization(
    gql, session, settings, world, bureau
):
    org_b = await factories.organization(session, settings, region=world.street_b, name="乙")
    data = await gql(
        UPDATE,
        {"i": {"organizationId": gid("Organization", org_b.id), "version": 1, "name": "改"}},
        token=bureau.token,
    )
    assert data["updateOrganization"]["errors"][0]["code"] == "NOT_FOUND"
    org_id = org_b.id
    session.expire_all()
    assert (await session.get(Organization, org_id)).name == "乙"


async def test_contact_phone_is_masked_for_community_staff(gql, session, settings, world, staff_a):
    org = await factories.organization(session, settings, region=world.street_a)
    data = await gql(NODE, {"id": gid("Organization", org.id)}, token=staff_a.token)
    assert data["node"]["contactPhone"] == "139****0000"


async def test_grant_holder_sees_their_organization_through_the_grant(
    gql, session, settings, world
):
    org = await factories.organization(session, settings, region=world.street_b, name="乙")
    org_admin = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=org.id
    )
    data = await gql("{ me { grants { organization { name } } } }", token=org_admin.token)
    assert data["me"]["grants"] == [{"organization": {"name": "乙"}}]


async def test_grant_organization_resolves_through_the_viewers_scope(
    session, settings, world, staff_a
):
    """The loader behind ``RoleGrant.organization`` returns nothing outside the caller's scope."""
    from matchmaker.schema.dataloaders.organizations import organization_by_id
    from matchmaker.services.accounts import actor_for_account

    org_a = await factories.organization(session, settings, region=world.street_a)
    org_b = await factories.organization(session, settings, region=world.street_b)

    actor = await actor_for_account(session, staff_a.account.id)
    ctx = SimpleNamespace(service=SimpleNamespace(session=session, actor=actor))
    rows = await organization_by_id(ctx, [org_a.id, org_b.id])  # type: ignore[arg-type]
    assert [r.id if r else None for r in rows] == [org_a.id, None]


async def test_my_organizations_lists_the_callers_organizations(gql, session, settings, world):
    org = await factories.organization(session, settings, region=world.street_b, name="乙")
    await factories.organization(session, settings, region=world.street_b, name="丙")
    org_admin = await factories.account(
        session, settings, role=Role.ORG_ADMIN, organization_id=org.id
    )
    data = await gql("{ myOrganizations { name } }", token=org_admin.token)
    assert data["myOrganizations"] == [{"name": "乙"}]


# --- staff count and query budget -------------------------------------------------------------


async def test_staff_count_counts_active_staff(gql, session, settings, world, admin):
    org = await factories.organization(session, settings, region=world.street_a)
    await factories.social_worker(session, settings, organization_id=org.id)
    _, leaving = await factories.social_worker(session, settings, organization_id=org.id)
    leaving.is_active = False
    await session.commit()
    data = await gql(
        NODE.replace("contactPhone", "staffCount"),
        {"id": gid("Organization", org.id)},
        token=admin.token,
    )
    assert data["node"]["staffCount"] == 1


async def test_a_page_and_a_single_organization_agree_on_region_and_staff_count(
    gql, session, settings, world, admin
):
    """A page fills region and staffCount from its own row; ``node(id:)`` loads them."""
    staffed = await factories.organization(session, settings, region=world.community_a1)
    for _ in range(3):
        await factories.social_worker(session, settings, organization_id=staffed.id)
    _, leaving = await factories.social_worker(session, settings, organization_id=staffed.id)
    leaving.is_active = False
    empty = await factories.organization(session, settings, region=world.street_b)
    await session.commit()
    page = await gql(
        "{ organizations(first: 10) { edges { node { id name region { id name path } "
        "staffCount } } } }",
        token=admin.token,
    )
    listed = {e["node"]["id"]: e["node"] for e in page["organizations"]["edges"]}
    assert listed[gid("Organization", staffed.id)]["staffCount"] == 3
    assert listed[gid("Organization", staffed.id)]["region"]["name"] == world.community_a1.name
    assert listed[gid("Organization", empty.id)]["staffCount"] == 0
    assert listed[gid("Organization", empty.id)]["region"]["path"] == world.street_b.path
    for org in (staffed, empty):
        alone = await gql(
            "query($id: ID!) { node(id: $id) { ... on Organization { id name "
            "region { id name path } staffCount } } }",
            {"id": gid("Organization", org.id)},
            token=admin.token,
        )
        assert alone["node"] == listed[gid("Organization", org.id)]


async def test_region_and_staff_count_selected_through_nested_fragments_are_answered(
    gql, session, settings, world, admin
):
    """The page sees fields selected inside fragments (two levels deep) as asked for."""
    org = await factories.organization(session, settings, region=world.street_a)
    await factories.social_worker(session, settings, organization_id=org.id)
    await session.commit()
    data = await gql(
        """
        fragment Deep on Organization { region { name } staffCount }
        fragment Edge on OrganizationEdge { node { name ...Deep } }
        { organizations(first: 5) { edges { ...Edge } } }
        """,
        token=admin.token,
    )
    [edge] = data["organizations"]["edges"]
    assert edge["node"]["region"]["name"] == world.street_a.name
    assert edge["node"]["staffCount"] == 1


BUDGET_QUERY = """
query($n: Int!) {
  organizations(first: $n) {
    edges { node { name region { name } staffCount serviceRegions { name } } }
  }
}
"""


async def test_organization_list_makes_the_same_number_of_queries_for_10_and_50(
    gql, session, settings, statements, world, admin
):
    for i in range(50):
        org = await factories.organization(
            session, settings, region=world.community_a1 if i % 2 else world.street_b
        )
        if i % 5 == 0:
            await factories.social_worker(session, settings, organization_id=org.id)
    await session.execute(
        organization_service_regions.insert(),
        [
            {"organization_id": o, "region_id": world.community_a2.id}
            for o in await session.scalars(select(Organization.id))
        ],
    )
    await session.commit()

    async def run(n: int) -> None:
        data = await gql(BUDGET_QUERY, {"n": n}, token=admin.token)
        edges = data["organizations"]["edges"]
        assert len(edges) == n
        assert all(e["node"]["serviceRegions"] == [{"name": "新东门社区"}] for e in edges)

    ten, fifty = await statements.at(run, 10, 50)
    assert ten == fifty
    assert fifty <= 8, statements.last


@pytest.mark.postgres_only
async def test_a_registration_that_loses_a_race_for_a_credit_code_gets_credit_code_taken(
    session, session_factory, settings, monkeypatch
):
    """The competitor commits between this registration's duplicate check and its insert."""
    from matchmaker.models.enums import OrganizationKind
    from matchmaker.services import organizations as org_service
    from matchmaker.services.authz import Actor, Grant
    from matchmaker.services.context import ServiceContext
    from matchmaker.services.errors import DomainError

    world = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    actor = Actor(account_id=admin.account.id, grants=(Grant(role=Role.PLATFORM_ADMIN),))
    region_id = world.street_a.id
    code = factories.valid_credit_code(21)
    check = org_service._credit_code

    async def register(own: object) -> object:
        return await org_service.create_organization(
            ServiceContext(own, actor, settings),  # type: ignore[arg-type]
            name="机构",
            credit_code=code,
            kind=OrganizationKind.REGISTERED,
            region_id=region_id,
            legal_representative="王建国",
            contact_name="李梅",
            contact_phone="13800000001",
        )

    async def competitor_commits_after_the_check(own_session, value, **kwargs):  # type: ignore[no-untyped-def]
        checked = await check(own_session, value, **kwargs)
        monkeypatch.setattr(org_service, "_credit_code", check)
        async with session_factory() as other:
            await register(other)
            await other.commit()
        return checked

    monkeypatch.setattr(org_service, "_credit_code", competitor_commits_after_the_check)
    async with session_factory() as mine:
        with pytest.raises(DomainError) as refused:
            await register(mine)
        await mine.rollback()
    assert refused.value.code == "CREDIT_CODE_TAKEN"
    assert await count(session, Organization) == 1


STAFF_BUDGET = """
query($n: Int!) {
  organizations(first: $n) {
    edges { node { name staff { name homeRegion { name } organizations { name } } } }
  }
}
"""


async def test_staff_lists_make_the_same_number_of_queries_for_10_and_50_organizations(
    gql, session, settings, statements, world, admin
):
    for _ in range(50):
        org = await factories.organization(session, settings, region=world.street_a)
        await factories.social_worker(
            session, settings, organization_id=org.id, home=world.community_a1
        )

    async def run(n: int) -> None:
        data = await gql(STAFF_BUDGET, {"n": n}, token=admin.token)
        assert all(len(e["node"]["staff"]) == 1 for e in data["organizations"]["edges"])

    ten, fifty = await statements.at(run, 10, 50)
    assert ten == fifty
    assert fifty <= 8, statements.last
