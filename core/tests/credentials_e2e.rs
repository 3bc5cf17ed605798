// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Every sign-in kind against the emulator over loopback HTTP, through the
//! bridge's options (the path every binding takes): certificate, client
//! assertion from a file (workload identity), managed identity (IMDS and App
//! Service), Azure CLI (a fake `az` on PATH), device code, environment and
//! the default chain; one token request for many concurrent calls; the
//! emulator's refusals in Entra's words.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use entitlement::auth::TokenProvider;
use entitlement::bridge::{ClientConfig, Credential, Session};
use entitlement::credential::{AssertionSource, ClientCertificate, OAuthCredential};
use entitlement::ErrorKind;
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedFederatedCredential};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

const SCOPE: &str = "https://graph.microsoft.com/.default";
const FED_ISSUER: &str = "https://token.actions.githubusercontent.com";
const FED_SUBJECT: &str = "repo:contoso/entitlement:ref:refs/heads/main";

/// An external issuer (a CI system's OIDC provider) with its key.
struct Issuer {
    key: jsonwebtoken::EncodingKey,
    jwks: Value,
}

fn issuer() -> Issuer {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let k = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let jwks = json!({"keys": [{"kty": "RSA", "kid": "ci-1", "use": "sig", "alg": "RS256", "n": b64(k.n().to_bytes_be()), "e": b64(k.e().to_bytes_be())}]});
    Issuer { key: jsonwebtoken::EncodingKey::from_rsa_der(k.to_pkcs1_der().unwrap().as_bytes()), jwks }
}

impl Issuer {
    fn token(&self, sub: &str, aud: &str, exp_in: i64) -> String {
        let now = chrono::Utc::now().timestamp();
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        h.kid = Some("ci-1".into());
        let claims = json!({"iss": FED_ISSUER, "sub": sub, "aud": aud, "iat": now, "nbf": now - 5, "exp": now + exp_in});
        jsonwebtoken::encode(&h, &claims, &self.key).unwrap()
    }
}

async fn emulator_with(seed: Seed) -> Emulator {
    Emulator::start(EmulatorConfig { seed, ..Default::default() }).await.expect("emulator starts")
}

async fn emulator() -> Emulator {
    emulator_with(Seed::default()).await
}

fn session(emu: &Emulator, credential: Value) -> Session {
    let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url(), "authority": emu.authority(), "credential": credential}))
        .unwrap();
    Session::new(c, None).unwrap()
}

fn cert_credential(emu: &Emulator) -> Value {
    json!({"kind": "clientCertificate", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID, "certificatePem": ids::APP_CERTIFICATE_PEM})
}

