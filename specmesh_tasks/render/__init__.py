"""plan.md rendering: context from the model, Jinja blocks, marker-aware merge."""
