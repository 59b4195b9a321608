"""Pictures and pages: site-marked depictions (:func:`depict`) and the self-contained HTML report of a library."""

from .depict import SITE_COLOURS, SiteMark, depict, depict_png, marks_from_annotation, marks_from_rings

__all__ = ["SITE_COLOURS", "SiteMark", "depict", "depict_png", "marks_from_annotation", "marks_from_rings"]