/// The claims of a JWT, unverified.
fn claims(token: &str) -> Value {
    let p = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

async fn lists(s: &Session) -> Result<usize, entitlement::Error> {
    s.client()?.list_catalogs().send().await.map(|p| p.value.len())
}

#[tokio::test]
async fn certificate_pem_signs_in_with_and_without_the_chain() {
    let emu = emulator().await;
    assert!(lists(&session(&emu, cert_credential(&emu))).await.unwrap() > 0);
    let mut c = cert_credential(&emu);
    c["sendCertificateChain"] = json!(true);
    assert!(lists(&session(&emu, c)).await.unwrap() > 0);
    // By path too.
    let dir = tempdir();
    let path = dir.join("app.pem");
    std::fs::write(&path, ids::APP_CERTIFICATE_PEM).unwrap();
    let c = json!({"kind": "clientCertificate", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID, "certificatePath": path});
    assert!(lists(&session(&emu, c)).await.unwrap() > 0);
    // A missing file fails at construction, naming the path.
    let c = json!({"kind": "clientCertificate", "tenantId": "t", "clientId": "c", "certificatePath": "/nonexistent/x.pem"});
    let e = Session::new(ClientConfig::from_value(json!({"credential": c})).unwrap(), None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("/nonexistent/x.pem"), "{}", e.message);
}

#[tokio::test]
async fn the_wrong_key_the_wrong_audience_and_a_replay_are_refused_as_entra_words_them() {
    let emu = emulator().await;
    // The right certificate with another key: the signature fails.
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let other = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let cert_only = &ids::APP_CERTIFICATE_PEM[..ids::APP_CERTIFICATE_PEM.find("-----BEGIN PRIVATE KEY").unwrap()];
    let pem = format!("{cert_only}{}", other.to_pkcs8_pem(LineEnding::LF).unwrap().as_str());
    let mut c = cert_credential(&emu);
    c["certificatePem"] = json!(pem);
    let e = lists(&session(&emu, c)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert!(e.message.contains("AADSTS700027"), "{}", e.message);
    assert_eq!(e.code.as_deref(), Some("invalid_client"));

    let cert = ClientCertificate::from_pem(ids::APP_CERTIFICATE_PEM.as_bytes()).unwrap();
    let url = format!("{}/{}/oauth2/v2.0/token", emu.base_url(), emu.tenant_id());
    let post = |assertion: String| {
        let url = url.clone();
        async move {
            let form = [
                ("client_id", ids::APP_CLIENT_ID),
                ("grant_type", "client_credentials"),
                ("scope", SCOPE),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion.as_str()),
            ];
            let r = http().post(url).form(&form).send().await.unwrap();
            (r.status().as_u16(), r.bytes().await.map(|b| serde_json::from_slice::<Value>(&b).unwrap()).unwrap())
        }
    };
    let a = cert.assertion(ids::APP_CLIENT_ID, &url).unwrap().expose().to_string();
    assert_eq!(post(a.clone()).await.0, 200);
    let (status, body) = post(a).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS50027"), "{body}");
    let (status, body) =
        post(cert.assertion(ids::APP_CLIENT_ID, "https://elsewhere.example/t/oauth2/v2.0/token").unwrap().expose().into()).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_codes"][0], 700212, "{body}");

    // Unknown tenant, unknown app, wrong secret.
    let form = |id: &str, secret: &str| {
        vec![
            ("client_id", id.to_string()),
            ("client_secret", secret.to_string()),
            ("grant_type", "client_credentials".into()),
            ("scope", SCOPE.into()),
        ]
    };
    let http = http();
    let r = http.post(format!("{}/nope.example/oauth2/v2.0/token", emu.base_url())).form(&form("x", "y")).send().await.unwrap();
    assert_eq!(r.bytes().await.map(|b| serde_json::from_slice::<Value>(&b).unwrap()).unwrap()["error_codes"][0], 90002);
    let r = http.post(&url).form(&form("11111111-1111-1111-1111-111111111111", "y")).send().await.unwrap();
    assert_eq!(r.bytes().await.map(|b| serde_json::from_slice::<Value>(&b).unwrap()).unwrap()["error_codes"][0], 700016);
    let r = http.post(&url).form(&form(ids::APP_CLIENT_ID, "wrong")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.bytes().await.map(|b| serde_json::from_slice::<Value>(&b).unwrap()).unwrap()["error_codes"][0], 7000215);
}

#[tokio::test]
async fn tokens_are_rs256_with_a_kid_published_in_discovery() {
    let emu = emulator().await;
    let http = http();
    let d: Value = http
        .get(format!("{}/{}/v2.0/.well-known/openid-configuration", emu.base_url(), emu.tenant_id()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let jwks: jsonwebtoken::jwk::JwkSet = http
        .get(d["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert!(d["token_endpoint"].as_str().unwrap().ends_with("/oauth2/v2.0/token"));
    let s = session(&emu, cert_credential(&emu));
    lists(&s).await.unwrap();
    let token = emu.app_token();
    let h = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(h.alg, jsonwebtoken::Algorithm::RS256);
    let jwk = jwks.find(h.kid.as_deref().unwrap()).expect("the token's kid is published");
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&["https://graph.microsoft.com"]);
    jsonwebtoken::decode::<Value>(&token, &jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap(), &v)
        .expect("verifies with the JWKS");
    let r = http.get(format!("{}/nope.example/discovery/v2.0/keys", emu.base_url())).send().await.unwrap();
    assert_eq!(r.bytes().await.map(|b| serde_json::from_slice::<Value>(&b).unwrap()).unwrap()["error_codes"][0], 90002);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_calls_make_one_token_request() {
    let emu = emulator().await;
    for credential in [
        cert_credential(&emu),
        json!({"kind": "clientSecret", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID, "clientSecret": ids::APP_CLIENT_SECRET}),
        json!({"kind": "managedIdentity", "endpoint": format!("{}/metadata/identity/oauth2/token", emu.base_url())}),
    ] {
        let s = Arc::new(session(&emu, credential.clone()));
        let before = emu.token_requests();
        let calls: Vec<_> = (0..64)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { lists(&s).await })
            })
            .collect();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        assert_eq!(emu.token_requests() - before, 1, "{}: 64 concurrent calls, one token request", credential["kind"]);
        lists(&s).await.unwrap();
        assert_eq!(emu.token_requests() - before, 1, "cached");
    }
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("entitlement-cred-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn federated_seed(iss: &Issuer) -> Seed {
    let mut seed = Seed::default();
    seed.applications[0].federated_credentials.push(SeedFederatedCredential {
        issuer: FED_ISSUER.into(),
        subject: FED_SUBJECT.into(),
        audiences: vec![],
        jwks: iss.jwks.clone(),
    });
    seed
}

#[tokio::test]
async fn workload_identity_rereads_the_token_file_on_each_fetch() {
    let iss = issuer();
    let emu = emulator_with(federated_seed(&iss)).await;
    let dir = tempdir();
    let file = dir.join("token");
    std::fs::write(&file, iss.token(FED_SUBJECT, "api://AzureADTokenExchange", 600)).unwrap();
    let c = json!({"kind": "clientAssertion", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID, "tokenFile": file});
    assert!(lists(&session(&emu, c)).await.unwrap() > 0);

    let cred = OAuthCredential::client_assertion(
        &emu.authority(),
        emu.tenant_id(),
        ids::APP_CLIENT_ID,
        AssertionSource::File(file.clone()),
    );
    cred.token(SCOPE).await.unwrap();
    let cases = [
        (iss.token("repo:contoso/other:ref:refs/heads/main", "api://AzureADTokenExchange", 600), "AADSTS700213"),
        (iss.token(FED_SUBJECT, "api://SomethingElse", 600), "AADSTS700212"),
        (iss.token(FED_SUBJECT, "api://AzureADTokenExchange", -600), "AADSTS700024"),
        (issuer().token(FED_SUBJECT, "api://AzureADTokenExchange", 600), "AADSTS700027"),
    ];
    for (token, code) in cases {
        std::fs::write(&file, token).unwrap();
        cred.invalidate();
        let e = cred.token(SCOPE).await.unwrap_err();
        assert!(e.message.contains(code), "{code}: {}", e.message);
    }
}

#[tokio::test]
async fn managed_identity_over_imds_and_app_service() {
    let emu = emulator().await;
    let imds = format!("{}/metadata/identity/oauth2/token", emu.base_url());
    assert!(lists(&session(&emu, json!({"kind": "managedIdentity", "endpoint": imds}))).await.unwrap() > 0);
    let msi = format!("{}/msi/token", emu.base_url());
    let header = entitlement_emulator::identity::managed::IDENTITY_HEADER;
    let ok = json!({"kind": "managedIdentity", "endpoint": msi, "identityHeader": header});
    assert!(lists(&session(&emu, ok)).await.unwrap() > 0);
    let bad = json!({"kind": "managedIdentity", "endpoint": msi, "identityHeader": "wrong"});
    assert_eq!(lists(&session(&emu, bad)).await.unwrap_err().kind, ErrorKind::Authentication);
    // A user-assigned id that is not there.
    let e = lists(&session(&emu, json!({"kind": "managedIdentity", "endpoint": imds, "clientId": "not-an-identity"})))
        .await
        .unwrap_err();
    assert!(e.message.contains("Identity not found"), "{}", e.message);
    // No Metadata header: IMDS refuses (checked with plain HTTP).
    let r = http().get(format!("{imds}?resource=https://graph.microsoft.com&api-version=2018-02-01")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn device_code_waits_for_approval_then_signs_the_user_in() {
    let emu = emulator().await;
    let approve_url = format!("{}/_emulator/devicecode/approve", emu.base_url());
    let shown = Arc::new(std::sync::Mutex::new(String::new()));
    let shown2 = shown.clone();
    let prompt = Arc::new(move |p: &entitlement::credential::DeviceCodePrompt| {
        *shown2.lock().unwrap() = p.message.clone();
        let (url, code) = (approve_url.clone(), p.user_code.clone());
        tokio::spawn(async move {
            // Approve after the first poll has seen authorization_pending.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let r =
                http().post(url).body(json!({"user": ids::REQUESTOR1_UPN, "userCode": code}).to_string()).send().await.unwrap();
            assert_eq!(r.status(), 200);
        });
    });
    let cred =
        Credential::DeviceCode { tenant_id: emu.tenant_id().into(), client_id: ids::APP_CLIENT_ID.into(), prompt: Some(prompt) };
    let p = cred.provider(&emu.authority()).unwrap().unwrap();
    let started = std::time::Instant::now();
    let t = p.token(SCOPE).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2), "polled until approved");
    assert_eq!(claims(t.token.expose())["upn"], ids::REQUESTOR1_UPN);
    assert!(shown.lock().unwrap().contains("enter the code"), "{}", shown.lock().unwrap());

    // Declined.
    let approve_url = format!("{}/_emulator/devicecode/approve", emu.base_url());
    let prompt = Arc::new(move |_: &entitlement::credential::DeviceCodePrompt| {
        let url = approve_url.clone();
        tokio::spawn(async move {
            http().post(url).body(json!({"user": ids::REQUESTOR1_UPN, "decline": true}).to_string()).send().await.unwrap();
        });
    });
    let cred =
        Credential::DeviceCode { tenant_id: emu.tenant_id().into(), client_id: ids::APP_CLIENT_ID.into(), prompt: Some(prompt) };
    let e = cred.provider(&emu.authority()).unwrap().unwrap().token(SCOPE).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("authorization_declined"), "{e}");
}

/// The kinds that read the environment and PATH, one after another in one
/// test (the environment is the process's).
#[tokio::test]
async fn environment_azure_cli_and_the_default_chain() {
    let emu = emulator().await;
    let dir = tempdir();
    let pem = dir.join("app.pem");
    std::fs::write(&pem, ids::APP_CERTIFICATE_PEM).unwrap();
    for k in [
        "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "IMDS_ENDPOINT",
    ] {
        std::env::remove_var(k);
    }
    std::env::set_var("AZURE_AUTHORITY_HOST", emu.authority());
    std::env::set_var("AZURE_TENANT_ID", emu.tenant_id());
    std::env::set_var("AZURE_CLIENT_ID", ids::APP_CLIENT_ID);
    std::env::set_var("AZURE_CLIENT_CERTIFICATE_PATH", &pem);
    assert!(lists(&session(&emu, json!({"kind": "environment"}))).await.unwrap() > 0);
    std::env::remove_var("AZURE_CLIENT_CERTIFICATE_PATH");
    std::env::set_var("AZURE_CLIENT_SECRET", ids::APP_CLIENT_SECRET);
    assert!(lists(&session(&emu, json!({"kind": "default"}))).await.unwrap() > 0, "environment first");
    std::env::set_var("AZURE_CLIENT_SECRET", "wrong");
    let e = lists(&session(&emu, json!({"kind": "default"}))).await.unwrap_err();
    assert!(
        e.message.contains("environment") && e.message.contains("AADSTS7000215"),
        "a configured kind that fails ends the chain: {}",
        e.message
    );
    std::env::remove_var("AZURE_CLIENT_SECRET");

    // Managed identity next (App Service variables).
    std::env::remove_var("AZURE_CLIENT_ID");
    std::env::set_var("IDENTITY_ENDPOINT", format!("{}/msi/token", emu.base_url()));
    std::env::set_var("IDENTITY_HEADER", entitlement_emulator::identity::managed::IDENTITY_HEADER);
    let before = emu.token_requests();
    assert!(lists(&session(&emu, json!({"kind": "default"}))).await.unwrap() > 0);
    assert_eq!(emu.token_requests() - before, 1);
    std::env::remove_var("IDENTITY_ENDPOINT");
    std::env::remove_var("IDENTITY_HEADER");

    // Azure CLI: a fake `az` that prints a token and records its arguments.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let args = dir.join("args");
    let expires = chrono::Utc::now().timestamp() + 3000;
    let script = format!(
        "#!/bin/sh\necho \"$@\" > '{}'\ncat <<'JSON'\n{{\"accessToken\": \"{}\", \"expiresOn\": \"2099-01-01 00:00:00.000000\", \"expires_on\": {expires}, \"subscription\": \"s\", \"tenant\": \"{}\", \"tokenType\": \"Bearer\"}}\nJSON\n",
        args.display(),
        emu.app_token(),
        emu.tenant_id()
    );
    let az = bin.join("az");
    std::fs::write(&az, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::set_var("PATH", format!("{}:{path}", bin.display()));
    assert!(lists(&session(&emu, json!({"kind": "azureCli"}))).await.unwrap() > 0);
    let recorded = std::fs::read_to_string(&args).unwrap();
    assert!(recorded.contains("account get-access-token --output json --resource https://graph.microsoft.com"), "{recorded}");
    // The default chain reaches the CLI when IMDS does not answer.
    std::env::set_var("IMDS_ENDPOINT", "http://127.0.0.1:9");
    std::fs::remove_file(&args).unwrap();
    assert!(lists(&session(&emu, json!({"kind": "default"}))).await.unwrap() > 0);
    assert!(args.exists(), "the CLI was asked");
    // A failing az is an Authentication error with its message.
    std::fs::write(&az, "#!/bin/sh\necho 'ERROR: Please run az login to setup account.' >&2\nexit 1\n").unwrap();
    let e = lists(&session(&emu, json!({"kind": "azureCli"}))).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert!(e.message.contains("az login"), "{}", e.message);
    std::env::set_var("PATH", path);
    std::env::remove_var("IMDS_ENDPOINT");
}

/// The one test of the password grant (Entra blocks it under MFA; every
/// other delegated sign-in in the tests is the authorization code flow or
/// device code): the flat `username`/`password` options sign in, and a
/// wrong password is Entra's AADSTS50126.
#[tokio::test]
async fn password_grant_signs_in_and_a_wrong_password_is_refused() {
    let emu = emulator().await;
    let flat = |password: &str| {
        let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url(), "authority": emu.authority(),
            "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID, "username": ids::REQUESTOR1_UPN, "password": password}))
        .unwrap();
        Session::new(c, None).unwrap()
    };
    let s = flat(ids::USER_PASSWORD);
    assert_eq!(s.credential_kind(), "password");
    let mine = s.client().unwrap().filter_assignments_by_current_user("target").send().await;
    assert!(mine.is_ok(), "{mine:?}");
    let e = lists(&flat("wrong")).await.unwrap_err();
    assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::Authentication, Some("invalid_grant")));
    assert!(e.message.contains("AADSTS50126"), "{}", e.message);
}

/// The authorization code flow with PKCE through a loopback redirect
/// listener, the emulator's authorize endpoint standing in for the browser
/// page; later tokens come from the refresh token, not a new sign-in.
#[tokio::test]
async fn interactive_browser_signs_the_user_in_and_refreshes() {
    let emu = emulator().await;
    let cred = json!({"kind": "interactiveBrowser", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID,
                      "loginHint": ids::REQUESTOR1_UPN, "browser": "http"});
    let s = session(&emu, cred.clone());
    assert_eq!(s.credential_kind(), "interactive_browser");
    let p = Credential::InteractiveBrowser {
        tenant_id: emu.tenant_id().into(),
        client_id: ids::APP_CLIENT_ID.into(),
        login_hint: Some(ids::ADMIN_UPN.into()),
        redirect_port: 0,
        browser: entitlement::credential::BrowserMode::Http,
    }
    .provider(&emu.authority())
    .unwrap()
    .unwrap();
    let t = p.token(SCOPE).await.unwrap();
    assert_eq!(claims(t.token.expose())["upn"], ids::ADMIN_UPN);
    // A new token after invalidation: one request to the token endpoint
    // (the refresh grant), none to authorize.
    p.invalidate();
    let before = emu.token_requests();
    let t2 = p.token(SCOPE).await.unwrap();
    assert_eq!(emu.token_requests() - before, 1);
    assert_ne!(t.token.expose(), t2.token.expose());
    // Through a client: a delegated call as Requestor1.
    let mine = s.client().unwrap().filter_assignments_by_current_user("target").send().await;
    assert!(mine.is_ok(), "{mine:?}");
    // No login hint: the emulator has no page, and says so.
    let mut none = cred.clone();
    none.as_object_mut().unwrap().remove("loginHint");
    let e = lists(&session(&emu, none)).await.unwrap_err();
    assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::Authentication, Some("login_required")));
    assert!(e.message.contains("AADSTS50058"), "{}", e.message);
    // A bad browser mode is refused when the client is made.
    let mut bad = cred;
    bad["browser"] = json!("lynx");
    let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url(), "credential": bad})).unwrap();
    assert_eq!(Session::new(c, None).unwrap_err().kind, ErrorKind::InvalidArgument);
}

