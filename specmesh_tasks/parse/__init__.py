"""Readers: spec-mesh Markdown, plan.md, tasks.md, the matrix JSON and test tags -> the model."""
