"""MkDocs hook: the site's diagrams render offline, with the Mermaid pinned in package.json.

Material for MkDocs renders a ``mermaid`` fence in the browser and, when the page has no
``mermaid`` global, fetches ``https://unpkg.com/mermaid@11/dist/mermaid.min.js`` - an
unpinned major version from another host, and nothing offline. This hook copies
``node_modules/mermaid/dist/mermaid.min.js`` (``npm ci`` installs the exact version of
package.json; every ``make`` target runs it) into the site, and loads it on each page that
shows a diagram, before Material looks for it (a plain script at the end of the body runs
before ``DOMContentLoaded``), so Material never fetches its own. Only those pages pay for
its 3.5 MB. ``tests/docs/test_site.py`` fails if the built site loads a script or a style
from another host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[2]
MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
#: Where the site serves it.
SITE_PATH = "assets/javascripts/mermaid.min.js"


def on_config(config: Any) -> Any:
    if "navigation.instant" in config.theme.get("features", []):
        # Instant navigation swaps the page body without loading its scripts: a page with a
        # diagram reached from one without would make Material fetch Mermaid from unpkg.com.
        raise PluginError("docs/hooks/mermaid.py loads Mermaid per page; navigation.instant would skip it")
    return config


def on_files(files: Files, config: Any) -> Files:
    if not MERMAID.is_file():
        raise PluginError(f"{MERMAID} is missing: `make setup` installs it (npm ci, pinned in package.json)")
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(MERMAID)))
    return files


def on_post_page(output: str, page: Any, config: Any) -> str:
    if 'class="mermaid"' not in output:
        return output
    script = f'<script src="{get_relative_url(SITE_PATH, page.url)}"></script>\n'
    head, body_end, tail = output.rpartition("</body>")
    if not body_end:
        raise PluginError(f"{page.file.src_uri}: no </body> to load Mermaid before")
    return head + script + body_end + tail
