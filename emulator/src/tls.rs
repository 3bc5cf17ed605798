// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! HTTPS on loopback (`entitlement emulator serve --tls`): clients that
//! insist on an `https://` authority (azure-identity, MSAL) can sign in
//! against the emulator. The certificate is generated at startup (rcgen,
//! ECDSA P-256, names `localhost`, `127.0.0.1` and `::1`) and written as PEM
//! for the client to trust; it is never reused between runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::EmulatorError;

/// The acceptor and the PEM file a client should trust.
pub struct Tls {
    /// Accepts TLS connections with the generated certificate and key.
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// The certificate's PEM file (`tls-certificate.pem` in the configured
    /// directory), for clients to trust.
    pub cert_path: PathBuf,
}

fn err(what: &str, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Io(std::io::Error::other(format!("{what}: {e}")))
}

/// Generates a certificate, writes it to `dir/tls-certificate.pem`, and
/// builds the server's TLS configuration.
pub fn generate(dir: &Path) -> Result<Tls, EmulatorError> {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let ck = rcgen::generate_simple_self_signed(names).map_err(|e| err("cannot generate the TLS certificate", e))?;
    let cert_pem = ck.cert.pem();
    std::fs::create_dir_all(dir)?;
    let cert_path = dir.join("tls-certificate.pem");
    std::fs::write(&cert_path, &cert_pem)?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| err("TLS configuration", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls { acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)), cert_path })
}

/// Serves `router` over TLS on `listener` until `stop` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    router: axum::Router,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let (acceptor, router) = (acceptor.clone(), router.clone());
                tokio::spawn(async move {
                    // A failed handshake (an untrusting client) ends that connection only.
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let svc = hyper_util::service::TowerToHyperService::new(router);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                        .await;
                });
            }
        }
    }
}
