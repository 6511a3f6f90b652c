"""What the other tasks would redo after the spec changes since REF (`specmesh impact --since`).

- plans: every plan.md `specmesh plan` renders differently because of them — a plan whose
  `inputs=` hash (`render.blocks.inputs_hash`, the digest of everything it shows) differs between
  the tree at REF and the tree now, or a feature that is planned now and was not at REF. Both
  hashes use the current template: template changes are not spec changes.
- tests: the tests `specmesh test --since REF` selects for spec reasons, through the same two
  functions it uses (`affected.since.changed_requirements`, `affected.select.cites_changed`).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind
from specmesh_tasks.trace.since import SpecDiff
from specmesh_tasks.trace.sources import Sources

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

_PLANNED_KINDS = (SpecKind.FEATURE, SpecKind.FIX)


def rerendered_plans(root: Path, settings: Settings, diff: SpecDiff) -> tuple[str, ...]:
    """The plan.md paths whose rendering the changes of `diff` alter."""
    if not diff.old_text:
        return ()
    from specmesh_tasks.load import index_definitions, load_repo
    from specmesh_tasks.parse.spec import parse_spec
    from specmesh_tasks.render.templates import template_path

    now = load_repo(root, settings, test_tags=False)
    old_docs = {rel: parse_spec(text, rel) for rel, text in diff.old_text.items() if text}
    kept = [d for d in now.specs if d.path not in diff.old_text]
    ref_specs = [*kept, *old_docs.values()]
    at_ref = Repo(now.root, tuple(ref_specs), now.matrix, definitions=index_definitions(ref_specs))
    template = template_path(root, settings).read_text(encoding="utf-8")
    allowed = {s.casefold() for s in settings.plan.allowed_statuses}
    found = []
    for spec in now.specs:
        if not _planned(spec, allowed):
            continue
        text = diff.new_text.get(spec.path) or _read(root / spec.path)
        before = old_docs.get(spec.path) if spec.path in diff.old_text else spec
        old_text = diff.old_text.get(spec.path, text)
        if (before is None or not _planned(before, allowed)
                or _hash(before, at_ref, old_text, template) != _hash(spec, now, text, template)):
            found.append(posixpath.join(posixpath.dirname(spec.path), "plan.md"))
    return tuple(sorted(found))


def _planned(spec: SpecDoc, allowed: set[str]) -> bool:
    return spec.kind in _PLANNED_KINDS and (spec.status or "").strip().casefold() in allowed


def _hash(spec: SpecDoc, repo: Repo, text: str, template: str) -> str:
    from specmesh_tasks.render.blocks import inputs_hash
    from specmesh_tasks.render.context import build_context

    return inputs_hash(build_context(spec, repo, text), template)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def selected_tests(root: Path, sources: Sources, diff: SpecDiff) -> tuple[str, ...]:
    """Test node IDs `specmesh test --since REF` selects because a requirement they cite changed."""
    from specmesh_tasks.affected.select import cites_changed
    from specmesh_tasks.affected.since import changed_requirements

    changed = changed_requirements(root, diff.old_text)
    if not changed:
        return ()
    hit = set(cites_changed([c.citation for c in sources.citations], changed))
    return tuple(sorted({c.node for c in sources.citations if c.citation in hit}))
