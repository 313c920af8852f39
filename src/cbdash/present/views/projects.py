"""The Projects page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis import bounded, funding
from cbdash.analysis.bounded import ListCheck
from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.analysis.projects import flat, nearest_id, nearest_score, same_threshold
from cbdash.present import takeaways
from cbdash.present.charts import flow_sankey
from cbdash.present.tables import (
    project_rows,
    with_filter_columns,
)
from cbdash.text import escape_markdown, name_list, plural


def projects_sentence(model: Model, filters: Filters) -> str:
    """How many of the projects that pass the filters several mappings list; kept per
    filter state."""
    return model.memo(
        ("projects_sentence", filters),
        lambda: takeaways.duplicates(model.filtered_projects(filters)),
    )


def projects_listed_by_several(model: Model, filters: Filters) -> pd.DataFrame:
    """The projects that pass the filters and two or more mappings list, most listed first,
    as readable rows (`projects.listed_by_several` from the precomputed listing counts);
    kept per filter state."""

    def make() -> pd.DataFrame:
        rows = project_rows(model, model.filtered_projects(filters))
        several = rows[rows["mappings listing it"] >= 2].sort_values(
            ["mappings listing it", "title"], ascending=[False, True]
        )
        columns = [
            "title",
            "mappings listing it",
            "listed in",
            "aliases",
            "funders",
            "start",
            "end",
        ]
        active = [f for f in Filters.names() if getattr(filters, f)]
        shown = with_filter_columns([*columns, "sources"], "projects", active, rows.columns)
        return several[[*shown, "project id"]]

    return model.memo(("projects_several", filters), make)


class DuplicateCheck(NamedTuple):
    """The duplicate check's rows for the projects that pass the filters, its groups of
    more than one row (as shown, in words, and all columns), the closest calls kept apart
    (nearest first, in words, each with why it was kept apart) and the sentence over
    both."""

    checked: pd.DataFrame
    group_rows: pd.DataFrame
    groups: pd.DataFrame
    near: pd.DataFrame
    sentence: str


SAME = "same project"
APART_PHASES = "kept apart: different phases or editions"
APART_CODES = "kept apart: different portal entries"
APART_REVIEWED = "kept apart: reviewed as different"
APART_ONE_SIDED = "kept apart: a phase marked on one name only, other start year"
APART_LOW = "kept apart: not alike enough"
REASON_WORDS = {  # each reason as the sentence says it
    APART_PHASES: "as different phases or editions",
    APART_CODES: "as different entries of one portal",
    APART_REVIEWED: "as reviewed by a person",
    APART_ONE_SIDED: "because one name marks a phase the other lacks and they start in other years",
}


def pair_reason(evidence: str, probability: float, threshold: float, partner: str = "") -> str:
    """Why the duplicate check keeps a pair apart (or "same project"), in words, from its
    evidence: a phase or portal-code veto, a reviewed decision on this pair (`partner`), a
    probability below `threshold`, or a phase marked on one name only with different start
    years (held back). The one label both the closest calls and the review queue show."""
    own = evidence.split(" | ", 1)[0]
    if re.search(r"kept apart: [\w-]+:\S+ vs ", own):
        return APART_CODES
    if "kept apart: " in own:
        return APART_PHASES
    reviewed = re.findall(r"reviewed: different from ([^\s(]+)", evidence)
    if partner and partner in reviewed:
        return APART_REVIEWED
    if probability < threshold:
        return APART_LOW
    if "held back: " in own:
        return APART_ONE_SIDED
    return SAME


def projects_duplicate_check(
    model: Model, filters: Filters, clusters: Callable[[], pd.DataFrame]
) -> DuplicateCheck:
    """The duplicate check read for the projects that pass the filters; `clusters()` gives
    the check on all projects (`projects.clusters`, cached by the app) and is called only
    when the result is not kept yet. Titles first, ids last. Kept per filter state."""

    def make() -> DuplicateCheck:
        projects = model.filtered_projects(filters)
        checked = clusters().set_index("project_id").loc[projects["project_id"]]
        groups = checked[checked["cluster_size"] > 1].reset_index()
        titles = model.inventory.projects.set_index("project_id")["title"]
        threshold = same_threshold()
        near = (
            checked.assign(
                nearest=nearest_score(checked["evidence"]),
                partner=nearest_id(checked["evidence"]),
            )
            .dropna(subset=["nearest"])
            .sort_values("nearest", ascending=False, kind="stable")
            .reset_index()
        )
        reasons = [
            pair_reason(e, p, threshold, str(q))
            for e, p, q in zip(near["evidence"], near["nearest"], near["partner"], strict=True)
        ]
        near = pd.DataFrame(
            {
                "name": near["project_id"].map(titles),
                "closest to": near["partner"].map(titles).fillna(near["partner"]),
                "probability": near["nearest"],
                "why apart": reasons,
                "evidence": near["evidence"],
                "id": near["project_id"],
                "closest id": near["partner"],
            }
        )
        number = {c: i for i, c in enumerate(dict.fromkeys(groups["cluster_id"]), start=1)}
        group_rows = pd.DataFrame(
            {
                "group": groups["cluster_id"].map(number),
                "name": groups["project_id"].map(titles),
                "probability": groups["score"],
                "evidence": groups["evidence"],
                "id": groups["project_id"],
            }
        )
        sentence = _check_said(len(checked), groups, near, threshold)
        return DuplicateCheck(checked, group_rows, groups, near, sentence)

    return model.memo(("projects_check", filters), make)


def _check_said(n_rows: int, groups: pd.DataFrame, near: pd.DataFrame, threshold: float) -> str:
    """What the duplicate check found, in the words of its tables: the groups it made, and
    the closest calls at or above the threshold that it keeps apart, by reason."""
    text = (
        f"The duplicate check compared {plural(n_rows, 'project row')} by names, aliases, "
        "funders, implementers, countries and years. "
    )
    n_groups = groups["cluster_id"].nunique()
    if n_groups:
        text += (
            f"**{plural(n_groups, 'group')}** of rows ({len(groups)} rows) "
            f"{'looks' if n_groups == 1 else 'look'} like one project each."
        )
    else:
        text += "**No two rows** are put together as one project."
    high = near[near["probability"] >= threshold]
    if not high.empty:
        counts = high["why apart"].value_counts()
        parts = [f"{n} {REASON_WORDS.get(why, why)}" for why, n in counts.items()]
        text += (
            f" {plural(len(high), 'row')} {'has' if len(high) == 1 else 'have'} a closest "
            f"call at or above the threshold of {threshold:.2f} that is kept apart: "
            f"{'; '.join(parts)}."
        )
    return text


QUEUE_K = 5
"""Candidates per row in the review queue (the evaluation's recall at 5)."""


def projects_review_queue(
    model: Model, filters: Filters, pairs: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """The inventory's review queue (`pairs()`: projects.inventory_queue on all projects,
    cached by the app, called only when the result is not kept yet), the pairs with a row
    that passes the filters; kept per filter state."""

    def make() -> pd.DataFrame:
        ids = set(model.filtered_projects(filters)["project_id"])
        everything = pairs()
        return everything[
            everything["project_id"].isin(ids) | everything["candidate_id"].isin(ids)
        ].reset_index(drop=True)

    return model.memo(("projects_review_queue", filters), make)


QUEUE_TABLE = {
    "score": "probability",
    "verdict": "model says",
    "decision": "your decision",
    "title": "name",
    "candidate_title": "candidate",
    "candidate_from": "candidate from",
    "evidence": "evidence",
    "project_id": "id",
    "candidate_id": "candidate id",
}


def queue_table(pairs: pd.DataFrame, decided: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The review queue as a readable table, with the decisions taken so far (where the
    candidates are from only when they are from both the inventory and the list)."""
    decision = pairs["pair"].map(lambda p: decided[p][0] if p in decided else "")
    threshold = same_threshold()
    says = [
        SAME if v == "same" else pair_reason(e, p, threshold)
        for v, e, p in zip(pairs["verdict"], pairs["evidence"], pairs["score"], strict=True)
    ]
    out = pairs.assign(decision=decision, score=pairs["score"].round(2), verdict=says)
    columns = [c for c in QUEUE_TABLE if c != "candidate_from" or pairs[c].nunique() > 1]
    return out[columns].rename(columns=QUEUE_TABLE)


def pair_labels(pairs: pd.DataFrame) -> dict[str, str]:
    """Each pair as one line for a picker ({pair: "0.32 · name ↔ candidate"}), in order."""
    text = pairs["score"].map("{:.2f}".format) + " · " + pairs["title"]
    return dict(zip(pairs["pair"], text + " ↔ " + pairs["candidate_title"], strict=True))


CHECKS_KEPT = 8  # checked lists kept per model (by content), most recent first


def projects_check_list(
    model: Model, raw: bytes, name: str, tick: Callable[[float, str], None]
) -> ListCheck:
    """Check the bytes of an uploaded project list (CSV, TSV or XLSX; at least a `title`
    column) against the inventory, within bounded.UPLOAD_LIMITS and bounded.CHECK_BUDGET,
    in a process of its own (`bounded.run`; `tick` draws progress). A finished check is
    kept per file content; one stopped by its budget is not (it may be tried again)."""
    limits = bounded.UPLOAD_LIMITS
    if len(raw) > limits.max_bytes:  # refused at once, before any work
        return bounded.refused(
            [f"{name} is {len(raw) / 1e6:,.1f} MB, over the limit of {limits.describe()}."]
        )
    key = (hashlib.sha1(raw).hexdigest(), name)
    kept: OrderedDict[tuple[str, str], ListCheck] = model.derived("checked_lists", OrderedDict)
    if key in kept:
        return kept[key]
    inventory = model.derived("dedupe_inventory", lambda: flat(model.inventory.projects))
    outcome = bounded.run(
        bounded.check_upload, (raw, name, inventory, QUEUE_K), bounded.CHECK_BUDGET, tick
    )
    if outcome.problem is not None:
        return bounded.refused([outcome.problem])
    kept[key] = outcome.value
    while len(kept) > CHECKS_KEPT:
        kept.popitem(last=False)
    return outcome.value


FLOW_TITLES = {
    "funders": "Projects from funding governments or organisations to UN regions",
    "implementers": "Projects from implementers to UN regions",
}


class Flows(NamedTuple):
    """The funding flows as shown and downloaded, their Sankey chart (None when there is no
    flow) and the sentence naming the widest bands."""

    table: pd.DataFrame
    figure: go.Figure | None
    sentence: str


def projects_flows(model: Model, filters: Filters, by: str) -> Flows:
    """Projects that pass the filters from their funders (grouped by funding government or
    organisation, data/funder_aliases.csv) or implementers (`by`) to UN regions, their
    Sankey chart (a grouped funder's names as written in its hover) and the sentence; kept
    per filter state and `by`."""

    def make() -> Flows:
        aliases = funding.alias_lookup(model.inventory.funder_aliases) if by == "funders" else {}
        flows = funding.flows(
            model.filtered_projects(filters), model.project_regions, by=by, aliases=aliases
        )
        noun = by.removesuffix("s")
        readable = flows.rename(columns={"source": noun, "region": "UN region"})
        if not aliases:
            readable = readable.drop(columns="as written")
        sentence = escape_markdown(takeaways.flows_said(flows, noun))
        if flows.empty:
            return Flows(readable, None, sentence)
        written = flows.drop_duplicates("source").set_index("source")["as written"]
        hover = {s: f"{s} (incl. {name_list(w.split('; '))})" for s, w in written.items() if w}
        figure = flow_sankey(flows, title=FLOW_TITLES.get(by, by), hover=hover)
        return Flows(readable, figure, sentence)

    return model.memo(("projects_flows", filters, by), make)
