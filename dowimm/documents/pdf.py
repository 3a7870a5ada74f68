"""
Turning a document version into a tagged, accessible PDF with WeasyPrint.

Everything here runs in a Celery worker, never in a web request: the first
render in a process costs most of a second while fonts are set up.
"""

import hashlib
import logging
import mimetypes
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL the PDF's own links resolve against: never fetched over HTTP.
BASE_URL = "file:///dowimm/"


class DiskFetcher(URLFetcher):
    """
    Serves /static/ from the static files and /uploads/ from private storage,
    read straight from disk. Anything else is refused, so a crafted value in
    a document can never make the worker fetch a URL.
    """

    def fetch(self, url, headers=None):
        path = unquote(urlsplit(url).path)
        found = None
        if url.startswith("file:///dowimm/static/"):
            found = finders.find(path.removeprefix("/dowimm/static/"))
        elif url.startswith("file:///dowimm/uploads/"):
            found = _private_path(path.removeprefix("/dowimm/uploads/"))
        if not found:
            logger.warning("Refused to fetch a resource for a PDF")
            raise ValueError("Only static files and uploads are read for PDFs")
        body = Path(found).read_bytes()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=body, headers={"Content-Type": content_type}
        )


def _private_path(relative):
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    candidate = (root / relative).resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def body_html(kind, case):
    """The document's content for a case, in one Unicode form (NFC)."""
    html = render_to_string(kind.template, kind.context(case))
    return unicodedata.normalize("NFC", html)


def content_sha256(html, parties):
    digest = hashlib.sha256(html.encode())
    for party in parties:
        digest.update(repr(sorted(party.items())).encode())
    return digest.hexdigest()


def page_html(version, *, signatures=None):
    """The whole page WeasyPrint lays out: the frozen body, and when given, a
    signature page."""
    context = {
        "version": version,
        "case": version.case,
        "authority_name": settings.AUTHORITY_NAME,
        "signatures": signatures,
    }
    return render_to_string("documents/pdf.html", context)


def pdf_from_html(html):
    """A tagged PDF/UA-1 document, A4, from the page HTML."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=DiskFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()
