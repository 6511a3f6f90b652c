"""Which plan template a project uses (no jinja2 here: task declaration calls this).

Order: `plan.template` from specmesh.yaml, else `.specify/templates/plan.md.j2`, else the bundled
template — inside an installed wheel at `specmesh_tasks/_templates/`, in a source checkout at
`<repo>/templates/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from specmesh_tasks.errors import OutsideRootError, UserError
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
