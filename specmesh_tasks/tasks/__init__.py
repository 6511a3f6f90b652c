"""The doit layer: task creators over the plain functions of the other packages."""
