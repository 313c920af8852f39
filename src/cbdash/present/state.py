"""Every choice a person makes, declared once: the sidebar filters and each page's own
choices (view, measure, country, pair, search...). A `Choice` says how it reads from the URL,
writes back to it, what values it allows and how it describes itself in a caption, so that a
link copied from any page reproduces what is on screen (Datasette's filters are the model).

Values in the URL are plain and readable (`?topics=cybercrime&measure=projects&country=TON`);
a list is comma-separated. Unknown or bad values are dropped with one note per parameter;
a value longer than MAX_PARAM_CHARS is ignored whole. Notes quote what the link said only
after escaping, so a link cannot put a live Markdown link or HTML on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cbdash.analysis.filters import Filters
from cbdash.analysis.model import Model
from cbdash.analysis.need import NEED_CHOICES, NEED_LEVELS
from cbdash.present.views.gaps import gap_groups
from cbdash.present.views.overlap import OVERLAP_DIMENSIONS, OVERLAP_METRIC_NAMES
from cbdash.text import escape_markdown, plural

SEPARATOR = ","
MAX_PARAM_CHARS = 2000  # a longer value is ignored whole (a real link is far shorter)
MAX_VALUES = 200  # values read from one parameter at most
NOTE_EXAMPLES = 3

Options = Callable[[Model], Sequence[str]]


@dataclass(frozen=True)
class Choice:
    """One choice: `key` is its URL parameter and its widget key. `page` is the page file it
    belongs to (`pages/<page>.py`), None for a sidebar filter shown on every page. `options`
    gives the allowed values (None: free text, or a whole number between `bounds`)."""

    key: str
    label: str
    page: str | None
    default: Any = None
    many: bool = False
    options: Options | None = None
    bounds: tuple[int, int] | None = None
    labels: Callable[[Model], Mapping[str, str]] | None = None

    def allowed(self, model: Model) -> list[str]:
        """The values this choice accepts (empty for free text and numbers)."""
        return list(self.options(model)) if self.options else []

    def label_of(self, model: Model) -> Callable[[Any], str]:
        """Display text for a value (its label where the model has one)."""
        names = dict(self.labels(model)) if self.labels else {}
        return lambda v: str(names.get(v, v))

    def parse(self, raw: Sequence[str], model: Model) -> tuple[Any, str | None]:
        """The value a link gives (the default when it gives nothing usable) and a note on
        what was dropped, if anything."""
        text = SEPARATOR.join(str(r) for r in raw)
        if len(text) > MAX_PARAM_CHARS:
            return self.default, f"Ignored '{self.key}' in the link: too long to be a choice."
        values = [v.strip() for v in text.split(SEPARATOR) if v.strip()]
        if self.bounds is not None:
            return self._parse_number(values)
        if self.options is None:  # free text, as written
            return (text.strip() or self.default), None
        allowed = set(self.allowed(model))
        good = list(dict.fromkeys(v for v in values[:MAX_VALUES] if v in allowed))
        bad = [v for v in values if v not in allowed]
        note = _dropped_note(self.key, bad) if bad else None
        if self.many:
            return tuple(good), note
        return (good[0] if good else self.default), note

    def _parse_number(self, values: list[str]) -> tuple[Any, str | None]:
        lo, hi = self.bounds or (0, 0)
        try:
            number = int(values[0]) if values else self.default
        except ValueError:
            return self.default, _dropped_note(self.key, values[:1])
        if number is None or lo <= number <= hi:
            return number, None
        return self.default, f"Ignored '{self.key}' in the link: not between {lo} and {hi}."

    def to_param(self, value: Any) -> str | None:
        """The URL text for a value; None when it is the default (left out of the link)."""
        if value == self.default or value in (None, (), []):
            return None
        if self.many:
            return SEPARATOR.join(str(v) for v in value) or None
        return str(value)


def _dropped_note(key: str, bad: list[str]) -> str:
    shown = ", ".join(f"'{escape_markdown(v[:40])}'" for v in bad[:NOTE_EXAMPLES])
    more = f" and {len(bad) - NOTE_EXAMPLES:,} more" if len(bad) > NOTE_EXAMPLES else ""
    return f"Ignored {plural(len(bad), 'unknown value')} of '{key}' in the link: {shown}{more}."


def _vocabulary(name: str) -> Options:
    return lambda model: list(model.inventory.vocabulary(name)["id"])


def _labels(name: str) -> Callable[[Model], Mapping[str, str]]:
    return lambda model: model.labels.get(name, {})


def _filter_options(name: str) -> Options:
    return lambda model: model.filter_options()[name]


def _fixed(*values: str) -> Options:
    return lambda _model: list(values)


def _named(mapping: Mapping[str, str]) -> Callable[[Model], Mapping[str, str]]:
    return lambda _model: mapping


def _pick(
    key: str, label: str, page: str, named: Mapping[str, str], default: str | None = None
) -> Choice:
    """A choice among fixed values, each with its label; the first is the default unless
    `default` names another."""
    return Choice(
        key, label, page, default or next(iter(named)), options=_fixed(*named),
        labels=_named(named),
    )  # fmt: skip


def _mapping_ids(model: Model) -> list[str]:
    return list(model.inventory.mappings["id"])


def _mapping_names(model: Model) -> Mapping[str, str]:
    return model.mapping_names


def _gap_groups(model: Model) -> list[str]:
    return list(gap_groups(model))


def _gap_group_names(model: Model) -> Mapping[str, str]:
    return gap_groups(model)


def _country_ids(model: Model) -> list[str]:
    return list(model.countries["iso3"])


def _country_names(model: Model) -> Mapping[str, str]:
    return dict(zip(model.countries["iso3"], model.countries["name"], strict=True))


FILTER_LABELS = {
    "users": "Target users",
    "topics": "Topics",
    "kinds": "Kind of mapping",
    "regions": "Regions covered",
    "access": "Access",
    "export": "Data export",
    "confidence": "Confidence of the record",
    "include": "Also count",
}

SIDEBAR: tuple[Choice, ...] = tuple(
    Choice(
        name,
        label,
        None,
        default=(),
        many=True,
        options=_filter_options(name),
        labels=_labels(name),
    )
    for name, label in FILTER_LABELS.items()
)


def _choices(*choices: Choice) -> dict[str, Choice]:
    return {c.key: c for c in choices}


REGISTRY: dict[str, Choice] = _choices(
    *SIDEBAR,
    # Coverage map
    _pick(
        "measure",
        "Colour countries by",
        "coverage_map",
        {  # the colourings by mappings first: a footprint applies to them
            "regional": "Regional & national mappings",
            "mappings": "All mappings",
            "projects": "Projects",
        },
    ),
    Choice(
        "footprint",
        "Show the footprint of these mappings only",
        "coverage_map",
        default=(),
        many=True,
        options=_mapping_ids,
        labels=_mapping_names,
    ),
    Choice(
        "country",
        "Country",
        "coverage_map",
        options=_country_ids,
        labels=_country_names,
    ),
    # Topics
    _pick(
        "topics_view",
        "Show",
        "topics",
        {
            "mappings": "Mapping × topic",
            "users": "Mapping × target users",
            "regions": "Region × topic",
            "users_topics": "Target users × topic",
            "crosswalk": "How mappings categorise",
        },
    ),
    Choice(
        "count_of",
        "Count",
        "topics",
        default="mappings",
        options=_fixed("mappings", "projects"),
    ),
    # Overlap
    _pick(
        "compare_by",
        "Compare by",
        "overlap",
        OVERLAP_DIMENSIONS,
        default="topics",
    ),
    _pick(
        "metric",
        "Metric",
        "overlap",
        OVERLAP_METRIC_NAMES,
        default="jaccard",
    ),
    Choice(
        "with_global",
        "Include global mappings (they cover every country alike)",
        "overlap",
        default="no",
        options=_fixed("no", "yes"),
    ),
    Choice(
        "pair",
        "Pair of mappings",
        "overlap",
        default=(),
        many=True,
        options=_mapping_ids,
        labels=_mapping_names,
    ),
    # Projects & duplicates
    _pick(
        "projects_view",
        "Show",
        "projects",
        {
            "several": "Listed by several",
            "duplicates": "Duplicate check",
            "check": "Check a list",
            "funders": "Who funds what, where",
        },
    ),
    Choice(
        "flow_by",
        "From",
        "projects",
        default="funders",
        options=_fixed("funders", "implementers"),
    ),
    # Cooperation
    Choice(
        "link_kinds",
        "Kinds of cooperation",
        "cooperation",
        default=(),
        many=True,
        options=_vocabulary("link_kinds"),
        labels=_labels("link_kinds"),
    ),
    Choice(
        "node_size",
        "Size of a mapping",
        "cooperation",
        default="countries",
        options=_fixed("countries", "projects"),
        labels=_named({"countries": "Countries covered", "projects": "Projects listed"}),
    ),
    Choice(
        "coop_view",
        "Show",
        "cooperation",
        default="links",
        options=_fixed("links", "cases", "alone"),
        labels=_named(
            {"links": "Who cooperates", "cases": "Case studies", "alone": "Standing alone"}
        ),
    ),
    Choice(
        "case",
        "Case study",
        "cooperation",
        options=lambda m: list(m.inventory.cooperation["link_id"]),
    ),
    # Gaps
    _pick(
        "gaps_view",
        "Show",
        "gaps",
        {
            "countries": "Need against support",
            "regions": "Sub-regions × topics",
            "map": "Gap map",
            "summary": "Summary by region",
        },
    ),
    Choice(
        "group",
        "Countries",
        "gaps",
        default="oda_recipients",
        options=_gap_groups,
        labels=_gap_group_names,
    ),
    Choice(
        "topic",
        "Projects on",
        "gaps",
        options=lambda m: [t for t in m.inventory.vocabulary("topics")["id"] if t != "other"],
        labels=_labels("topics"),
    ),
    Choice(
        "need",
        "High need (ITU GCI 2024)",
        "gaps",
        default="gci45",
        options=_fixed(*NEED_LEVELS),
        labels=_named(NEED_CHOICES),
    ),
    Choice(
        "max_projects",
        "Thin support: at most … projects",
        "gaps",
        default=2,
        bounds=(0, 500),
    ),
    Choice(
        "max_mappings",
        "and at most … regional or national mappings",
        "gaps",
        default=1,
        bounds=(0, 500),
    ),
    # Explore & download
    Choice(
        "explore_view",
        "Show",
        "explore",
        default="mappings",
        options=_fixed("mappings", "projects", "compare"),
        labels=_named(
            {"mappings": "Mappings", "projects": "Projects", "compare": "Compare mappings"}
        ),
    ),
    Choice("search_mappings", "Search mappings", "explore", default=""),
    Choice("search_projects", "Search projects", "explore", default=""),
    Choice(
        "compare",
        "Compare up to 3 mappings",
        "explore",
        default=(),
        many=True,
        options=_mapping_ids,
        labels=_mapping_names,
    ),
    # Data & method
    Choice(
        "vocab",
        "Vocabulary",
        "method",
        default="topics",
        options=_fixed("topics", "target_users", "mapping_kinds", "content_types", "link_kinds"),
    ),
)


def page_choices(page: str | None) -> list[Choice]:
    """The sidebar filters and the choices of `page` (the stem of its file in pages/)."""
    return [c for c in REGISTRY.values() if c.page is None or c.page == page]


def from_query(
    params: Mapping[str, Sequence[str]], model: Model, page: str | None
) -> tuple[dict[str, Any], list[str]]:
    """The values a link gives for the sidebar and `page` (defaults where it says nothing)
    and the notes on what was dropped (one per parameter at most)."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    for choice in page_choices(page):
        raw = params.get(choice.key)
        if raw is None:
            values[choice.key] = choice.default
            continue
        value, note = choice.parse(raw if isinstance(raw, list | tuple) else [raw], model)
        values[choice.key] = value
        if note:
            notes.append(note)
    return values, notes


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    """URL parameters for the values that differ from their defaults."""
    out = {}
    for key, value in values.items():
        choice = REGISTRY.get(key)
        text = choice.to_param(value) if choice else None
        if text is not None:
            out[key] = text
    return out


def filters_of(values: Mapping[str, Any]) -> Filters:
    """The sidebar filters among `values`, as the value object the analyses take."""
    return Filters(**{c.key: tuple(values.get(c.key) or ()) for c in SIDEBAR})


def describe(values: Mapping[str, Any], model: Model, page: str | None) -> str:
    """The page's own choices in words, e.g. 'Colour countries by: Projects; Country: Tonga.'"""
    parts = []
    for choice in page_choices(page):
        if choice.page is None:
            continue
        value = values.get(choice.key, choice.default)
        if value == choice.default or value in (None, "", ()):
            continue
        name = choice.label_of(model)
        shown = " or ".join(name(v) for v in value) if choice.many else name(value)
        parts.append(f"{choice.label}: {shown}")
    return ("; ".join(parts) + ".") if parts else ""
