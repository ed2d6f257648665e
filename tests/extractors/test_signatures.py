"""Digital signatures that pyHanko refuses: a file re-saved by a tool that encrypted the signature's CMS.

The PDF standard leaves a signature's ``/Contents`` in clear in an encrypted file; some publishing
tools encrypt it with the rest (AESV2, the object's key), so the CMS no longer parses. The lenient
reader decrypts it and reads the signer and signing time (never ``intact``: the bytes were rewritten).
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime, timedelta

import pytest


def _signed_pdf(tmp_path):
    """A one-page PDF signed by a self-signed certificate of "Ủy ban nhân dân tỉnh Quảng Ngãi"."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from reportlab.pdfgen import canvas

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân tỉnh Quảng Ngãi"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh Quảng Ngãi"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore(),
    )
    plain = io.BytesIO()
    c = canvas.Canvas(plain)
    c.drawString(100, 750, "So: 12/TB-UBND")
    c.save()
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(plain.getvalue())),
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=signer,
        output=out,
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.slow
def test_a_signature_whose_cms_a_tool_encrypted_is_read_leniently(tmp_path):
    import pikepdf
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from extractors import signatures

    path = _signed_pdf(tmp_path)
    good = signatures.read_signatures(str(path))
    assert [(s.signer, s.intact) for s in good] == [("Ủy ban nhân dân tỉnh Quảng Ngãi", True)]

    # re-saved encrypted (AESV2): the CMS stays in clear (as the standard says) and still parses
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.open(path) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="x", user="", R=4, aes=True))
    resaved = signatures.read_signatures(str(encrypted))
    assert [(s.signer, s.intact) for s in resaved] == [("Ủy ban nhân dân tỉnh Quảng Ngãi", False)]

    # the bad tool: the CMS encrypted with its object's key, written over the clear one (same length)
    with pikepdf.open(encrypted) as pdf:
        file_key = pdf.encryption.encryption_key
        value = next(f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig").V
        num, gen = value.objgen
        cms = bytes(value.Contents)
    obj_key = hashlib.md5(file_key + num.to_bytes(3, "little") + gen.to_bytes(2, "little") + b"sAlT").digest()[:16]
    padder = padding.PKCS7(128).padder()
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(obj_key), modes.CBC(iv)).encryptor()
    scrambled = iv + enc.update(padder.update(cms) + padder.finalize()) + enc.finalize()
    raw = encrypted.read_bytes()
    start = raw.lower().index(cms[:16].hex().encode())
    end = raw.index(b">", start)
    assert len(scrambled) * 2 <= end - start + 64
    new_hex = scrambled.hex().encode()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(raw[:start] + new_hex + b" " * max(0, end - start - len(new_hex)) + raw[end:])

    read = signatures.read_signatures(str(bad))
    assert len(read) == 1
    assert read[0].signer == "Ủy ban nhân dân tỉnh Quảng Ngãi" and read[0].organisation == "Tỉnh Quảng Ngãi"
    assert read[0].signed_at is not None and abs(read[0].signed_at - datetime.now(UTC)) < timedelta(hours=1)
    assert not read[0].intact and not read[0].covers_file
