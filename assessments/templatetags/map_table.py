"""The map as tables (its text equivalent): ``{% with table=map|map_table %}``, and the
places to look (``whole|map_places``).

A filter rather than view code so that every page that shows the board (the map page, the live
session) gets the same tables from the ``MapData`` it already has.
"""

from dataclasses import dataclass

from django import template

from assessments.maps import Link, MapData, MapSystem, Node
from assessments.models import MapLink, MapNode

register = template.Library()


@dataclass(frozen=True)
class NodeRow:
    node: Node
    kind: str
    status: str


@dataclass(frozen=True)
class SystemGroup:
    system: MapSystem
    rows: list[NodeRow]


@dataclass(frozen=True)
class LinkRow:
    link: Link
    source: Node
    target: Node
    source_system: str
    target_system: str
    strength: str


@dataclass(frozen=True)
class MapTable:
    groups: list[SystemGroup]
    empty_systems: list[MapSystem]  # systems with nothing on the map (of those shown)
    links: list[LinkRow]


def label_of(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def map_table(data: MapData) -> MapTable:
    rows: dict[int, list[NodeRow]] = {}
    for node in data.nodes:
        row = NodeRow(
            node, label_of(MapNode.Kind, node.kind), label_of(MapNode.Status, node.status)
        )
        rows.setdefault(node.system_id, []).append(row)
    groups = [
        SystemGroup(system, sorted(rows[system.id], key=lambda r: r.node.label.lower()))
        for system in data.systems
        if system.id in rows
    ]
    nodes = data.node_by_id
    systems = data.system_by_id
    links = []
    for link in data.links:
        source, target = nodes.get(link.source_id), nodes.get(link.target_id)
        if source is None or target is None:
            continue
        links.append(
            LinkRow(
                link,
                source,
                target,
                systems[source.system_id].name if source.system_id in systems else "",
                systems[target.system_id].name if target.system_id in systems else "",
                label_of(MapLink.Strength, link.strength),
            )
        )
    order = {system.id: index for index, system in enumerate(data.systems)}
    links.sort(
        key=lambda row: (
            order.get(row.source.system_id, 0),
            row.source.label.lower(),
            order.get(row.target.system_id, 0),
            row.target.label.lower(),
        )
    )
    return MapTable(
        groups=groups,
        empty_systems=[s for s in data.systems if s.id not in rows],
        links=links,
    )


@register.filter
def map_places(data: MapData) -> list[MapSystem]:
    """The systems the survey rated weakest: places to look for gaps."""
    return [system for system in data.systems if system.highlighted]
