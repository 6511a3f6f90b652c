"""Render a plan: the sandboxed Jinja environment, the inputs hash, the creation date.

Spec text reaches the template only as values. Every value printed by `{{ ... }}` goes through
`safe_value` (one Markdown line: newlines collapsed, control characters dropped, `<!--` shown
literally), so `{{ 7*7 }}` written in a spec appears as written and a spec cannot forge markers.
The environment is a `SandboxedEnvironment` with `StrictUndefined`: a project's own template can
read the context but not reach Python internals, and a typo in it is an error, not a blank.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from specmesh_tasks.errors import TemplateReferenceError
from specmesh_tasks.formats.plan_markers import ANY_FORMAT_RE, format_marker
from specmesh_tasks.fsutil import short_hash
from specmesh_tasks.render.seal import GEN_END, GEN_NAME_END, GEN_START, SEED_START, Rendered, SealError, seal
from specmesh_tasks.render.templates import resolve_reference

if TYPE_CHECKING:
    from specmesh_tasks.render.context import PlanContext

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_environments: dict[str, Any] = {}


class PlanTemplateError(ValueError):
    """A template that does not render (syntax error, unknown name, misused marker): one line."""


class Trusted(str):
    """Text made by our own helpers (markers); printed as is."""

    __slots__ = ()


def safe_value(value: object) -> str:
    """One Markdown line of data: no control characters, no newlines, no HTML comment openers."""
    text = _CONTROL.sub("", str(value))
    text = " ".join(text.replace("\r", "\n").split("\n")) if "\n" in text or "\r" in text else text
    return text.replace("<!--", "&lt;!--")


def _finalize(value: object) -> object:
    return value if isinstance(value, Trusted) else safe_value(value)


def gen(name: str, value: object) -> Trusted:
    """One generated value at the end of a prompt line (sealed into a marked line later)."""
    text = safe_value(value).strip() if value is not None else ""
    return Trusted(f"{GEN_START}{name}{GEN_NAME_END}{text}{GEN_END}")


def seed(name: str, value: object) -> Trusted:
    """An answer written once, when plan.md is created, at the end of a prompt line (no marker)."""
    text = safe_value(value).strip() if value is not None else ""
    return Trusted(f"{SEED_START}{name}{GEN_NAME_END}{text}{GEN_END}")


def inputs_hash(ctx: PlanContext, template_text: str) -> str:
    """The plan's `inputs=` hash: every value it shows (not its Created date) and the template."""
    data = json.dumps(ctx.as_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return short_hash(data + "\n\x1e\n" + template_text)


def creation_date(environ: dict[str, str] | None = None) -> str:
    """`SOURCE_DATE_EPOCH` as a UTC date when set (reproducible builds), else today."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
    return date.today().isoformat()


def _environment(cache_dir: Path | None, folder: Path | None, root: Path | None) -> Any:
    """One sandboxed environment per cache directory and template folder (compiled templates are
    reused in-process, and across runs through Jinja's bytecode cache in `.specify/.cache/jinja/`)."""
    key = f"{cache_dir or ''}\x00{folder or ''}\x00{root or ''}"
    env = _environments.get(key)
    if env is None:
        from jinja2 import BaseLoader, FileSystemBytecodeCache, StrictUndefined, TemplateNotFound
        from jinja2.sandbox import SandboxedEnvironment

        class TextLoader(BaseLoader):
            """Serves the template texts handed to `render_plan` by name, and the templates they
            include, import or extend from the template's own folder inside the root."""

            def __init__(self) -> None:
                self.texts: dict[str, str] = {}

            def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Any]:
                if template in self.texts:
                    return self.texts[template], None, lambda: True
                if folder is None or root is None:
                    raise TemplateNotFound(template)
                try:
                    path = resolve_reference(f'"{template}"', root, folder, where=(template, 0))
                except TemplateReferenceError:
                    raise TemplateNotFound(template) from None
                mtime = path.stat().st_mtime_ns
                return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime_ns == mtime

        class CheckedBytecodeCache(FileSystemBytecodeCache):  # type: ignore[misc]  # jinja2's own types
            """Jinja's file cache, which loads any marshalled value after a valid header: one that
            is not compiled code (a damaged file) is set aside, and the template compiled again."""

            def load_bytecode(self, bucket: Any) -> None:
                super().load_bytecode(bucket)
                if bucket.code is not None and not isinstance(bucket.code, CodeType):
                    from specmesh_tasks.state import set_aside

                    set_aside(Path(self._get_cache_filename(bucket)), "not compiled template code")
                    bucket.reset()

        bytecode = None
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            bytecode = CheckedBytecodeCache(str(cache_dir))
        env = SandboxedEnvironment(
            loader=TextLoader(), undefined=StrictUndefined, autoescape=False, trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True, finalize=_finalize, bytecode_cache=bytecode,
        )
        env.globals["gen"] = gen
        env.globals["seed"] = seed
        _environments[key] = env
    return env


def render_plan(ctx: PlanContext, template_text: str, *, created: str, template_name: str = "plan.md.j2",
                cache_dir: Path | None = None, template_dir: Path | None = None, root: Path | None = None,
                source: str | None = None) -> Rendered:
    """Render, put the format marker after the H1, and seal the marked lines and blocks.

    `template_dir` and `root` let the template pull in others from its folder; `source` is the
    text of all of them (`templates.template_source`), which the inputs hash digests.
    """
    from jinja2 import TemplateError, TemplateSyntaxError

    digest = inputs_hash(ctx, source if source is not None else template_text)
    name = f"{template_name}@{short_hash(template_text)}"
    env = _environment(cache_dir, template_dir, root)
    env.loader.texts[name] = template_text
    values = {f: getattr(ctx, f) for f in ctx.__dataclass_fields__}
    values["shown"] = ctx.shown()
    try:
        text = env.get_template(name).render(**values, created=created, inputs_hash=digest)
    except TemplateSyntaxError as exc:
        raise PlanTemplateError(f"{template_name}:{exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise PlanTemplateError(f"{template_name}: {exc}") from None
    try:
        return seal(_place_format_marker(text, digest))
    except SealError as exc:
        raise PlanTemplateError(f"{template_name}: {exc}") from None


def _place_format_marker(text: str, digest: str) -> str:
    """Exactly one format marker, on the line directly after the first H1."""
    lines = [x for x in text.split("\n") if not ANY_FORMAT_RE.match(x.rstrip())]
    h1 = next((i for i, x in enumerate(lines) if x.startswith("# ")), -1)
    lines.insert(h1 + 1, format_marker(digest))
    return "\n".join(lines)
