"""Digital signatures of a PDF (``/Sig`` fields), read with pyHanko: who signed, when, and whether the bytes held.

Vietnamese e-government documents carry one or more PAdES/PKCS#7 signatures: the signer's
own, then the publishing office's ("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"). For each one this reads
the certificate's subject (common name, organisation), the signing time the signature states
(the signed ``signingTime`` attribute, else the dictionary's ``/M``), and checks its integrity
offline: the digest of the signed byte range must equal the signed digest and the signature
must verify against the certificate's key (no revocation or trust-chain look-ups: no network).
``covers_file`` tells whether the signed range is the whole file; false means revisions were
appended after it (later signatures, form filling, or edits).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signature:
    field: str | None  # the signature field's name
    signer: str | None  # certificate subject's common name
    organisation: str | None  # certificate subject's organisation
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged and the signature verifies
    covers_file: bool  # the signature covers the whole file (nothing appended after it)


def read_signatures(path: str) -> list[Signature]:
    """The PDF's signatures in file order; ``[]`` for a non-PDF, an unsigned or an unreadable file."""
    try:
        with open(path, "rb") as fh:
            if not fh.read(5).startswith(b"%PDF"):
                return []
    except OSError:
        return []
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    out: list[Signature] = []
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)  # its validation logs every untrusted chain as an error
    try:
        with open(path, "rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            if reader.encrypted:
                reader.decrypt("")
            for sig in reader.embedded_signatures:
                try:
                    out.append(_one(sig))
                except (ValueError, KeyError, TypeError, PdfError) as exc:
                    log.warning("signature %s of %s not read: %s", sig.field_name, path, exc)
    except (PdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("signatures of %s not read: %s", path, exc)
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
    return out


def _one(sig: Any) -> Signature:
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    cert = sig.signer_cert
    subject = cert.subject.native if cert is not None else {}
    try:
        intact, valid = validate_sig_integrity(
            sig.signer_info, cert, expected_content_type="data", actual_digest=sig.compute_digest()
        )
    except (SignatureValidationError, ValueError) as exc:
        log.info("signature %s does not verify: %s", sig.field_name, exc)
        intact, valid = False, False
    coverage = sig.evaluate_signature_coverage()
    return Signature(
        field=str(sig.field_name) if sig.field_name is not None else None,
        signer=_text(subject.get("common_name")),
        organisation=_text(subject.get("organization_name")),
        signed_at=sig.self_reported_timestamp,
        intact=bool(intact and valid),
        covers_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    from normalizers.text import nfc

    return nfc(str(value)).strip() if value else None