/// A PKCS#12 file with its password (the emulator app's dev-app.pfx):
/// signs in like the PEM; a wrong password says so at construction.
#[tokio::test]
async fn pkcs12_certificate_signs_in_and_a_wrong_password_is_named() {
    let emu = emulator().await;
    let dir = tempdir();
    let pfx = dir.join("app.pfx");
    std::fs::write(&pfx, ids::APP_CERTIFICATE_PFX).unwrap();
    let cred = |password: &str| {
        json!({"kind": "clientCertificate", "tenantId": emu.tenant_id(), "clientId": ids::APP_CLIENT_ID,
               "certificatePath": pfx.to_str().unwrap(), "certificatePassword": password})
    };
    let s = session(&emu, cred(ids::APP_CERTIFICATE_PASSWORD));
    assert!(lists(&s).await.unwrap() > 0);
    // The same thumbprint as the PEM's.
    let from_pfx = ClientCertificate::from_path(&pfx, Some(&ids::APP_CERTIFICATE_PASSWORD.into())).unwrap();
    let from_pem = ClientCertificate::from_pem(ids::APP_CERTIFICATE_PEM.as_bytes()).unwrap();
    assert_eq!(from_pfx.thumbprint(), from_pem.thumbprint());
    let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url(), "credential": cred("wrong")})).unwrap();
    let e = Session::new(c, None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("wrong password"), "{}", e.message);
    // Not PKCS#12 at all.
    std::fs::write(&pfx, b"\x30\x03\x02\x01\x03garbage").unwrap();
    let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url(), "credential": cred("x")})).unwrap();
    assert_eq!(Session::new(c, None).unwrap_err().kind, ErrorKind::InvalidArgument);
}

