"""Bytes → text: detect the encoding (UTF-8, GB18030/GBK, Big5, UTF-16), reject binaries."""

from __future__ import annotations

import codecs

from policytrack.errors import IngestError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def check_size(data: bytes, name: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise IngestError(
            f"{name} is {len(data):,} bytes, over the limit of {max_bytes:,}; split it or raise "
            "the limit with --max-bytes"
        )


def decode(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; IngestError for empty, binary or undecodable input."""
    if not data.strip():
        raise IngestError(f"{name} is empty; give a file with the document's text")
    check_size(data, name, max_bytes)
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc.replace("-sig", "")
    nul = data.find(b"\0")
    if nul >= 0:  # anywhere: a NUL after the first 8 KB once reached the archive
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise IngestError(
            f"{name} holds NUL bytes (the first at byte {nul:,}): it is a binary file, not "
            "text; policytrack add takes plain text (UTF-8, UTF-16, GB18030/GBK or Big5), "
            "web pages, .docx, PDF or canonical Markdown"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), enc, text))
    if not candidates:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise IngestError(
                f"{name} is not valid UTF-8, GB18030 or Big5 text; convert it to UTF-8 "
                "(e.g. iconv -f ENCODING -t UTF-8) and add it again"
            )
        return str(best), best.encoding
    candidates.sort(key=lambda c: -c[0])  # stable: ties keep the order tried
    return candidates[0][2], candidates[0][1]


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark (Windows tools do): its ASCII
    characters (line breaks, digits) put a NUL in every other byte. The byte order whose
    decoding reads as Chinese prose wins; None if neither does."""
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\0" in text:
            continue
        score = _plausibility(text)
        if score > 0.3 and (best is None or score > best[0]):
            best = (score, text, "utf-16")
    return (best[1], best[2]) if best else None


# The most frequent characters of Chinese prose, in both scripts: a decoding that yields
# many of them is the right one (a wrong one yields rare characters and symbols).
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
    "制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数"
    "正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题"
    "党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手"
    "角期根论运农指几九区强放决西被干做必战先回则任取据处府研质术策施"
    "為這個們來時國會說對發動與經進於點現實體從業還個關機種論開應學麼當過產"
)


def _plausibility(text: str) -> float:
    sample = text[:20000]
    cjk = [c for c in sample if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    common = sum(1 for c in cjk if c in _COMMON)
    odd = sum(1 for c in sample if ("\ue000" <= c <= "\uf8ff") or c == "\ufffd")
    return common / len(cjk) - odd / max(1, len(sample))
