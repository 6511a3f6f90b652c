"""The grammars of the file formats specmesh reads and writes: one stdlib-only module per format.

Declaration, readers, gates and the renderer all import the one module of a format, so a format
is defined in exactly one place (tests/unit/test_one_grammar.py checks it).
"""
