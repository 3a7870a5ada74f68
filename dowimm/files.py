"""Private storage and checks for documents people upload about a child."""

import logging
import socket
import struct
import zipfile

from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.errors import DependencyError

PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An old-style Word file is an OLE container holding a "WordDocument"
# stream; the same container also carries installers and spreadsheets.
WORD_STREAM = "WordDocument".encode("utf-16-le")
OLE_SEARCH_BYTES = 1024 * 1024

SCAN_CHUNK_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


class PrivateStorage(FileSystemStorage):
    """
    Files under PRIVATE_MEDIA_ROOT, outside the web root, with no URL: they
    are served only by views that check access to the case first.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def document_kind(upload):
    """'PDF' or 'Word' judged by the file's content, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "PDF"
    if head.startswith(OLE_MAGIC):
        found = WORD_STREAM in upload.read(OLE_SEARCH_BYTES)
        upload.seek(0)
        return "Word" if found else None
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                # Macro-enabled documents (.docm) carry a VBA project.
                if "word/document.xml" in names and "word/vbaProject.bin" not in names:
                    return "Word"
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
    return None


def validate_document_upload(upload):
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(limit)}",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if settings.CLAMAV_SOCKET:
        virus_scan(upload)
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError("The selected file must be a PDF or Word document")
    if kind == "PDF":
        pdf_check(upload)


def pdf_check(upload):
    """
    Refuse a file that starts like a PDF but is not one a reader can open:
    anything can be given the five bytes "%PDF-", so the file is parsed and
    must have at least one page. Damaged PDFs that readers repair as they
    open them are let through, as pypdf repairs them too.
    """
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            # A document only its author can open is no use on the case.
            raise ValidationError(
                "The selected PDF is protected by a password. Upload a copy "
                "without a password",
                code="pdf_encrypted",
            )
        pages = len(reader.pages)
    except DependencyError:
        # AES encryption, which pypdf reads only with the cryptography
        # package: the file's structure parsed, which is as far as a check
        # can go without it.
        return
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001
        # Whatever a hostile or broken file makes the parser raise, the
        # answer is the same: it cannot be opened.
        pages = 0
    finally:
        upload.seek(0)
    if pages == 0:
        raise ValidationError(
            "The selected file is not a PDF that can be opened. Save the "
            "document as a PDF again and upload the new copy",
            code="pdf_unreadable",
        )


class ScannerUnavailable(Exception):
    pass


def virus_scan(upload):
    """Refuse `upload` if ClamAV finds a virus in it, or cannot be asked."""
    try:
        verdict = clamd_instream(upload)
    except ScannerUnavailable:
        raise ValidationError(
            "The file could not be checked for viruses just now. "
            "Try uploading it again in a few minutes",
            code="scanner_unavailable",
        ) from None
    if verdict.endswith("FOUND"):
        logger.warning("Upload refused: ClamAV found %s", verdict.split(": ")[-1])
        raise ValidationError(
            "The selected file contains a virus. Upload a clean copy",
            code="virus",
        )


def clamd_instream(upload):
    """
    Send `upload` to clamd with its INSTREAM command and return the reply,
    e.g. "stream: OK" or "stream: Eicar-Signature FOUND".
    """
    try:
        with _clamd_connection() as connection:
            connection.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in iter(lambda: upload.read(SCAN_CHUNK_BYTES), b""):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = connection.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as error:
        logger.error("ClamAV could not be reached: %s", type(error).__name__)
        raise ScannerUnavailable from error
    finally:
        upload.seek(0)
    verdict = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if not (verdict.endswith("OK") or verdict.endswith("FOUND")):
        logger.error("ClamAV could not scan an upload: %s", verdict[-80:])
        raise ScannerUnavailable(verdict)
    return verdict


def _clamd_connection():
    address = settings.CLAMAV_SOCKET
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    if address.startswith("/"):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        connection.connect(address)
        return connection
    host, _, port = address.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def case_files_bytes(case):
    """The size of every document stored on `case` now."""
    collector = NestedObjects(using="default")
    collector.collect([case])
    total = 0
    for model, rows in collector.data.items():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            for row in rows:
                name = getattr(row, field.attname).name
                if name and private_storage.exists(name):
                    total += private_storage.size(name)
    return total


def case_upload_room_check(case, upload):
    """Refuse `upload` if it would take the case's documents past the limit."""
    limit = settings.UPLOAD_CASE_MAX_BYTES
    if case_files_bytes(case) + upload.size > limit:
        raise ValidationError(
            f"This case already holds close to {filesizeformat(limit)} of "
            "documents. Upload a smaller file, or contact the Fair Access "
            "and Exclusions Team",
            code="case_full",
        )