/// Workload identity with the assertion from a callback (a host that gets
/// its federated token from an API rather than a file): called on each
/// fetch, its failure is the sign-in's failure, named.
#[tokio::test]
async fn client_assertion_from_a_callback_is_asked_on_each_fetch() {
    let iss = Arc::new(issuer());
    let emu = emulator_with(federated_seed(&iss)).await;
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (i, n) = (iss.clone(), calls.clone());
    let source = AssertionSource::Callback(Arc::new(move || {
        n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(i.token(FED_SUBJECT, "api://AzureADTokenExchange", 600).into())
    }));
    let cred = Credential::ClientAssertion { tenant_id: emu.tenant_id().into(), client_id: ids::APP_CLIENT_ID.into(), source };
    assert_eq!(cred.kind(), "client_assertion");
    let p = cred.provider(&emu.authority()).unwrap().unwrap();
    // Through a client, as a binding passes a host credential.
    let c = ClientConfig::from_value(json!({"baseUrl": emu.base_url()})).unwrap();
    let s = Session::new(c, Some(p.clone())).unwrap();
    assert!(lists(&s).await.unwrap() > 0);
    assert!(lists(&s).await.unwrap() > 0);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1, "cached: one assertion for two calls");
    let t = p.token(SCOPE).await.unwrap();
    assert_eq!(claims(t.token.expose())["appid"], ids::APP_CLIENT_ID);
    p.invalidate();
    p.token(SCOPE).await.unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2, "asked again for a new token");

    // The callback's error ends the sign-in with its message.
    let failing = AssertionSource::Callback(Arc::new(|| {
        Err(entitlement::Error::new(ErrorKind::Authentication, "the CI token service is down"))
    }));
    let cred = OAuthCredential::client_assertion(&emu.authority(), emu.tenant_id(), ids::APP_CLIENT_ID, failing);
    let e = cred.token(SCOPE).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert!(e.message.contains("the CI token service is down"), "{}", e.message);
    // A token from an issuer the app does not trust: AADSTS700211.
    let stranger = issuer();
    let other = AssertionSource::Callback(Arc::new(move || {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        h.kid = Some("ci-1".into());
        let now = chrono::Utc::now().timestamp();
        let claims = json!({"iss": "https://untrusted.example", "sub": FED_SUBJECT, "aud": "api://AzureADTokenExchange",
                            "iat": now, "nbf": now - 5, "exp": now + 600});
        Ok(jsonwebtoken::encode(&h, &claims, &stranger.key).unwrap().into())
    }));
    let cred = OAuthCredential::client_assertion(&emu.authority(), emu.tenant_id(), ids::APP_CLIENT_ID, other);
    let e = cred.token(SCOPE).await.unwrap_err();
    assert!(e.message.contains("AADSTS700211"), "{}", e.message);
}

