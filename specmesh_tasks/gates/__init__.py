"""The gate rules: a catalogue of small checks over the model (contract §5).

- `catalog.py` registers rules (`@rule`, `@spec_rule`, `declare`) and selects them;
- family modules: `clarify.py` (SM1xx), `structure.py`, `references.py`, `feature_index.py`
  (SM2xx), `matrix.py` (SM3xx), `plan_rules.py` / `tasks_rules.py` (SM4xx), `trace_rules.py`
  (SM5xx);
- `run.py` runs them over a tree (with `cache.py` and `inputs.py` making it incremental),
  `suppress.py` and `baseline.py` decide what is reported, `docs.py` writes docs/rules.md.
"""
