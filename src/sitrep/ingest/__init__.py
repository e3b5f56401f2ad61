"""Ingestion: files, folders, HTML pages, JSON Lines and web archives into ``Report`` objects.

``read_reports`` streams: folders are listed and files opened only as the caller iterates,
and bad input becomes an ``IngestError`` in the stream instead of an exception. Offsets in
a plain-text Report index the file's text as decoded (after a dropped UTF-8 BOM); in an
HTML Report they index the main text extracted from the page. trafilatura is imported only
when the first HTML page is read. Feeds, sitemaps and source lists (``feeds``), fetched pages
(``webpage``) and the relevance filter run before spaCy (``relevance``) live here too.
"""

from sitrep.ingest.errors import IngestError
from sitrep.ingest.files import REPORT_SUFFIXES, count_inputs, read_reports
from sitrep.ingest.header import read_text_report
from sitrep.ingest.html_page import read_html_report
from sitrep.ingest.relevance import RelevanceFilter
from sitrep.ingest.warc import read_warc

__all__ = [
    "REPORT_SUFFIXES",
    "IngestError",
    "RelevanceFilter",
    "count_inputs",
    "read_html_report",
    "read_reports",
    "read_text_report",
    "read_warc",
]
