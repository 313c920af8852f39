"""Analysis: pure functions from the inventory's tables to derived tables (coverage,
membership matrices, overlap, topics, regions, gaps, funding, projects, the cooperation
graph), the filters that narrow them, and the model that keeps them per data change."""
