"""Private storage and checks for documents people upload about a child."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


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
        return "Word"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
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
    if document_kind(upload) is None:
        raise ValidationError("The selected file must be a PDF or Word document")
