// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! A client certificate and the client assertions it signs: a JWT (RS256)
//! with `aud` = the token endpoint, `iss` = `sub` = the client id, a fresh
//! `jti`, ten minutes of lifetime, and the certificate's SHA-256 thumbprint
//! in the `x5t#S256` header (Entra's current form; `x5c` carries the chain
//! for subject-name/issuer authentication when asked for).

use std::fmt;
use std::path::Path;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};

use crate::auth::Secret;
use crate::error::{Error, Result};

/// Lifetime of a signed client assertion.
const ASSERTION_LIFETIME_SECS: i64 = 600;

/// A certificate (DER, leaf first) and its RSA private key.
pub struct ClientCertificate {
    chain: Vec<Vec<u8>>,
    key: EncodingKey,
    send_chain: bool,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate").field("x5t#S256", &self.thumbprint()).finish_non_exhaustive()
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

/// jsonwebtoken's RSA signer takes the key as PKCS#1 DER.
fn pkcs1_key(k: &rsa::RsaPrivateKey) -> Result<EncodingKey> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let der = k.to_pkcs1_der().map_err(|e| bad(format!("cannot encode the private key: {e}")))?;
    Ok(EncodingKey::from_rsa_der(der.as_bytes()))
}

impl ClientCertificate {
    /// From a file: PEM (a `CERTIFICATE` and a `PRIVATE KEY` or
    /// `RSA PRIVATE KEY`, in either order) or PKCS#12 (`.pfx`/`.p12`, with
    /// its password; an empty password when `None`).
    pub fn from_path(path: impl AsRef<Path>, password: Option<&Secret>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read the certificate {}: {e}", path.display())))?;
        Self::from_bytes(&bytes, password).map_err(|mut e| {
            e.message = format!("certificate {}: {}", path.display(), e.message);
            e
        })
    }

    /// From PEM text or PKCS#12 bytes (told apart by content).
    pub fn from_bytes(bytes: &[u8], password: Option<&Secret>) -> Result<Self> {
        if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
            Self::from_pem(bytes)
        } else {
            super::certificate_pkcs12::from_pkcs12(bytes, password.map(Secret::expose).unwrap_or(""))
                .and_then(|(chain, key_der)| Self::from_der_parts(chain, &key_der))
        }
    }

    /// From PEM text holding the certificate (leaf first, then any chain)
    /// and its unencrypted RSA private key.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(pem).map_err(|_| bad("the PEM is not UTF-8 text"))?;
        let mut chain = Vec::new();
        let mut key: Option<EncodingKey> = None;
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN ") {
            let block = &rest[start..];
            let Some(label_end) = block[11..].find("-----") else {
                break;
            };
            let label = &block[11..11 + label_end];
            let end_marker = format!("-----END {label}-----");
            let Some(end) = block.find(&end_marker) else {
                return Err(bad(format!("unterminated PEM block {label:?}")));
            };
            let one = &block[..end + end_marker.len()];
            rest = &block[end + end_marker.len()..];
            match label {
                "CERTIFICATE" => {
                    let (_, der) =
                        pem_rfc7468::decode_vec(one.as_bytes()).map_err(|e| bad(format!("bad CERTIFICATE block: {e}")))?;
                    chain.push(der);
                }
                "PRIVATE KEY" => {
                    use rsa::pkcs8::DecodePrivateKey;
                    let k = rsa::RsaPrivateKey::from_pkcs8_pem(one)
                        .map_err(|e| bad(format!("bad PRIVATE KEY block (RSA keys only): {e}")))?;
                    key = Some(pkcs1_key(&k)?);
                }
                "RSA PRIVATE KEY" => {
                    use rsa::pkcs1::DecodeRsaPrivateKey;
                    let k =
                        rsa::RsaPrivateKey::from_pkcs1_pem(one).map_err(|e| bad(format!("bad RSA PRIVATE KEY block: {e}")))?;
                    key = Some(pkcs1_key(&k)?);
                }
                "ENCRYPTED PRIVATE KEY" => {
                    return Err(bad("encrypted PEM keys are not supported: use PKCS#12 with a password, or an unencrypted key"))
                }
                _ => {}
            }
        }
        if chain.is_empty() {
            return Err(bad("no CERTIFICATE block in the PEM"));
        }
        let key = key.ok_or_else(|| bad("no PRIVATE KEY block in the PEM"))?;
        Ok(ClientCertificate { chain, key, send_chain: false })
    }

    fn from_der_parts(chain: Vec<Vec<u8>>, pkcs8_key: &[u8]) -> Result<Self> {
        use rsa::pkcs8::DecodePrivateKey;
        let k =
            rsa::RsaPrivateKey::from_pkcs8_der(pkcs8_key).map_err(|e| bad(format!("bad private key (RSA keys only): {e}")))?;
        if chain.is_empty() {
            return Err(bad("no certificate beside the private key"));
        }
        Ok(ClientCertificate { chain, key: pkcs1_key(&k)?, send_chain: false })
    }

    /// Also send the certificate chain (`x5c`), for apps configured for
    /// subject-name/issuer authentication.
    pub fn send_certificate_chain(mut self, yes: bool) -> Self {
        self.send_chain = yes;
        self
    }

    /// The leaf certificate's SHA-256 thumbprint, base64url (`x5t#S256`).
    pub fn thumbprint(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(&self.chain[0]))
    }

    /// A client assertion for `client_id` at the token endpoint `audience`.
    pub fn assertion(&self, client_id: &str, audience: &str) -> Result<Secret> {
        let now = chrono::Utc::now().timestamp();
        let claims = serde_json::json!({
            "aud": audience, "iss": client_id, "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let mut header = Header::new(Algorithm::RS256);
        header.x5t_s256 = Some(self.thumbprint());
        if self.send_chain {
            header.x5c = Some(self.chain.iter().map(|c| STANDARD.encode(c)).collect());
        }
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map(Secret::new)
            .map_err(|e| bad(format!("cannot sign the client assertion with the certificate's key: {e}")))
    }
}
