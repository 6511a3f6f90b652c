"""Affected-test selection: import graph, fingerprints, selection, one pytest run."""
