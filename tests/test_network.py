"""The cooperation network on the fixture (alpha, beta, gamma; one link alpha -> beta,
data sharing, 2023): node sizes, links, stand-alone mappings, a deterministic layout."""

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


EDGES = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")]


def test_spring_layout_is_deterministic_and_order_free():
    first = network.spring_layout(list("abcde"), EDGES)
    again = network.spring_layout(list("abcde"), EDGES)
    shuffled = network.spring_layout(list("ecadb"), list(reversed(EDGES)))
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, shuffled)
    assert list(first["id"]) == list("abcde")


def test_spring_layout_stays_in_the_unit_disc_and_depends_on_the_seed():
    first = network.spring_layout(list("abcde"), EDGES, seed=1)
    other = network.spring_layout(list("abcde"), EDGES, seed=2)
    radius = np.hypot(first["x"], first["y"])
    assert radius.max() == pytest.approx(1.0)
    assert not np.allclose(first[["x", "y"]], other[["x", "y"]])


def test_spring_layout_small_cases():
    assert network.spring_layout([], []).empty
    one = network.spring_layout(["a"], [])
    assert one[["x", "y"]].to_numpy().tolist() == [[0.0, 0.0]]


def test_linked_nodes_closer_than_unlinked():
    pos = network.spring_layout(list("abcde"), EDGES).set_index("id")

    def dist(a: str, b: str) -> float:
        return float(np.hypot(*(pos.loc[a] - pos.loc[b])))

    assert dist("d", "e") < dist("d", "a")


def test_network_layout_puts_stand_alone_mappings_on_the_ring(nodes, inventory):
    pos = network.network_layout(nodes, inventory.cooperation, aspect=2.0).set_index("id")
    assert pos["linked"].to_dict() == {"alpha": True, "beta": True, "gamma": False}
    assert pos.loc["gamma", "x"] == pytest.approx(0.0, abs=1e-9)  # the ring starts at the top
    assert pos.loc["gamma", "y"] == pytest.approx(network.RING_RADIUS)
    linked = pos.loc[["alpha", "beta"]]
    assert np.hypot(linked["x"] / 2.0, linked["y"]).max() == pytest.approx(1.0)  # stretched


def test_network_figure_traces(nodes, inventory):
    pos = network.network_layout(nodes, inventory.cooperation)
    fig = network_chart.network_figure(
        nodes,
        pos,
        inventory.cooperation,
        kind_labels={"knowledge_portal": "Knowledge portal"},
        link_labels={"data_sharing": "Data sharing"},
    )
    names = [t.name for t in fig.data]
    assert names[:2] == ["Data sharing", "Data sharing"]  # the line and its arrow
    assert "Knowledge portal" in names
    assert len(fig.data) == 2 + 3  # three kinds of mapping
    arrow = fig.data[1]
    assert "Alpha Portal → Beta Database" in arrow.hovertext[0]
    assert fig.layout.yaxis.scaleanchor == "x"


def test_network_figure_labels_and_single_colour(nodes, inventory):
    pos = network.network_layout(nodes, inventory.cooperation)
    fig = network_chart.network_figure(
        nodes, pos, inventory.cooperation, by_kind=False, label_min_links=1
    )
    node_trace = fig.data[-1]
    assert node_trace.name == "Mapping effort"
    assert sorted(t for t in node_trace.text if t) == ["Alpha Portal", "Beta Database"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"size_by": "nonsense"}, "size_by"), ({}, "at least one mapping")],
)
def test_network_figure_checks_its_input(nodes, inventory, kwargs, message):
    frame = nodes if kwargs else nodes.iloc[0:0]
    with pytest.raises(ValueError, match=message):
        network_chart.network_figure(
            frame,
            network.network_layout(nodes, inventory.cooperation),
            inventory.cooperation,
            **kwargs,
        )


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Cyber Readiness Index (CRI)", "CRI"),
        ("GFCE Global Overview of Tools (GOAT)", "GOAT"),
        ("Cybersecurity Capacity Portal (Oxford)", "Cybersecurity Capacity Po…"),
        ("Reports (2019-2022)", "Reports (2019-2022)"),
        ("Short name", "Short name"),
    ],
)
def test_short_name(name, short):
    assert network_chart.short_name(name) == short


