"""Forms of the system of care map: the filters of the picture, a node, a link.

The choices of systems and nodes come from the ``MapData`` the page already loaded, so that
showing the forms costs no query; the link form checks the nodes it is given against the
database when it is posted.
"""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from assessments import maps
from assessments.maps import MapData, MapSystem, Only
from assessments.models import MapLink, MapNode, Proposal
from workshops.models import Workshop

LABEL_LIMIT = MapNode._meta.get_field("label").max_length


def only_choices() -> list[tuple[str, str]]:
    return [
        (Only.ALL.value, gettext("Everything")),
        (Only.GAPS.value, gettext("Only gaps")),
        (Only.BROKEN.value, gettext("Only broken or missing links")),
    ]


class MapFilterForm(forms.Form):
    """What the picture shows: one system or all, everything or only the gaps or broken links."""

    system = forms.TypedChoiceField(
        label=gettext_lazy("System"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    only = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, systems: list[MapSystem], **kwargs):
        super().__init__(data, auto_id="map-filter-%s", **kwargs)
        self.fields["system"].choices = [("", gettext("All systems"))] + [
            (s.id, s.name) for s in systems
        ]
        self.fields["only"].choices = only_choices()

    def chosen(self) -> tuple[int | None, Only]:
        """The valid filters (an invalid one is dropped, the other kept)."""
        if not self.is_bound:
            return None, Only.ALL
        self.is_valid()
        data = self.cleaned_data
        return data.get("system"), Only(data.get("only") or Only.ALL)


class NodeForm(forms.ModelForm):
    """A service, agency or support, added, suggested or changed."""

    class Meta:
        model = MapNode
        fields = ["label", "system", "kind", "status", "provider", "description"]
        labels = {
            "label": gettext_lazy("Name"),
            "system": gettext_lazy("System"),
            "kind": gettext_lazy("Kind"),
            "status": gettext_lazy("Status"),
            "provider": gettext_lazy("Provided by"),
            "description": gettext_lazy("Short description"),
        }
        help_texts = {
            "label": gettext_lazy("A short name: it is shown on the map."),
            "status": gettext_lazy(
                "Strength (green), concern (yellow dot) or gap (red dot): what the room thinks."
            ),
        }
        error_messages = {
            "label": {
                "required": gettext_lazy("Give it a name."),
                "max_length": gettext_lazy(
                    "Keep the name to %(limit_value)d characters (it has %(show_value)d): "
                    "put the rest in the description."
                ),
            },
            "system": {
                "required": gettext_lazy("Choose the system it belongs to."),
                "invalid_choice": gettext_lazy("Choose one of the systems of the list."),
            },
            "description": {
                "max_length": gettext_lazy(
                    "Keep the description to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "provider": {
                "max_length": gettext_lazy(
                    "Keep this to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, systems: list[MapSystem], prefix_id: str = "node", **kwargs):
        super().__init__(*args, auto_id=f"{prefix_id}-%s", **kwargs)
        self.fields["system"].choices = [("", gettext("Choose a system"))] + [
            (s.id, s.name) for s in systems
        ]
        self.fields["label"].widget.attrs["autocomplete"] = "off"
        self.fields["provider"].widget.attrs["autocomplete"] = "off"


NodeChoices = list[tuple[str, list[tuple[int, str]]]]


def node_choices(data: MapData, extra: list[MapNode] = ()) -> NodeChoices:
    """The nodes on the map grouped by system (in the map's order), with ``extra`` ones
    (the person's own suggestions) in their systems too."""
    by_system: dict[int, list[tuple[int, str]]] = {}
    for node in data.nodes:
        by_system.setdefault(node.system_id, []).append((node.id, node.label))
    for node in extra:
        label = gettext("%(label)s (suggested)") % {"label": node.label}
        by_system.setdefault(node.system_id, []).append((node.pk, label))
    return [
        (system.name, sorted(by_system[system.id], key=lambda choice: choice[1].lower()))
        for system in data.systems
        if system.id in by_system
    ]


class LinkForm(forms.Form):
    """A link between two nodes of the map; ``cleaned_data`` holds the two ``MapNode``s."""

    source = forms.TypedChoiceField(label=gettext_lazy("From"), coerce=int)
    target = forms.TypedChoiceField(label=gettext_lazy("To"), coerce=int)
    strength = forms.ChoiceField(
        label=gettext_lazy("Strength of the link"),
        choices=MapLink.Strength.choices,
        initial=MapLink.Strength.MODERATE,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=MapLink._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": gettext_lazy(
                "Keep the note to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )

    def __init__(
        self,
        data=None,
        *,
        workshop: Workshop,
        choices: NodeChoices,
        link: MapLink | None = None,
        prefix_id: str = "link",
        **kwargs,
    ):
        if link is not None:
            kwargs.setdefault(
                "initial",
                {
                    "source": link.source_id,
                    "target": link.target_id,
                    "strength": link.strength,
                    "note": link.note,
                },
            )
        super().__init__(data, auto_id=f"{prefix_id}-%s", **kwargs)
        self.workshop = workshop
        self.link = link
        if link is not None:
            choices = with_ends(choices, link)
        self.enough_nodes = sum(len(group) for _, group in choices) >= 2
        messages = {
            "required": gettext("Choose a node."),
            "invalid_choice": gettext("Choose a node of this map from the list."),
        }
        for name in ("source", "target"):
            field = self.fields[name]
            field.choices = [("", gettext("Choose a node")), *choices]
            field.error_messages.update(messages)
            if link is None:  # static/js/map.js keeps the list of a new link up to date
                field.widget.attrs["data-map-nodes"] = ""

    def clean(self) -> dict:
        data = super().clean()
        ids = [data.get("source"), data.get("target")]
        if None in ids:
            return data
        nodes = {
            node.pk: node
            for node in self.workshop.map_nodes.exclude(proposal=Proposal.DISMISSED).filter(
                pk__in=ids
            )
        }
        if len(nodes) < len(set(ids)):  # removed or dismissed since the page was loaded
            self.add_error("target", gettext("One of these nodes is no longer on the map."))
            return data
        data["source"], data["target"] = nodes[ids[0]], nodes[ids[1]]
        problem = maps.link_problem(
            self.workshop, data["source"], data["target"], exclude=self.link and self.link.pk
        )
        if problem:
            self.add_error("target", problem)
        return data


def with_ends(choices: NodeChoices, link: MapLink) -> NodeChoices:
    """The choices with the link's own ends, so that editing a link never drops one."""
    present = {pk for _, group in choices for pk, _ in group}
    missing = [node for node in (link.source, link.target) if node.pk not in present]
    if not missing:
        return choices
    return [*choices, (gettext("Not on the map yet"), [(n.pk, n.label) for n in missing])]
