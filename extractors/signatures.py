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
        out = _lenient(path)
        log.warning("signatures of %s not read by pyHanko (%s); %d read leniently", path, exc, len(out))
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


def _lenient(path: str) -> list[Signature]:
    """The signatures of a file pyHanko refuses, read as far as they can be: a file re-saved by a tool
    that encrypted the signatures' ``/Contents`` too (against the PDF standard, which leaves them in
    clear) holds a CMS that decrypts with the file's key. The signer and signing time are read from it;
    the signed bytes were rewritten, so the signature is never ``intact`` and covers nothing."""
    import hashlib

    import pikepdf
    from asn1crypto import cms

    out: list[Signature] = []
    try:
        with pikepdf.open(path) as pdf:
            form: Any = pdf.Root.get("/AcroForm")
            fields: Any = form.get("/Fields", []) if form is not None else []
            for field in fields:
                value = field.get("/V")
                if field.get("/FT") != "/Sig" or value is None or "/Contents" not in value:
                    continue
                data = bytes(value.Contents)
                info = _content_info(data, cms)
                if info is None and pdf.is_encrypted and value.is_indirect:
                    num, gen = value.objgen
                    key = pdf.encryption.encryption_key
                    obj_key = hashlib.md5(key + num.to_bytes(3, "little") + gen.to_bytes(2, "little") + b"sAlT")
                    info = _content_info(_aes_decrypt(obj_key.digest()[:16], data), cms)
                if info is None:
                    continue
                out.append(_from_cms(info, field, value))
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("signatures of %s not read leniently either: %s", path, exc)
    return out


def _aes_decrypt(key: bytes, data: bytes) -> bytes:
    """AES-128-CBC as PDF encryption (AESV2) uses it: the first 16 bytes are the IV, PKCS#7 padding."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(data) < 32 or len(data) % 16:
        return b""
    dec = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
    plain = dec.update(data[16:]) + dec.finalize()
    pad = plain[-1]
    return plain[:-pad] if 0 < pad <= 16 else plain


def _content_info(data: bytes, cms: Any) -> Any:
    """A CMS ``ContentInfo`` of signed data, or None when ``data`` is none."""
    if not data.startswith(b"\x30"):
        return None
    try:
        info = cms.ContentInfo.load(data, strict=False)
        if info["content_type"].native != "signed_data":
            return None
        info["content"]["signer_infos"]  # parses the lazy structure now, not later
        return info
    except (ValueError, TypeError, KeyError):
        return None


def _from_cms(info: Any, field: Any, value: Any) -> Signature:
    signed = info["content"]
    signer_info = signed["signer_infos"][0]
    sid = signer_info["sid"].native
    subject: dict = {}
    for cert in signed["certificates"] or []:
        chosen = cert.chosen
        if getattr(chosen, "serial_number", None) == (sid or {}).get("serial_number") or not subject:
            subject = chosen.subject.native
    signed_at = None
    for attr in signer_info["signed_attrs"] or []:
        if attr["type"].native == "signing_time":
            signed_at = attr["values"][0].native
    if signed_at is None and "/M" in value:
        from pyhanko.pdf_utils.generic import parse_pdf_date

        try:
            signed_at = parse_pdf_date(str(value.M), strict=False)
        except (ValueError, TypeError):
            signed_at = None
    name = field.get("/T")
    return Signature(
        field=str(name) if name is not None else None,
        signer=_text(subject.get("common_name")),
        organisation=_text(subject.get("organization_name")),
        signed_at=signed_at,
        intact=False,
        covers_file=False,
    )


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    from normalizers.text import nfc

    return nfc(str(value)).strip() if value else None
