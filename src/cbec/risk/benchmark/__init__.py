"""Public benchmark of the risk engine on the KCS synthetic customs declarations.

See ``shared/reference/risk-benchmark.md``: ``dataset`` loads the shipped CSVs, ``adapter`` turns a KCS row
into the platform's risk features, ``baselines`` holds the lookup-table and rule baselines of §5,
``metrics`` Precision/Recall@n % with an exact top-k selection, and ``evaluate`` runs them all.
"""
