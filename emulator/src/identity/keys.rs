// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The emulator's token-signing key: RSA 2048, drawn once per process (a
//! 2048-bit key takes a fraction of a second to generate; tests start many
//! emulators in one process), published at `/{tenant}/discovery/v2.0/keys`
//! under each emulator's own `kid` (see `crate::auth::Keys`), as Entra
//! publishes its keys. Tokens from another process fail the signature check.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{DecodingKey, EncodingKey};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The RSA key pair tokens are signed (RS256) and checked with.
pub struct SigningKey {
    /// The key's own id (a hash of its modulus); each emulator publishes the
    /// key under its own `kid` instead (see the module docs).
    pub kid: String,
    /// The private half, for signing tokens.
    pub enc: EncodingKey,
    /// The public half, for checking the signature of tokens presented to the
    /// emulator.
    pub dec: DecodingKey,
    n: String,
    e: String,
}

static PROCESS_KEY: OnceLock<Result<SigningKey, String>> = OnceLock::new();

impl SigningKey {
    fn generate() -> Result<SigningKey, String> {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
        let der = key.to_pkcs1_der().map_err(|e| e.to_string())?;
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(n.as_bytes())[..20]);
        let dec = DecodingKey::from_rsa_components(&n, &e).map_err(|e| e.to_string())?;
        Ok(SigningKey { kid, enc: EncodingKey::from_rsa_der(der.as_bytes()), dec, n, e })
    }

    /// The process's key (generated on first use).
    pub fn process() -> Result<&'static SigningKey, String> {
        PROCESS_KEY.get_or_init(SigningKey::generate).as_ref().map_err(Clone::clone)
    }

    /// The JWKS document (`{"keys": [...]}`) as Entra shapes it.
    pub fn jwks(&self, kid: &str, issuer: &str) -> Value {
        json!({"keys": [{
            "kty": "RSA", "use": "sig", "kid": kid, "x5t": kid,
            "n": self.n, "e": self.e, "alg": "RS256", "issuer": issuer,
        }]})
    }
}
