"""Keys derived from the one secret: encryption of personal data, keyed hashes, tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet


def _derive(secret_key: str, purpose: str) -> bytes:
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(secret_key, "pii-encryption-v1")))


def encrypt_pii(secret_key: str, plaintext: str) -> bytes:
    return _fernet(secret_key).encrypt(plaintext.encode())


def decrypt_pii(secret_key: str, ciphertext: bytes) -> str:
    return _fernet(secret_key).decrypt(ciphertext).decode()


def keyed_hash(secret_key: str, value: str, purpose: str = "pii-hash-v1") -> str:
    """HMAC-SHA256 hex: equal inputs match, but the hash can't be reversed by enumerating IDs."""
    return hmac.new(_derive(secret_key, purpose), value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
