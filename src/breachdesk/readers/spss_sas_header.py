"""SPSS's and SAS's dataset headers: how the sniffer knows a ``.sav``, ``.por``, ``.sas7bdat``
or ``.xpt`` file whatever its name (apart from ``readers.spss_sas``, which imports pyreadstat)."""

from __future__ import annotations

# A system file (.sav) opens with "$FL2" ("$FL3": the zlib-compressed .zsav) and the product
# that wrote it ("@(#) SPSS DATA FILE ..."); SAS's data set (.sas7bdat) with a 32-byte magic
# number; a SAS transport file (.xpt, versions 5 and 8, what the FDA and many registries ask for)
# with its first 80-byte header record.
_SAS7BDAT = bytes(12) + bytes.fromhex("c2ea8160b31411cfbd92080009c7318c181f1011")
_XPORT = b"HEADER RECORD*******LIB"
# A portable file (.por) opens with a 200-byte splash of five 40-byte lines, the same words in
# several character sets (the last ASCII: "ASCII SPSS PORT FILE"), then a 256-byte character
# table and the tag "SPSSPORT"; writers wrap the file into 80-character lines, so the tag's place
# moves by the line breaks between.
_POR_SPLASH = b"SPSS PORT FILE"


def kind_of(head: bytes) -> str | None:
    """ "spss" or "sas" from a file's first 600 bytes; None for anything else."""
    if head[:4] in (b"$FL2", b"$FL3"):
        return "spss"
    if head[:32] == _SAS7BDAT or head.startswith(_XPORT):
        return "sas"
    if _POR_SPLASH in head[:220] and b"SPSSPORT" in head[200:600]:
        return "spss"
    return None
