"""Where a project's templates come from: its own ``templates/`` folder, over the package's.

A course project (``course init``) holds content and no copy of the engine: pages, print
documents, live views, the site's scripts and the theme overrides come from the installed
package. A project overrides one of them by putting its own file at the same relative path
under its ``templates/`` folder (``templates/pages/quiz.md.j2``); the rest still come from the
package. The project of this repository is the package's own folder, so there is one layer.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The templates shipped with the package: a wheel carries the project's templates/ folder as
#: builder/templates (pyproject.toml); a checkout, installed editable, has it beside builder/.
_PACKAGE = Path(__file__).resolve().parent
PACKAGE_TEMPLATES = next(
    p for p in (_PACKAGE / "templates", _PACKAGE.parent / "templates") if p.is_dir()
)


def layered(folder: Path, part: str | None = None) -> list[Path]:
    """The folders to look in for a template of ``folder``, first match wins: the project's
    own (if it exists), then the package's ``part`` (by default, the folder's name: ``pages``,
    ``print``, ``live``, ``static``, ``overrides``)."""
    package = PACKAGE_TEMPLATES / (part or folder.name)
    own = [folder] if folder.is_dir() else []
    if own and os.path.realpath(folder) == os.path.realpath(package):
        return own
    return [*own, package] if package.is_dir() else own


def find_template(folder: Path, name: str, part: str | None = None) -> Path:
    """The file ``name`` of ``folder``: the project's own, else the package's."""
    layers = layered(folder, part)
    return next((f / name for f in layers if (f / name).is_file()), layers[-1] / name)
