"""Impact reads by topic, shared by pages, the API, reports and benchmarks."""
