"""The gate rules, one module per family (a family past 400 lines is split by topic).

- `clarify.py` SM1xx: the CLARIFY GATE and the status gate;
- `structure.py` SM2xx one spec at a time; `structure_ids.py` definitions and references across
  specs; `structure_features.py` the Feature Index, dependency cycles, staleness;
  `structure_prose.py` template prompts left in approved text;
- `matrix.py` SM3xx: the matrix against the specs; `matrix_schema.py` against its schema;
  `matrix_coverage.py` the specs against the matrix, feature by feature;
- `plan.py` SM401–SM419 and `tasks.py` SM420–SM449: plan.md, tasks.md and how they agree;
- `traceability.py` SM5xx: requirements and the tests that cite them;
- `reader.py`: the codes the reader itself reports, described for the catalogue.

Each module registers its rules with `catalog.rule` / `catalog.spec_rule` when imported; the
catalogue imports them (`catalog.FAMILY_MODULES`) on first use, never on a no-op run.
"""
