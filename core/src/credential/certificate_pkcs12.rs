// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! PKCS#12 (`.pfx`/`.p12`) input through `p12-keystore` (pure Rust: PBES2
//! with AES as OpenSSL 3 and current Windows write it, and the legacy
//! PBES1 3DES/RC2 forms older exports use; the MAC is checked, so a wrong
//! password is told apart from a damaged file).

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};

use crate::error::{Error, Result};

/// The certificate chain (DER, leaf first) and the PKCS#8 private key.
pub(super) fn from_pkcs12(bytes: &[u8], password: &str) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
    let store = KeyStore::from_pkcs12(bytes, password, Pkcs12ImportPolicy::Strict).map_err(|e| {
        let why = match e {
            p12_keystore::error::Error::MacError(_) => "wrong password (the MAC does not match)".to_string(),
            other => other.to_string(),
        };
        Error::invalid_argument(format!("cannot read the PKCS#12 file: {why}"))
    })?;
    let (_, chain) = store
        .private_key_chain()
        .ok_or_else(|| Error::invalid_argument("the PKCS#12 file holds no private key with its certificate"))?;
    let certs = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    Ok((certs, chain.key().as_der().to_vec()))
}
