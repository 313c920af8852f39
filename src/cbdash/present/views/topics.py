"""The Topics page's view: what it shows, kept per filter state and choice."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.analysis.topics import (
    mapping_topic_matrix,
    mapping_value_matrix,
    region_topic_matrix,
    users_topic_matrix,
)
from cbdash.present import takeaways
from cbdash.present.charts import annotated_heatmap
from cbdash.present.tables import (
    named_long,
)
from cbdash.text import escape_markdown, lower_first

TOPICS_MAX_ROWS = 60  # mappings in the mapping x topic chart (as the overlap matrix)
FRAMEWORKS = {  # the crosswalk's frameworks, in words
    "gfce_theme": "GFCE theme",
    "cmm_dimension": "Oxford CMM dimension",
    "gci_pillar": "ITU GCI pillar",
}


def topics_sentence(model: Model, filters: Filters, view: str, of: str = "mappings") -> str:
    """The sentence of one view of the Topics page (Markdown-safe), computed from the table
    that view's chart draws: its most and least covered topics ("mappings"), served user
    groups ("users"), leading topic per region ("regions", counting `of`), largest target
    users x topic cells ("users_topics") or the crosswalk's reach (any other view). A topic
    or group with no item is named as "none", as the chart shows it as 0. Kept per filter
    state, view and `of`."""

    def make() -> str:
        labels = model.labels
        if view not in {"mappings", "users", "regions", "users_topics"}:  # the crosswalk
            text = takeaways.crosswalk_said(topics_crosswalk(model), len(labels["topics"]))
            return escape_markdown(text)
        mappings = model.filtered_mappings(filters)
        if mappings.empty:
            return "No mapping effort matches the filters."
        if view == "mappings":
            matrix = topics_by_mapping(model, filters).matrix
            table = takeaways.column_totals(matrix, labels["topics"], "topic", "mappings")
            text = takeaways.topics_said(table, len(matrix))
        elif view == "users":
            matrix = users_by_mapping(model, filters).matrix
            table = takeaways.column_totals(matrix, labels["users"], "target users", "mappings")
            text = takeaways.users_said(table, len(matrix))
        elif view == "regions":
            matrix = topics_by_region(model, filters, of).matrix
            text = takeaways.regions_said(matrix, labels["topics"], of)
        else:
            matrix = topics_by_users(model, filters).matrix
            text = takeaways.cells_said(matrix, labels["users"], labels["topics"])
        return escape_markdown(text + _filtered_to(model, filters, view, of))

    return model.memo(("topics_sentence", filters, view, of), make)


def _filtered_to(model: Model, filters: Filters, view: str, of: str) -> str:
    """' Only mappings on cybercrime are counted (Topics filter).' (or projects, `of`) when
    the filter makes a topic's count whole by construction."""
    if not filters.topics or view in {"users"}:
        return ""
    names = [lower_first(model.labels["topics"].get(t, t)) for t in filters.topics]
    on = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    noun = of if view == "regions" else "mappings"
    return f" Only {noun} on {on} are counted (Topics filter)."


def _topics(model: Model) -> list[str]:
    """Every topic of the vocabulary: a topic no item covers stays in a chart, as 0."""
    return list(model.labels["topics"])


class TopicMatrix(NamedTuple):
    """A count matrix, its chart (None when there is nothing to draw) and its long form
    for the download."""

    matrix: pd.DataFrame
    figure: go.Figure | None
    long: pd.DataFrame


def _mapping_heatmap(
    model: Model, matrix: pd.DataFrame, title: str, x_title: str, vocabulary: str
) -> go.Figure:
    """A 0/1 mapping x value heatmap of the first TOPICS_MAX_ROWS rows."""
    return annotated_heatmap(
        matrix.head(TOPICS_MAX_ROWS),
        title=title,
        x_title=x_title,
        y_title="mapping",
        x_labels=model.labels[vocabulary],
        y_labels=model.mapping_names,
        show_values=False,  # 0/1: the colour says it; hundreds of cell labels are slow
    )


