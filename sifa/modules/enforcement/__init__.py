"""行政执法监督: 行政执法监督: bodies, officers, power items, penalty cases, inspections, case-file reviews."""
