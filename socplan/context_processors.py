from workshops.access import Perm


def workshop_access(request) -> dict:
    """The caller's role and rights in the workshop of the page, for menus and buttons."""
    access = getattr(request, "access", None)
    if access is None:
        return {}
    return {"access": access, "can": {perm.value: access.can(perm) for perm in Perm}}
