"""Which plan template a project uses, and the templates it pulls in (no jinja2 here: task
declaration calls this).

Order: `plan.template` from specmesh.yaml, else `.specify/templates/plan.md.j2`, else the bundled
template — inside an installed wheel at `specmesh_tasks/_templates/`, in a source checkout at
`<repo>/templates/`.

A project's template may `{% include %}`, `{% import %}`, `{% from … import %}` and
`{% extends %}` other templates of its own folder inside the root, by a literal name
(`{% include "parts/risks.md.j2" %}`). Those files are inputs of every plan like the template
itself. Any other reference (a name outside the folder or the root, a missing file, a name computed
from a variable) is one line naming the template and the line, exit 3.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from specmesh_tasks.errors import OutsideRootError, TemplateReferenceError, UserError
from specmesh_tasks.fsutil import is_within

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings

TEMPLATE_NAME = "plan.md.j2"
OVERRIDE = Path(".specify") / "templates" / TEMPLATE_NAME
_bundled: list[Path] = []


def bundled_template() -> Path:
    """The template shipped with specmesh-tasks."""
    if not _bundled:
        _bundled.append(_find_bundled())
    return _bundled[0]


def _find_bundled() -> Path:
    try:
        from importlib.resources import files

        packaged = files("specmesh_tasks") / "_templates" / TEMPLATE_NAME
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, OSError, TypeError):  # pragma: no cover - odd installs
        pass
    return Path(__file__).resolve().parents[2] / "templates" / TEMPLATE_NAME


def template_path(root: Path, settings: Settings | None = None) -> Path:
    """The plan template for this project (UserError when a configured one is missing)."""
    configured = settings.plan.template if settings is not None else None
    if configured:
        path = (Path(root) / configured) if not Path(configured).is_absolute() else Path(configured)
        if not is_within(path, Path(root)):
            raise OutsideRootError(path=configured, root=root)
        if not path.is_file():
            source = settings.source if settings is not None and settings.source else "specmesh.yaml"
            raise UserError(f"error: {source}: plan.template: {configured} does not exist")
        return path
    override = Path(root) / OVERRIDE
    if override.is_file():
        return override
    return bundled_template()


_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_REFERENCE = re.compile(r"\{%-?\s*(include|import|from|extends)\b\s*(\S*)")
_LITERAL = re.compile(r"""^(["'])([^"'{}%]+)\1$""")


def template_files(root: Path, settings: Settings | None = None) -> tuple[Path, ...]:
    """The plan template and every template it pulls in, transitively, in a stable order."""
    return with_references(template_path(root, settings), root)


def with_references(main: Path, root: Path) -> tuple[Path, ...]:
    """`main` and every template it pulls in, transitively (TemplateReferenceError for a bad one)."""
    found = [main]
    for path in found:  # grows while it is read: the references of references
        for ref in references(path, root, main.parent):
            if ref not in found:
                found.append(ref)
    return tuple(found)


def references(path: Path, root: Path, folder: Path) -> list[Path]:
    """The templates `path` includes, imports or extends, resolved in `folder` (checked)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    out = []
    for match in _REFERENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        out.append(resolve_reference(match.group(2), root, folder, where=(_shown(path, root), line)))
    return out


def resolve_reference(token: str, root: Path, folder: Path, *, where: tuple[str, int]) -> Path:
    """The file a literal template name means: a file of `folder` (inside the root)."""
    literal = _LITERAL.match(token.rstrip("-%}").strip())
    if literal is None:
        raise TemplateReferenceError(template=where[0], line=where[1], reference=token or "(nothing)",
                                     problem="only a quoted template name can be included, imported or extended")
    name = literal.group(2)
    parts = PurePosixPath(name).parts
    target = folder.joinpath(*parts)
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts or not is_within(target, folder) \
            or not is_within(target, root):
        raise TemplateReferenceError(template=where[0], line=where[1], reference=name,
                                     problem="not in the template's own folder inside the root")
    if not target.is_file():
        raise TemplateReferenceError(template=where[0], line=where[1], reference=name,
                                     problem=f"no such template in {_shown(folder, root)}")
    return target


def template_source(files: tuple[Path, ...]) -> str:
    """What a plan's inputs hash digests of its templates: each one's text, in order."""
    texts = [f.read_text(encoding="utf-8") for f in files]
    if len(texts) == 1:
        return texts[0]  # the common case: the same hash as before templates could include others
    names = [f.relative_to(files[0].parent).as_posix() for f in files[1:]]
    return texts[0] + "".join(f"\n\x1e{name}\n{text}" for name, text in zip(names, texts[1:], strict=True))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)
