"""Data & method: provenance, taxonomy definitions, validation report, full downloads.

The pages cited, the terms of each vocabulary, the report's rows and the full downloads
are made by `cbdash.present.views` (once per model, except the full downloads).
"""

import streamlit as st

from cbdash import ui
from cbdash.present.views import method as method_view

model, filters = ui.page_context("method")
inv = model.inventory
report = inv.report

st.title("Data & method")
st.markdown(
    f"The inventory holds {len(inv.mappings)} mapping efforts, {len(inv.projects)} projects "
    f"and {len(inv.cooperation)} cooperation links, compiled from public web pages; every "
    "record lists the pages its facts come from. Unknown values stay empty."
)

st.subheader("How the numbers are computed")
st.markdown(
    "- **Coverage**: a mapping covers the member countries of the groups its scope names "
    "(a global mapping: every UN member state; a regional one: the members of that "
    "organisation or UN region) plus any countries named explicitly. A count stated by a "
    "source (e.g. an index scoring 154 countries) is shown beside it, never turned into a "
    "list of countries. A mapping with neither has unknown coverage.\n"
    "- **Projects per country**: only beneficiary countries a source names.\n"
    "- **Regions**: UN M49 regions (sub-regions on Gaps: the ~22 with Sub-Saharan Africa and "
    "Latin America split); a project reaches a region through a named country or a region "
    "name matched to a reviewed alias. A project for every UN member ('Global') is counted "
    "apart.\n"
    "- **Gaps**: need against support. Need: the ITU GCI 2024 tier (4-5 by default; a "
    "country with no tier in the data is 'GCI tier unknown' and listed apart, never "
    "ranked), ODA eligibility, LDC, SIDS; a high-income country is never ranked as high "
    "need. Support: the inventory's projects (listed by a mapping or not) naming the "
    "country and the regional or national "
    "mappings covering it (global ones cover every country alike).\n"
    "- **Overlap** between two mappings A and B: shared count |A∩B|, Jaccard |A∩B|/|A∪B|, "
    "overlap coefficient |A∩B|/min(|A|,|B|).\n"
    "- **Filters**: values within one filter are alternatives; different filters must all "
    "hold. Kind, access, export and confidence filter mappings only.\n"
    "- **Duplicate check** (Projects & duplicates): two rows are one project when a "
    "logistic regression over how their names, acronyms, funders, implementers, countries "
    "and years compare (`cbdash.dedupe`, learned from 1,336 labelled and the reviewed pairs) "
    "gives a probability of at least 0.887, unless a rule outside the model keeps them "
    "apart (two phases, components or portal codes) or a person decided the pair "
    "(`data/dedupe_reviewed.csv`); a list checked against the inventory also uses every "
    "name the inventory records. Each decision shows its evidence, and the review queue "
    "shows each row's five most probable candidates to decide. On nine sets of about 45 "
    "real name pairs (7 Dec 2026; read while the check was built, so no estimate for "
    "unseen names) it joined 46 % of the duplicates with the inventory's names (28 % from "
    "names alone), 6 of the 108 pairs it joined wrongly, and the review queue held the "
    "match among a row's five candidates for 93 % (91 %): treat a match as a lead to "
    "check, not a verdict. "
    "`python -m evaluation.dedupe` prints the current figures."
)

st.subheader("Sources of each data file")
origins = method_view.method_origins(model)
ui.table(
    origins,
    "origins",
    what="data files",
    column_config={"main URL": st.column_config.LinkColumn("main URL")},
)
ui.download_csv(origins, "data sources", "dl_origins")

st.subheader("Every page cited")
pages = method_view.method_cited_pages(model)
st.markdown(f"{len(pages)} web pages on {pages['site'].nunique()} sites are cited by the records.")
ui.table(
    pages,
    "cited_pages",
    what="pages",
    column_config={"url": st.column_config.LinkColumn("url")},
)
ui.download_csv(pages, "pages cited", "dl_cited")

st.subheader("Taxonomies")
vocab = ui.choice("vocab", model, "select", format_func=lambda v: v.replace("_", " ").capitalize())
terms = method_view.method_terms(model, vocab)
ui.table(terms, "terms", what="terms")
ui.download_csv(terms, f"taxonomy of {vocab.replace('_', ' ')}", "dl_terms")

st.subheader("Validation report")
if report.issues:
    st.warning(
        f"{len(report.errors)} error(s) and {len(report.warnings)} warning(s). "
        "Rows with errors are kept where possible; bad values are left out."
    )
    issues = method_view.method_report_rows(model)
    ui.table(issues, "report", what="issues")
    ui.download_csv(issues, "validation report", "dl_report")
else:
    st.success("All data files passed validation.")

st.subheader("The full inventory")
for name, frame in method_view.method_full_inventory(model).items():
    # The data files as they are (their fields are documented in docs/data-format.md).
    ui.download_csv(frame, f"full {name}, data format", f"dl_full_{name.replace(' ', '_')}")
