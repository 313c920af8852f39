"""Duplicate projects: one project listed under other names. The layout follows record
linkage (Splink, recordlinkage): normalise (names read in one spelling, in English), candidates
(blocking), features (each signal a column), score (a logistic regression learned from
labelled and reviewed pairs; weights in data/dedupe_model.csv), constraints (vetoes and
people's decisions, outside the model) and cluster (clusters and known projects). Reading
project lists and reviewed pairs is cbdash.data.lists; the review queue and list checks are
cbdash.analysis.projects; training and measuring the model are evaluation/dedupe.py."""

from cbdash.data.lists import DedupeInputError, load_reviewed, parse_projects, read_projects
from cbdash.dedupe.cluster import cluster
from cbdash.dedupe.score import model

__all__ = [
    "DedupeInputError",
    "cluster",
    "load_reviewed",
    "model",
    "parse_projects",
    "read_projects",
]
