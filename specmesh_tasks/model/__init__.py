"""The typed model: IDs, frozen dataclasses for specs, and the Repo index."""
