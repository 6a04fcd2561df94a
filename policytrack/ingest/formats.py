"""What kind of file is this, and its text as one paragraph per line.

Plain text goes straight to the text pipeline; web pages, .docx and PDF files are turned
into the same shape of text first (`Converted`), with what the container knows on top:
a page's metadata table (索引号 / 发文机关 / 成文日期 / 发布日期 / 文号 …) and its
attachments. Anything else is refused with a message naming what is supported.
"""

from __future__ import annotations

from policytrack.errors import IngestError

from .converted import Converted, Format

SUPPORTED = (
    "plain text (UTF-8, GB18030/GBK, Big5), canonical Markdown, web pages (.html/.htm), "
    "Word .docx and PDF files with a text layer"
)


_REFUSED = (
    (b"\xd0\xcf\x11\xe0", "a Word 97-2003 .doc or WPS file; save it as .docx or PDF"),
    (b"\x89PNG", "a PNG image (a scanned page?); run OCR first and add the text"),
    (b"\xff\xd8\xff", "a JPEG image (a scanned page?); run OCR first and add the text"),
    (b"GIF8", "a GIF image; run OCR first and add the text"),
    (b"II*\x00", "a TIFF image (a scanned page?); run OCR first and add the text"),
    (b"MM\x00*", "a TIFF image (a scanned page?); run OCR first and add the text"),
    (b"Rar!", "a RAR archive; unpack it and add the documents inside"),
    (b"\x1f\x8b", "a gzip archive; unpack it and add the documents inside"),
)


def sniff(data: bytes, name: str, content_type: str = "") -> Format:
    """The format from the bytes first, then the name and the HTTP content type."""
    head = data[:2048]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data, name)
    for magic, what in _REFUSED:
        if head.startswith(magic):
            raise IngestError(f"{name} is {what}. Supported: {SUPPORTED}")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (
        lowered.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<body" in lowered
        or name.lower().endswith((".html", ".htm", ".shtml", ".xhtml"))
        or "html" in content_type.lower()
    ):
        return "html"
    return "text"


def _zip_kind(data: bytes, name: str) -> Format:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise IngestError(f"{name} is a damaged zip/Office file; download it again") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        what = "an Excel workbook"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint file"
    elif "OFD.xml" in names:
        what = "an OFD file (GB/T 33190); export it as PDF"
    else:
        what = "a zip archive; unpack it and add the documents inside"
    raise IngestError(f"{name} is {what}. Supported: {SUPPORTED}")


def convert(
    data: bytes, name: str, fmt: Format, *, max_bytes: int, base_url: str = ""
) -> Converted:
    """The text of a web page, .docx or PDF file (not for plain text)."""
    if fmt == "html":
        from .webpage import read_page

        return read_page(data, name, max_bytes=max_bytes, base_url=base_url)
    if fmt == "docx":
        from .wordfile import read_docx

        return read_docx(data, name, max_bytes)
    if fmt == "pdf":
        from .pdffile import read_pdf

        return read_pdf(data, name)
    raise ValueError(fmt)