/// A user-assigned managed identity, picked by its client id over IMDS and
/// App Service; the system-assigned one is the seeded app.
#[tokio::test]
async fn managed_identity_user_assigned_by_client_id() {
    const USER_MI: &str = "5b0c3f2e-9d4a-4c21-8a77-1f2e3d4c5b6a";
    let mut seed = Seed::default();
    let mut mi = seed.applications[0].clone();
    mi.client_id = USER_MI.into();
    mi.client_secret = String::new();
    mi.certificates.clear();
    mi.display_name = "user-assigned identity".into();
    mi.managed_identity = Some("user".into());
    seed.applications.push(mi);
    let emu = emulator_with(seed).await;
    let imds = format!("{}/metadata/identity/oauth2/token", emu.base_url());
    let msi = format!("{}/msi/token", emu.base_url());
    let header = entitlement_emulator::identity::managed::IDENTITY_HEADER;
    for (endpoint, identity_header) in [(imds.as_str(), None), (msi.as_str(), Some(header))] {
        for (client_id, want) in [(Some(USER_MI), USER_MI), (None, ids::APP_CLIENT_ID)] {
            let mut c = json!({"kind": "managedIdentity", "endpoint": endpoint});
            if let Some(h) = identity_header {
                c["identityHeader"] = json!(h);
            }
            if let Some(id) = client_id {
                c["clientId"] = json!(id);
            }
            let s = session(&emu, c.clone());
            assert!(lists(&s).await.unwrap() > 0, "{c}");
            let cred = ClientConfig::from_value(json!({"credential": c})).unwrap().credential(None).unwrap();
            let t = cred.provider(&emu.authority()).unwrap().unwrap().token(SCOPE).await.unwrap();
            assert_eq!(claims(t.token.expose())["appid"], want, "{c}");
        }
    }
}
