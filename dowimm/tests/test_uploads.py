"""The upload corpus: what a Provision Plan or signed scan may be."""

import io
import socket
import socketserver
import struct
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from cases import services
from cases.services import CaseRuleError
from cases.tests.factories import PDF_BYTES, Cast
from dowimm.files import validate_document_upload

# Built from two halves so that no file in the repository is itself the
# antivirus test file.
EICAR = (
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
).encode()


def upload(content, name="plan.pdf"):
    return SimpleUploadedFile(name, content)


def docx(*extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            archive.writestr(name, b"macro")
    return buffer.getvalue()


def refusal(file):
    with pytest.raises(ValidationError) as raised:
        validate_document_upload(file)
    return raised.value.messages[0]


def test_a_pdf_and_word_documents_are_accepted():
    validate_document_upload(upload(PDF_BYTES))
    validate_document_upload(upload(docx(), "plan.docx"))
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
    validate_document_upload(upload(old_word, "plan.doc"))


@pytest.mark.parametrize(
    "content, name",
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "plan.pdf"),  # a renamed program
        (b"<!DOCTYPE html><script>alert(1)</script>", "plan.pdf"),
        (docx("word/vbaProject.bin"), "plan.docx"),  # macros
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "plan.doc",
        ),  # an installer
        (b"PK\x03\x04 not really a zip", "plan.docx"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(content, name):
    assert refusal(upload(content, name)) == (
        "The selected file must be a PDF or Word document"
    )


def pdf_written_by_pypdf(password=None):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        # RC4: pypdf writes and reads it without the cryptography package.
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_with_no_password_for_reading_is_accepted():
    validate_document_upload(upload(pdf_written_by_pypdf()))
    # Encrypted only against editing: anyone can open it.
    validate_document_upload(upload(pdf_written_by_pypdf(password="")))


@pytest.mark.parametrize(
    "content",
    [
        # HTML behind the five bytes a PDF starts with.
        b"%PDF-1.7\n<!DOCTYPE html><script>alert(1)</script>",
        b"%PDF-1.4\n%test\ntrailer<<>>\n%%EOF\n",  # a header and nothing more
        # Well formed, but no page to show.
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n"
        b"%%EOF\n",
        PDF_BYTES[: len(PDF_BYTES) // 2],  # cut off half way
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(content):
    assert refusal(upload(content)) == (
        "The selected file is not a PDF that can be opened. Save the document "
        "as a PDF again and upload the new copy"
    )


def test_a_pdf_that_needs_a_password_to_open_is_refused():
    assert refusal(upload(pdf_written_by_pypdf(password="secret"))) == (
        "The selected PDF is protected by a password. Upload a copy without a password"
    )


def test_an_oversized_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000

    assert refusal(upload(PDF_BYTES + b"0" * 1000)) == (
        "The file must be smaller than 1000\xa0bytes"
    )


class FakeClamd(socketserver.BaseRequestHandler):
    """Answers INSTREAM as clamd does, finding only the EICAR string."""

    def handle(self):
        command = self.request.recv(len(b"zINSTREAM\0"))
        assert command == b"zINSTREAM\0"
        received = b""
        while True:
            (length,) = struct.unpack("!L", self.recv_exactly(4))
            if length == 0:
                break
            received += self.recv_exactly(length)
        found = b"Win.Test.EICAR_HDB-1 FOUND" if EICAR in received else b"OK"
        self.request.sendall(b"stream: " + found + b"\0")

    def recv_exactly(self, size):
        data = b""
        while len(data) < size:
            data += self.request.recv(size - len(data))
        return data


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMAV_SOCKET = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_with_a_scanner_clean_files_pass(clamd):
    validate_document_upload(upload(PDF_BYTES))


def test_with_a_scanner_the_eicar_test_file_is_refused(clamd, caplog):
    assert refusal(upload(EICAR, "plan.pdf")) == (
        "The selected file contains a virus. Upload a clean copy"
    )
    assert "Upload refused: ClamAV found Win.Test.EICAR_HDB-1 FOUND" in caplog.text
    assert "plan.pdf" not in caplog.text


def test_uploads_are_refused_while_the_scanner_is_down(settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.CLAMAV_SOCKET = f"127.0.0.1:{port}"

    assert refusal(upload(PDF_BYTES)) == (
        "The file could not be checked for viruses just now. "
        "Try uploading it again in a few minutes"
    )


@pytest.mark.django_db
def test_a_case_holds_at_most_its_total_of_documents(settings):
    cast = Cast()
    case = cast.preliminary_case()
    settings.UPLOAD_CASE_MAX_BYTES = len(PDF_BYTES) * 2
    for _ in range(2):
        services.provision_plan_upload(
            case_id=case.pk, user=cast.home_staff, upload=upload(PDF_BYTES)
        )

    with pytest.raises(CaseRuleError) as raised:
        services.provision_plan_upload(
            case_id=case.pk, user=cast.home_staff, upload=upload(PDF_BYTES * 2)
        )

    assert raised.value.field == "file"
    assert raised.value.message.startswith("This case already holds close to")
