"""The wheel ships the templates, and an installed wheel (not a source checkout) finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_carries_templates_and_finds_them_when_installed(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("specmesh_tasks-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "specmesh_tasks/_templates/plan.md.j2" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    assert {"specmesh_tasks/trace/page.js", "specmesh_tasks/trace/page.css",  # the trace page's assets
            "specmesh_tasks/schemas/trace-report.schema.json", "specmesh_tasks/schemas/impact-report.schema.json",
            } <= set(names)

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    code = ("from specmesh_tasks.render.templates import bundled_template as b; p = b(); "
            "print(p); assert p.is_file() and '_templates' in str(p), p")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target)},
                         capture_output=True, text=True, check=True).stdout
    assert str(target) in out