def topics_by_mapping(model: Model, filters: Filters) -> TopicMatrix:
    """The mapping x topic matrix of the mappings that pass the filters, its chart (busiest
    rows first, at most TOPICS_MAX_ROWS: a taller chart is unreadable and slow to draw) and
    its long form; kept per filter state."""

    def make() -> TopicMatrix:
        matrix = mapping_topic_matrix(model.filtered_mappings(filters), _topics(model))
        long = named_long(
            matrix, "mapping", "topic", "covered", model.mapping_names, model.labels["topics"]
        )
        if matrix.empty:  # no topic vocabulary (a broken taxonomies file)
            return TopicMatrix(matrix, None, long)
        figure = _mapping_heatmap(
            model, matrix, "Topics each mapping covers (dark = covered)", "topic", "topics"
        )
        return TopicMatrix(matrix, figure, long)

    return model.memo(("topics_mapping", filters), make)


def users_by_mapping(model: Model, filters: Filters) -> TopicMatrix:
    """The mapping x target users matrix of the mappings that pass the filters (busiest
    first, at most TOPICS_MAX_ROWS), its chart and long form; kept per filter state."""

    def make() -> TopicMatrix:
        users = list(model.labels["users"])
        matrix = mapping_value_matrix(
            model.filtered_mappings(filters), "target_users", "users", users
        )
        matrix = matrix[matrix.sum(axis=1) > 0]  # the mappings with known target users
        if matrix.empty:
            return TopicMatrix(matrix, None, matrix)
        title = "Target users each mapping serves (dark = serves)"
        figure = _mapping_heatmap(model, matrix, title, "target users", "users")
        long = named_long(
            matrix, "mapping", "target users", "serves", model.mapping_names, model.labels["users"]
        )
        return TopicMatrix(matrix, figure, long)

    return model.memo(("users_mapping", filters), make)


def topics_by_region(model: Model, filters: Filters, of: str) -> TopicMatrix:
    """The region x topic matrix counting the mappings or projects (`of`) that pass the
    filters, its chart and long form (no chart, and the matrix as long form, when it
    counts nothing); kept per filter state and `of`."""

    def make() -> TopicMatrix:
        if of == "mappings":
            regions = model.mapping_regions.rename(columns={"mapping_id": "id"})
            matrix = region_topic_matrix(
                regions, model.filtered_mappings(filters), "id", _topics(model)
            )
        else:
            matrix = region_topic_matrix(
                model.project_regions,
                model.filtered_projects(filters),
                "project_id",
                _topics(model),
            )
        if matrix.empty or matrix.to_numpy().sum() == 0:
            return TopicMatrix(matrix, None, matrix)
        figure = annotated_heatmap(
            matrix,
            title=f"{of.capitalize()} per UN region and topic",
            x_title="topic",
            y_title="region",
            x_labels=model.labels["topics"],
        )
        long = named_long(matrix, "region", "topic", of, None, model.labels["topics"])
        return TopicMatrix(matrix, figure, long)

    return model.memo(("topics_region", filters, of), make)


def topics_by_users(model: Model, filters: Filters) -> TopicMatrix:
    """The target users x topic matrix of the mappings that pass the filters (every group
    and topic, 0 included), its chart (None when it counts nothing) and its long form; kept
    per filter state."""

    def make() -> TopicMatrix:
        labels = model.labels
        matrix = users_topic_matrix(
            model.filtered_mappings(filters), "id", list(labels["users"]), _topics(model)
        )
        long = named_long(
            matrix, "target users", "topic", "mappings", labels["users"], labels["topics"]
        )
        if matrix.empty or matrix.to_numpy().sum() == 0:
            return TopicMatrix(matrix, None, long)
        figure = annotated_heatmap(
            matrix,
            title="Mappings per target-user group and topic",
            x_title="topic",
            y_title="target users",
            x_labels=labels["topics"],
            y_labels=labels["users"],
        )
        return TopicMatrix(matrix, figure, long)

    return model.memo(("topics_users", filters), make)


def topics_crosswalk(model: Model) -> pd.DataFrame:
    """The crosswalk of other frameworks' categories to the topics (by their labels), as
    shown; made once per model."""
    crosswalk, topic_labels = model.inventory.crosswalk, model.labels["topics"]
    return model.derived(
        "crosswalk_rows",
        lambda: pd.DataFrame(
            {
                "framework": crosswalk["framework"].map(lambda f: FRAMEWORKS.get(f, f)),
                "category": crosswalk["category"],
                "topic": crosswalk["topic"].map(lambda t: topic_labels.get(t, t)),
                "relation": crosswalk["relation"],
                "note": crosswalk["note"],
                "source": crosswalk["source"],
                "topic id": crosswalk["topic"],
            }
        ),
    )
