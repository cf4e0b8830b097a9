"""The start-up check that XML parsing is defended (defusedxml in openpyxl, expat version)."""

from __future__ import annotations

import pyexpat


def check_xml_safety() -> str:
    """Verify that openpyxl parses through defusedxml; return a line for the log.

    Call it once at application start (after the first window is painted: it imports
    openpyxl). The worker process runs the same check before it uses openpyxl.

    Returns:
        e.g. "defusedxml 0.7.1 active in openpyxl; expat_2.5.0".

    Raises:
        RuntimeError: defusedxml is missing, or disabled with OPENPYXL_DEFUSEDXML=False.
    """
    import defusedxml

    from planner.importing.engines import ensure_defused_xml

    ensure_defused_xml()
    return f"defusedxml {defusedxml.__version__} active in openpyxl; {pyexpat.EXPAT_VERSION}"
