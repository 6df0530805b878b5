"""The one access rule every service applies (apoyo_common.roles)."""

import pytest

from apoyo_common.codes import Role
from apoyo_common.roles import institute_in, may_act_for
from apoyo_common.tokens import Principal

P, A = "gub-son-2027", "asp-01"


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (Principal(Role.OPLE, "o"), True),
        (Principal(Role.OPLE, "o", P), True),
        (Principal(Role.OPLE, "o", "otro"), False),
        (Principal(Role.ASPIRANT, "a", P, A), True),
        (Principal(Role.ASPIRANT, "a", P, "asp-02"), False),
        (Principal(Role.ASPIRANT, "a", "otro", A), False),
        (Principal(Role.ASPIRANT, "a", None, A), False),  # an unbound aspirant reaches nothing
        (Principal(Role.AUXILIARY, "x", P, A), False),
        (Principal(Role.CITIZEN, "c", P, A), False),
    ],
)
def test_who_may_act_for_an_aspirant(principal: Principal, expected: bool) -> None:
    assert may_act_for(principal, P, A) is expected


def test_only_the_institute_within_its_process_is_the_institute() -> None:
    assert institute_in(Principal(Role.OPLE, "o"), P)
    assert not institute_in(Principal(Role.OPLE, "o", "otro"), P)
    assert not institute_in(Principal(Role.ASPIRANT, "a", P, A), P)
