"""Duplicate projects: one project listed under other names. The layout follows record
linkage (Splink, recordlinkage): normalise (names read in one spelling, in English), candidates
(blocking), features (each signal a column), score (a logistic regression learned from
labelled and reviewed pairs; weights in data/dedupe_model.csv), constraints (vetoes and
people's decisions, outside the model) and cluster (clusters, known projects, the review
queue). Reading project lists and reviewed pairs is cbdash.data.lists."""

from cbdash.data.lists import DedupeInputError, load_reviewed, parse_projects, read_projects
from cbdash.dedupe.cluster import QUEUE_COLUMNS, cluster, match_existing, review_queue
from cbdash.dedupe.score import model

__all__ = [
    "QUEUE_COLUMNS",
    "DedupeInputError",
    "cluster",
    "load_reviewed",
    "match_existing",
    "model",
    "parse_projects",
    "read_projects",
    "review_queue",
]
