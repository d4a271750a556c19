"""Matrix cases for volunteer matching and the model store (docs/matching.md).

Built on the volunteering matrix world: side A (street A / organization A, the env volunteer)
is in scope, side B is not. Each side gets an upcoming project shift next to its community
shift, and an invitation of its volunteer to its community shift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from matchmaker import clock
from matchmaker.models import MatchingModel, Shift, VolunteerInvitation
from matchmaker.models.enums import Role
from matchmaker.models.matching import MatchingModelStatus, VolunteerInvitationStatus
from tests.matrix import ROLES, MatrixEnv, Outcome, case
from tests.matrix_cases.volunteering import Side, _ids, _mutation, _query
from tests.matrix_cases.volunteering import setup as volunteering_setup
from tests.volunteering_helpers import gid

H = dt.timedelta(hours=1)
ORGANIZERS = [Role.COMMUNITY_STAFF, Role.SOCIAL_WORKER]
VFS = "VOLUNTEERS_FOR_SHIFT"


@dataclass
class MatchSide:
    side: Side
    project_future: Shift
    invite_shift: Shift
    invitation: VolunteerInvitation


async def setup(env: MatrixEnv) -> tuple[MatchSide, MatchSide]:
    a, b = await volunteering_setup(env)
    s = env.session
    now = clock.now()
    sides = []
    for side in (a, b):

        def shift(activity_id: int, hours: int) -> Shift:
            return Shift(
                activity_id=activity_id,
                starts_at=now + hours * H,
                ends_at=now + (hours + 2) * H,
                capacity=5,
                confirmed_count=0,
                waitlist_seq=0,
                secret=b"0123456789abcdefghij",
            )

        project_future = shift(side.project_activity.id, 60)
        invite_shift = shift(side.activity.id, 80)
        s.add_all([project_future, invite_shift])
        await s.flush()
        invitation = VolunteerInvitation(
            shift_id=invite_shift.id,
            volunteer_id=side.volunteer.id,
            invited_by_account_id=side.activity.created_by_account_id,
            status=VolunteerInvitationStatus.PENDING,
        )
        s.add(invitation)
        await s.flush()
        sides.append(MatchSide(side, project_future, invite_shift, invitation))
    await s.commit()
    return sides[0], sides[1]


def _shift_for(role: Any, m: MatchSide) -> Shift:
    """The upcoming shift the role organizes on that side."""
    return m.project_future if role is Role.SOCIAL_WORKER else m.side.future


# --- organizer queries -------------------------------------------------------------------------


def _recommended(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        data = await _query(
            env,
            role,
            "query($s: ID!) { recommendedVolunteers(shiftId: $s, first: 10) { "
            "items { volunteer { id } } } }",
            {"s": gid("Shift", _shift_for(role, a if in_scope else b).id)},
        )
        return Outcome(allowed=data is not None, detail=data)

    return run


case("recommendedVolunteers", ORGANIZERS, allowed=True, name="own_shift")(_recommended(True))
case("recommendedVolunteers", ROLES, allowed=False, name="other_side_or_no_role")(
    _recommended(False)
)


def _shift_invitations(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        m = a if in_scope else b
        shift = m.project_future if role is Role.SOCIAL_WORKER else m.invite_shift
        if role is Role.SOCIAL_WORKER:
            m.invitation.shift_id = shift.id
            await env.session.commit()
        data = await _query(
            env,
            role,
            "query($s: ID!) { shiftInvitations(shiftId: $s, first: 10) { edges { node { id } } } }",
            {"s": gid("Shift", shift.id)},
        )
        if data is None:
            return Outcome(allowed=False)
        return Outcome(
            allowed=gid("VolunteerInvitation", m.invitation.id) in _ids(data["shiftInvitations"])
        )

    return run


case("shiftInvitations", ORGANIZERS, allowed=True, name="own_shift")(_shift_invitations(True))
case("shiftInvitations", ROLES, allowed=False, name="other_side_or_no_role")(
    _shift_invitations(False)
)


def _invite(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        # The env volunteer lives in side A's community: invitable to side A's shifts.
        return await _mutation(
            env,
            role,
            "inviteVolunteers",
            "InviteVolunteersInput",
            {
                "shiftId": gid("Shift", _shift_for(role, a if in_scope else b).id),
                "volunteerIds": [gid("Volunteer", a.side.volunteer.id)],
            },
        )

    return run


case("inviteVolunteers", ORGANIZERS, allowed=True, name="own_shift")(_invite(True))
case("inviteVolunteers", ROLES, allowed=False, name="other_side_or_no_role")(_invite(False))


# --- volunteer queries and answers ------------------------------------------------------------


def _feed(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        m = a if in_scope else b
        data = await _query(
            env,
            role,
            "{ recommendedShifts(first: 50) { items { shift { id } } } }",
            {},
        )
        if data is None:
            return Outcome(allowed=False)
        shown = {i["shift"]["id"] for i in data["recommendedShifts"]["items"]}
        return Outcome(allowed=gid("Shift", m.project_future.id) in shown, detail=shown)

    return run


case("recommendedShifts", [Role.VOLUNTEER], allowed=True, name="nearby_shift")(_feed(True))
case("recommendedShifts", ROLES, allowed=False, name="other_street_not_in_feed")(_feed(False))


def _my_invitations(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        m = a if in_scope else b
        data = await _query(
            env, role, "{ myVolunteerInvitations(first: 10) { edges { node { id } } } }", {}
        )
        if data is None:
            return Outcome(allowed=False)
        return Outcome(
            allowed=gid("VolunteerInvitation", m.invitation.id)
            in _ids(data["myVolunteerInvitations"])
        )

    return run


case("myVolunteerInvitations", [Role.VOLUNTEER], allowed=True, name="own")(_my_invitations(True))
case("myVolunteerInvitations", ROLES, allowed=False, name="others_hidden")(_my_invitations(False))


def _respond(in_scope: bool):
    async def run(env: MatrixEnv, role):
        a, b = await setup(env)
        m = a if in_scope else b
        return await _mutation(
            env,
            role,
            "respondToVolunteerInvitation",
            "RespondToVolunteerInvitationInput",
            {"invitationId": gid("VolunteerInvitation", m.invitation.id), "accept": False},
        )

    return run


case("respondToVolunteerInvitation", [Role.VOLUNTEER], allowed=True, name="own")(_respond(True))
case("respondToVolunteerInvitation", ROLES, allowed=False, name="someone_elses")(_respond(False))


# --- the model store (platform admins) --------------------------------------------------------


async def _models(env: MatrixEnv) -> tuple[MatchingModel, MatchingModel, MatchingModel]:
    """v1 promoted then retired, v2 active, v3 a candidate."""
    now = clock.now()

    def model(n: int, status: MatchingModelStatus, promoted: bool) -> MatchingModel:
        return MatchingModel(
            direction=VFS,
            version=f"{VFS}-v{n}",
            kind="logistic",
            status=status,
            artifact={},
            metrics={"model": {"ndcg@10": 0.5, "recall@10": 0.5}},
            fingerprint=f"fp{n}",
            n_rows=100,
            n_groups=10,
            trained_at=now - (4 - n) * H,
            promoted_at=now - (4 - n) * H if promoted else None,
        )

    rows = (
        model(1, MatchingModelStatus.RETIRED, True),
        model(2, MatchingModelStatus.ACTIVE, True),
        model(3, MatchingModelStatus.CANDIDATE, False),
    )
    env.session.add_all(rows)
    await env.session.commit()
    return rows


ADMIN = [Role.PLATFORM_ADMIN]
NOT_ADMIN = [r for r in ROLES if r is not Role.PLATFORM_ADMIN]


async def _models_query(env: MatrixEnv, role):
    _, _, candidate = await _models(env)
    data = await _query(
        env, role, "{ matchingModels(first: 10) { edges { node { id version } } } }", {}
    )
    if data is None:
        return Outcome(allowed=False)
    return Outcome(allowed=gid("MatchingModel", candidate.id) in _ids(data["matchingModels"]))


case("matchingModels", ADMIN, allowed=True)(_models_query)
case("matchingModels", NOT_ADMIN, allowed=False, name="not_an_admin")(_models_query)


async def _train(env: MatrixEnv, role):
    return await _mutation(
        env, role, "trainMatchingModels", "TrainMatchingModelsInput", {"direction": VFS}
    )


case("trainMatchingModels", ADMIN, allowed=True)(_train)
case("trainMatchingModels", NOT_ADMIN, allowed=False, name="not_an_admin")(_train)


async def _promote(env: MatrixEnv, role):
    _, _, candidate = await _models(env)
    return await _mutation(
        env,
        role,
        "promoteMatchingModel",
        "PromoteMatchingModelInput",
        {"modelId": gid("MatchingModel", candidate.id)},
    )


case("promoteMatchingModel", ADMIN, allowed=True)(_promote)
case("promoteMatchingModel", NOT_ADMIN, allowed=False, name="not_an_admin")(_promote)


async def _rollback(env: MatrixEnv, role):
    await _models(env)
    return await _mutation(
        env, role, "rollbackMatchingModel", "RollbackMatchingModelInput", {"direction": VFS}
    )


case("rollbackMatchingModel", ADMIN, allowed=True)(_rollback)
case("rollbackMatchingModel", NOT_ADMIN, allowed=False, name="not_an_admin")(_rollback)
