// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! PKCS#12 (`.pfx`) input. Not read yet: convert with
//! `openssl pkcs12 -in cert.pfx -nodes -out cert.pem` and pass the PEM.

use crate::error::{Error, Result};

/// The certificate chain (DER, leaf first) and the PKCS#8 private key.
pub(super) fn from_pkcs12(_bytes: &[u8], _password: &str) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
    Err(Error::invalid_argument(
        "PKCS#12 certificates are not supported yet: convert with `openssl pkcs12 -in cert.pfx -nodes -out cert.pem` and pass the PEM",
    ))
}
