"""Presentation: what a person reads and downloads, computed from the analysis: each page's
view (sentences, tables, figures), the guided story, takeaway sentences, readable tables,
figure builders and spreadsheet-safe CSV. No Streamlit here."""
