"""`doit watch` / `specmesh watch`: run the tasks, then again on every save (contract §8).

`command.py` is the doit command plugin (entry point `doit.COMMAND`, name `watch`); `loop.py`
runs the cycles; `changes.py` decides what a save concerns; `monitor.py` reads the file watcher
and stops stale tests; `request.py` and `status.py` are the small pure parts.
"""