def test_case_label_and_link_table(inventory):
    names = {"alpha": "Alpha Portal", "beta": "Beta Database"}
    link = inventory.cooperation.iloc[0]
    assert network_chart.case_label(link, names, {"data_sharing": "Data sharing"}) == (
        "Alpha Portal → Beta Database: Data sharing (2023)"
    )
    table = network_chart.link_table(inventory.cooperation, names, {})
    assert table.iloc[0].to_dict() == {
        "link_id": "alpha-beta",
        "from": "Alpha Portal",
        "to": "Beta Database",
        "kind": "data_sharing",
        "year": 2023,
        "summary": "Alpha and Beta exchange project records.",
        "sources": "https://example.org/coop",
    }


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
    pos = network.network_layout(nodes, inventory.cooperation)
    fig = network_chart.network_figure(nodes, pos, inventory.cooperation, legend=False, **kwargs)
    assert fig.layout.showlegend is False
    legend = network_chart.legend_html(nodes, inventory.cooperation, **kwargs)
    node_traces = [t for t in fig.data if t.mode == "markers+text"]
    # a swatch for each kind of mapping and the one kind of link
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
        "Alpha Portal → Beta Database: Data sharing",
    ]
    assert labels == [
        network_chart.case_label(row, names, {"data_sharing": "Data sharing"})
        for _, row in links.iterrows()
    ]


def test_spring_layout_is_kept_but_each_call_gets_its_own_frame():
    first = network.spring_layout(list("abcde"), EDGES)
    first.loc[0, "x"] = 99.0  # a caller changing its copy changes nothing kept
    again = network.spring_layout(list("abcde"), EDGES)
    assert again.loc[0, "x"] != 99.0
    assert network.spring_layout(list("abcde"), EDGES[:1])["x"].tolist() != again["x"].tolist()


def test_network_figure_json_is_what_plotly_validation_gives(nodes, inventory):
    """The figure is built from plain dicts: plotly's validators accept every property and
    serialise it unchanged."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    pos = network.network_layout(nodes, inventory.cooperation)
    fig = network_chart.network_figure(nodes, pos, inventory.cooperation, size_by="projects")
    validated = go.Figure(fig.to_dict())  # plotly's validators run on every property
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(
        pio.to_json(validated, validate=False)
    )
    arrow = fig.to_dict()["data"][1]["marker"]["angle"]
    assert arrow["dtype"] == "f8"  # typed array, as plotly would send it


def test_typed_arrays_match_plotly_encoding():
    from _plotly_utils.utils import to_typed_array_spec

    values = np.array([0.5, -1.25, np.nan, 3.0])
    assert network_chart._typed(values) == to_typed_array_spec(values)
    assert network_chart._typed(pd.Series(values)[::2]) == to_typed_array_spec(values[::2].copy())
    assert len(network_chart._typed(np.array([]))) == 0


def _plain_spring_loop(ids, edges, seed=7, iterations=300, gravity=2.0):
    """The layout as first written (the reference the faster loop must equal bit for bit)."""
    order = sorted(set(ids))
    n = len(order)
    index = {m: i for i, m in enumerate(order)}
    adjacency = np.zeros((n, n))
    for a, b in edges:
        if a in index and b in index and a != b:
            adjacency[index[a], index[b]] += 1.0
            adjacency[index[b], index[a]] += 1.0
    pos = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2))
    k = np.sqrt(1.0 / n)
    step = 0.1
    cool = step / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / dist**2 - adjacency * dist / k
        disp = np.einsum("ijk,ij->ik", delta, force) - gravity * pos
        length = np.maximum(np.linalg.norm(disp, axis=-1), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cool
    pos -= pos.mean(axis=0)
    radius = np.linalg.norm(pos, axis=1).max()
    if radius > 0:
        pos /= radius
    return pos


@pytest.mark.parametrize("n", [2, 3, 5, 17, 40])
def test_spring_layout_equals_the_plain_loop_bit_for_bit(n):
    rng = np.random.default_rng(n)
    ids = [f"m{i:02d}" for i in range(n)]
    edges = [tuple(rng.choice(ids, 2)) for _ in range(n)] + [(ids[0], ids[1])] * 2
    got = network.spring_layout(ids, edges, iterations=60)[["x", "y"]].to_numpy()
    assert np.array_equal(got, _plain_spring_loop(ids, edges, iterations=60))
