"""The gates: a catalogue of small rules over the model (contract §5), and the engine that runs them.

The rules live in `rules/<family>.py`. The engine beside them:

- `command.py` is what the `gates` task calls: its options, the run, the baseline, the report;
- `run.py` runs a whole check: the stored result when no input changed (`cache.py`, `inputs.py`),
  else the quick re-run after a small edit (`quick.py`), else a full evaluation (`evaluate.py`);
- `catalog.py` registers rules and finds them by code or name; `selection.py` decides which run
  at which severity; `suppress.py` and `baseline.py` decide what is reported;
- `finding.py` and `results.py` are what rules and runs return; `context.py` is what a rule may
  know besides the model, `index.py` the ID index the cross-file rules share;
- `docs.py` writes docs/rules.md from the catalogue; `gitdates.py` reads commit dates for SM237.
"""
