"""Forms of the action plan. Shared here: where the cursor goes when a form is shown."""


def focus_first(form, request, *, new_form: bool = True, skip: tuple[str, ...] = ()) -> None:
    """Put the cursor in the first field with an error of a form sent back, or (``new_form``)
    in the first field of a form just opened; never in a field named in ``skip``."""
    if request.method == "POST":
        names = [name for name in form.fields if name in form.errors and name not in skip]
    elif new_form:
        names = [name for name in form.fields if name not in skip][:1]
    else:
        names = []
    if names:
        form.fields[names[0]].widget.attrs["autofocus"] = True
