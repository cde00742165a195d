"""A row of the access matrix (tests/test_access_policy.py): a workshop URL and its right."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from tests.conftest import Cast
from workshops.access import Perm


@dataclass(frozen=True)
class Route:
    """A workshop URL, the right it needs and what a caller with that right gets."""

    name: str
    perm: Perm
    method: str = "get"
    ok: int = 200
    kwargs: Callable[[Cast], dict] = field(default=lambda cast: {})
    data: Callable[[Cast], dict] = field(default=lambda cast: {})

    def url(self, cast: Cast) -> str:
        return reverse(self.name, kwargs={"code": cast.workshop.code, **self.kwargs(cast)})
