"""Duplicate projects: the same project listed under different names.

The method is the layout, as in record-linkage tools (Splink, recordlinkage, dedupe):
`normalise` (names in one spelling, read in English, with acronyms, phase marks and codes;
word lists in data/), `candidates` (blocking: which pairs are compared), `features` (each
signal a column), `score` (a logistic regression learned from labelled and reviewed pairs;
its weights are data/dedupe_model.csv), `constraints` (vetoes and people's decisions, outside
the model), `cluster` (clusters, links to known projects, the review queue) and `io`.
The check finds leads for a person to confirm: on names nobody had seen it finds about half
of the duplicates above its threshold, more among each record's top candidates (see
`python -m evaluation.dedupe` and the README).
"""

from cbdash.dedupe.candidates import block_keys, candidate_pairs
from cbdash.dedupe.cluster import (
    OPTIONAL_COLUMNS,
    QUEUE_COLUMNS,
    REQUIRED_COLUMNS,
    DedupeInputError,
    cluster,
    known_links,
    match_existing,
    records_of,
    review_queue,
)
from cbdash.dedupe.features import FEATURES, compare
from cbdash.dedupe.io import (
    REVIEWED_COLUMNS,
    check_reviewed,
    load_reviewed,
    parse_projects,
    read_projects,
    reviewed_frame,
)
from cbdash.dedupe.normalise import (
    acronyms,
    make_record,
    name_language,
    normalise_title,
    phase_marker,
    portal_code,
    translate_name,
)
from cbdash.dedupe.score import MODEL_FILE, REVIEWED_FILE, model, model_table, train

__all__ = [
    "FEATURES",
    "MODEL_FILE",
    "OPTIONAL_COLUMNS",
    "QUEUE_COLUMNS",
    "REQUIRED_COLUMNS",
    "REVIEWED_COLUMNS",
    "REVIEWED_FILE",
    "DedupeInputError",
    "acronyms",
    "block_keys",
    "candidate_pairs",
    "check_reviewed",
    "cluster",
    "compare",
    "known_links",
    "load_reviewed",
    "make_record",
    "match_existing",
    "model",
    "model_table",
    "name_language",
    "normalise_title",
    "parse_projects",
    "phase_marker",
    "portal_code",
    "read_projects",
    "records_of",
    "review_queue",
    "reviewed_frame",
    "train",
    "translate_name",
]
