"""tasks.md materialization from the plan's Work Breakdown, keeping progress."""
