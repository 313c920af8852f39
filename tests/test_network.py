"""The cooperation links on the fixture (alpha, beta, gamma; one link alpha -> beta, data
sharing, 2023) and on small tables by hand: node sizes, links, stand-alone mappings, the
arc diagram's deterministic order and its figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbdash.analysis import coverage, network
from cbdash.present import network_chart


@pytest.fixture(scope="module")
def nodes(inventory):
    cov = coverage.coverage_table(inventory.mappings, inventory.country_groups)
    return network.node_table(inventory.mappings, cov, inventory.projects)


def test_node_table_counts_countries_and_projects(nodes):
    got = nodes.set_index("id")[["countries", "countries_from", "projects"]]
    assert got.to_dict("index") == {
        "alpha": {"countries": 5, "countries_from": "derived", "projects": 2},  # p1, p3
        "beta": {"countries": 2, "countries_from": "derived", "projects": 2},  # p1, p4
        "gamma": {"countries": 3, "countries_from": "derived", "projects": 1},  # p2
    }


def test_node_table_falls_back_to_the_stated_count(inventory):
    no_coverage = pd.DataFrame({"mapping_id": pd.Series(dtype=str), "iso3": pd.Series(dtype=str)})
    mappings = inventory.mappings.assign(countries_stated=[None, 2, None])
    got = network.node_table(mappings, no_coverage, inventory.projects)
    assert got.set_index("id")["countries"].to_dict() == {"alpha": 0, "beta": 2, "gamma": 0}
    assert list(got["countries_from"]) == ["unknown", "stated", "unknown"]


@pytest.mark.parametrize(
    ("ids", "kinds", "expected"),
    [
        (["alpha", "beta", "gamma"], None, ["alpha-beta"]),
        (["alpha", "beta"], ["data_sharing"], ["alpha-beta"]),
        (["alpha", "beta"], ["cross_listing"], []),
        (["alpha", "gamma"], None, []),  # beta filtered out: the link is not among these
    ],
)
def test_links_among(inventory, ids, kinds, expected):
    assert list(network.links_among(inventory.cooperation, ids, kinds)["link_id"]) == expected


def test_standalone_lists_mappings_without_a_link(inventory):
    alone = network.standalone(inventory.mappings, inventory.cooperation)
    assert list(alone["id"]) == ["gamma"]


def _nodes(*rows: tuple[str, str]) -> pd.DataFrame:
    """Nodes (id, name, kind, countries) by hand; the name is the id in capitals."""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "name": [r[0].upper() for r in rows],
            "kind": [r[1] for r in rows],
            "countries": [len(r[0]) for r in rows],
        }
    )


def _links(*pairs: tuple[str, str], kind: str = "data_sharing") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": [f"{a}-{b}" for a, b in pairs],
            "mapping_a": [a for a, _ in pairs],
            "mapping_b": [b for _, b in pairs],
            "kind": kind,
            "year": pd.array([2020] * len(pairs), dtype="Int64"),
        }
    )


HAND_NODES = _nodes(("a", "portal"), ("b", "index"), ("c", "index"), ("d", "portal"), ("e", "x"))
# a: 1 link, b: 3 (the hub), c: 1, d: 1; e has none
HAND_LINKS = _links(("b", "a"), ("c", "b"), ("b", "d"))


def test_arc_order_puts_the_hub_first_and_groups_kinds():
    order = network.arc_order(HAND_NODES, HAND_LINKS)
    # index holds the hub (b, 3 links), so it comes first; then portals a and d (1 each)
    assert list(order["id"]) == ["b", "c", "a", "d"]
    assert list(order["row"]) == [0, 1, 2, 3]
    assert list(order["links"]) == [3, 1, 1, 1]
    assert "e" not in set(order["id"])  # no link: not drawn


def test_arc_order_is_order_free_and_keeps_the_most_linked():
    shuffled = network.arc_order(HAND_NODES.iloc[::-1], HAND_LINKS.iloc[::-1])
    pd.testing.assert_frame_equal(shuffled, network.arc_order(HAND_NODES, HAND_LINKS))
    two = network.arc_order(HAND_NODES, HAND_LINKS, max_nodes=2)
    assert list(two["id"]) == ["b", "a"]  # the hub, then the first by name of those tied


def test_arc_order_of_the_fixture(nodes, inventory):
    order = network.arc_order(nodes, inventory.cooperation)
    assert list(order["id"]) == ["alpha", "beta"]  # one link each: kinds by id
    assert network.arc_order(nodes, inventory.cooperation.iloc[:0]).empty


def _arcs(nodes=HAND_NODES, links=HAND_LINKS, **kwargs):
    order = network.arc_order(nodes, links)
    labels = {m: f"{m} label" for m in nodes["id"]}
    return network_chart.arc_diagram(nodes, order, links, labels=labels, **kwargs), order


def _decoded(values) -> np.ndarray:
    """A trace array as numbers, whether kept as a typed array or a list."""
    if isinstance(values, dict):
        import base64

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def _node_traces(fig) -> list:
    return [t for t in fig.data if t.mode == "markers" and t.marker.symbol != "arrow"]


def test_arc_diagram_labels_every_linked_mapping_once_left_of_its_node():
    fig, order = _arcs()
    notes = fig.layout.annotations
    assert [a.text for a in notes] == [f"{m} label" for m in order["id"]]
    assert [a.hovertext for a in notes] == [m.upper() for m in order["id"]]  # full names
    assert [a.y for a in notes] == [-r for r in order["row"]]  # one row each
    assert all(a.x == 0 and a.xanchor == "right" and a.xshift < 0 for a in notes)
    nodes = _node_traces(fig)
    assert sorted(t.name for t in nodes) == ["index", "portal"]  # one trace per kind
    colours = {t.name: t.marker.color for t in nodes}
    assert colours["index"] != colours["portal"]
    assert fig.layout.height == int(60 + 4 * network_chart.ROW_PX)


def test_arc_diagram_arcs_run_from_a_to_b_with_an_arrow_at_the_bend():
    fig, order = _arcs()
    y = dict(zip(order["id"], -order["row"], strict=True))
    line, arrows = fig.data[0], fig.data[1]
    assert line.mode == "lines" and arrows.marker.symbol == "arrow"
    xs, ys = _decoded(line.x), _decoded(line.y)
    assert np.isnan(xs).sum() == len(HAND_LINKS)  # one break after each arc
    first = slice(0, 21)  # b -> a, the first link
    assert ys[first][0] == y["b"] and ys[first][-1] == y["a"]
    assert xs[first].min() == 0 and xs[first].max() > 0  # to the right of the nodes
    # b (row 0) -> a (row 2) runs down: its arrow points down (180); c -> b up (0)
    assert list(_decoded(arrows.marker.angle)) == [180.0, 0.0, 180.0]
    assert "B → A" in arrows.hovertext[0] and "2020" in arrows.hovertext[0]


def test_arc_diagram_says_year_unknown_and_escapes_names():
    nodes = HAND_NODES.assign(name=["<b>A</b>", "B", "C", "D", "E"])
    links = HAND_LINKS.assign(year=pd.array([None, 2020, 2021], dtype="Int64"))
    fig, _ = _arcs(nodes, links)
    hover = fig.data[1].hovertext[0]
    assert "year unknown" in hover
    assert "&lt;b&gt;A&lt;/b&gt;" in hover and "<b>A" not in hover
    assert all("<b>" not in (a.hovertext or "") for a in fig.layout.annotations)


def test_arc_diagram_draws_parallel_links_apart():
    links = pd.concat([_links(("a", "b")), _links(("b", "a"), kind="dialogue")])
    fig, _ = _arcs(links=links)
    bends = [_decoded(t.x)[0] for t in fig.data if t.marker.symbol == "arrow"]
    assert len(bends) == 2 and bends[0] != bends[1]


def test_arc_diagram_fills_its_container_when_asked():
    fig, _ = _arcs(fixed_height=False, font_size=20, row_px=26)
    assert fig.layout.height is None
    assert {a.font.size for a in fig.layout.annotations} == {20}
    assert max(_decoded(t.marker.size).max() for t in _node_traces(fig)) <= 0.8 * 26


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"size_by": "nonsense"}, "size_by"), ({"empty": True}, "at least one linked mapping")],
)
def test_arc_diagram_checks_its_input(kwargs, message):
    order = network.arc_order(HAND_NODES, HAND_LINKS)
    if kwargs.pop("empty", False):
        order = order.iloc[0:0]
    with pytest.raises(ValueError, match=message):
        network_chart.arc_diagram(HAND_NODES, order, HAND_LINKS, labels={}, **kwargs)


def test_case_label_and_link_table(inventory):
    names = {"alpha": "Alpha Portal", "beta": "Beta Database"}
    link = inventory.cooperation.iloc[0]
    assert network_chart.case_label(link, names, {"data_sharing": "Data sharing"}) == (
        "Alpha Portal → Beta Database: Data sharing (2023)"
    )
    table = network_chart.link_table(inventory.cooperation, names, {})
    assert table.iloc[0].to_dict() == {
        "from": "Alpha Portal",
        "to": "Beta Database",
        "kind of link": "data_sharing",
        "year": "2023",
        "what moved": "project records",
        "summary": "Alpha and Beta exchange project records.",
        "sources": "https://example.org/coop",
        "link id": "alpha-beta",
        "from id": "alpha",
        "to id": "beta",
    }
    unknown = inventory.cooperation.assign(year=pd.array([None], dtype="Int64"))
    assert network_chart.link_table(unknown, names, {})["year"].tolist() == ["year unknown"]


def test_kind_style_uses_colour_then_symbol():
    kinds = [f"k{i}" for i in range(10)]
    styles = network_chart.kind_style(kinds)
    assert len(set(styles.values())) == 10
    assert styles["k0"][1] == styles["k7"][1] == "circle"
    assert styles["k8"][1] == "square"


def test_legend_html_matches_the_figure_it_replaces(nodes, inventory):
    kwargs = dict(
        kind_labels={"knowledge_portal": "Knowledge <portal>"},
        link_labels={"data_sharing": "Data sharing"},
    )
    order = network.arc_order(nodes, inventory.cooperation)
    fig = network_chart.arc_diagram(nodes, order, inventory.cooperation, labels={}, **kwargs)
    assert fig.layout.showlegend is False
    drawn = nodes[nodes["id"].isin(order["id"])]
    legend = network_chart.legend_html(drawn, inventory.cooperation, **kwargs)
    node_traces = _node_traces(fig)
    # a swatch for each kind of mapping drawn and the one kind of link
    assert legend.count("cbdash-swatch") == len(node_traces) + 1
    for trace in node_traces:  # same colour and same shape as the trace's markers
        assert f"background:{trace.marker.color};border-radius:50%" in legend
    assert "Knowledge &lt;portal&gt;" in legend and "<portal>" not in legend
    colour, _ = network_chart.LINK_STYLES["data_sharing"]
    assert f"height:3px;background:{colour}" in legend  # a solid line
    assert "Kind of link" in legend


def test_legend_html_dashes_and_shapes_beyond_the_colours():
    nodes = pd.DataFrame({"kind": [f"k{i}" for i in range(9)]})
    links = pd.DataFrame({"kind": ["joint_product"]})
    legend = network_chart.legend_html(nodes, links)
    assert legend.count("border-radius:50%") == 8  # k0..k7: circles of eight colours
    assert legend.count("clip-path:inset(8%)") == 1  # k8: a square
    colour = network_chart.LINK_STYLES["joint_product"][0]  # dashed
    assert f"repeating-linear-gradient(90deg,{colour} 0px 9px,transparent 9px 15px)" in legend
    no_links = network_chart.legend_html(nodes, links.iloc[:0])
    assert "Kind of link" not in no_links


def test_listed_counts_match_exploding_the_lists(inventory):
    """p1 alpha beta, p2 gamma, p3 alpha, p4 beta (the fixture); chosen rows only."""
    projects = inventory.projects
    codes = network.listing_codes(projects)
    every = network.listed_counts(codes, np.ones(len(projects), dtype=bool))
    assert every.sort_index().to_dict() == {"alpha": 2, "beta": 2, "gamma": 1}
    expected = projects["listed_in"].explode().dropna().value_counts()
    assert every.sort_index().to_dict() == expected.sort_index().to_dict()
    first_two = np.array([True, True] + [False] * (len(projects) - 2))
    got = network.listed_counts(codes, first_two).to_dict()
    want = projects.iloc[:2]["listed_in"].explode().dropna().value_counts().to_dict()
    assert got == want


def test_listed_counts_by_hand():
    projects = pd.DataFrame({"listed_in": [("a", "b"), (), ("b",), ("b", "c")]})
    codes = network.listing_codes(projects)
    chosen = np.array([True, True, True, False])
    assert network.listed_counts(codes, chosen).to_dict() == {"a": 1, "b": 2}


def test_node_table_with_precomputed_counts_is_the_same(inventory, nodes):
    cov = coverage.coverage_table(inventory.mappings, inventory.country_groups)
    derived = cov.groupby("mapping_id")["iso3"].nunique()
    listed = network.listed_counts(
        network.listing_codes(inventory.projects), np.ones(len(inventory.projects), dtype=bool)
    )
    got = network.node_table(
        inventory.mappings, cov, inventory.projects, derived=derived, listed=listed
    )
    pd.testing.assert_frame_equal(got, nodes)


def test_case_labels_are_case_label_per_row(inventory):
    names = {"alpha": "Alpha Portal", "beta": "Beta Database"}
    links = pd.concat(
        [inventory.cooperation, inventory.cooperation.assign(link_id="x", year=pd.NA)],
        ignore_index=True,
    )
    labels = network_chart.case_labels(links, names, {"data_sharing": "Data sharing"})
    assert labels == [
        "Alpha Portal → Beta Database: Data sharing (2023)",
        "Alpha Portal → Beta Database: Data sharing (year unknown)",
    ]
    assert labels == [
        network_chart.case_label(row, names, {"data_sharing": "Data sharing"})
        for _, row in links.iterrows()
    ]


def test_arc_diagram_json_is_what_plotly_validation_gives():
    """The figure is built from plain dicts: plotly's validators accept every property and
    serialise it unchanged."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    fig, _ = _arcs()
    validated = go.Figure(fig.to_dict())  # plotly's validators run on every property
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(
        pio.to_json(validated, validate=False)
    )
    assert fig.to_dict()["data"][1]["marker"]["angle"]["dtype"] == "f8"  # a typed array


def test_typed_arrays_match_plotly_encoding():
    from _plotly_utils.utils import to_typed_array_spec

    values = np.array([0.5, -1.25, np.nan, 3.0])
    assert network_chart._typed(values) == to_typed_array_spec(values)
    assert network_chart._typed(pd.Series(values)[::2]) == to_typed_array_spec(values[::2].copy())
    assert len(network_chart._typed(np.array([]))) == 0
