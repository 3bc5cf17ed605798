// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The tenant an emulator starts with: `Seed::default()` is the tutorial's
//! tenant; a JSON seed file describes another (users, groups with members,
//! applications, catalogs, and raw objects per collection for preloading).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::auth::{ROLE_GLOBAL_ADMIN, ROLE_IDENTITY_GOVERNANCE_ADMIN};
use crate::error::{new_id, now, EmulatorError};
use crate::ids;
use crate::resources::catalogs::new_catalog;
use crate::resources::policies;
use crate::resources::render::{camel, s};
use crate::resources::settings::{environment_record, SHAREPOINT_ENVIRONMENTS};
use crate::store::{kind, Store};

/// The tenant an emulator starts with: its id and domains, directory
/// objects (users, groups, applications) and entitlement management
/// objects. `Default` is the built-in tenant of [`crate::ids`]; a seed file
/// is the same shape in JSON (camelCase keys).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    /// The tenant id (default [`crate::ids::TENANT_ID`]).
    #[serde(default = "default_tenant")]
    pub tenant_id: String,
    /// Domain names accepted in place of the tenant id in token URLs.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Users who can sign in and be assigned.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// Groups, to add to catalogs as resources.
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    /// App registrations that can sign in (client credentials and the other
    /// app flows).
    #[serde(default)]
    pub applications: Vec<SeedApplication>,
    /// Catalog objects (v1.0 shape; `id` kept when given).
    #[serde(default)]
    pub catalogs: Vec<Value>,
    /// Raw objects per collection name (`accessPackages`, `assignmentPolicies`,
    /// `assignments`, `assignmentRequests`, `resources`, `resourceRoles`,
    /// `resourceRoleScopes`), v1.0 shape with references as `xxxId` or `{"id"}`.
    #[serde(default)]
    pub objects: BTreeMap<String, Vec<Value>>,
    /// The arrays of a seed file that can be large (users, assignments,
    /// assignment requests), read again from the file while seeding instead
    /// of kept parsed (see [`Seed::from_file`]); serializing such a seed
    /// leaves them out.
    #[serde(skip)]
    pub(crate) streamed: Option<Streamed>,
}

/// Where [`Seed::from_file`] left the large arrays: the file, and how many
/// objects each holds (checked while counting).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Streamed {
    path: PathBuf,
    users: usize,
    /// Collection name as the file spells it, and its length.
    objects: Vec<(String, usize)>,
}

fn default_tenant() -> String {
    ids::TENANT_ID.to_string()
}

/// A user of the seeded directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    /// Object id (a GUID), the `oid` of the user's tokens.
    pub id: String,
    /// Name shown in responses (`requestor.displayName`).
    pub display_name: String,
    /// Sign-in name (`name@domain`), accepted wherever the id is.
    pub user_principal_name: String,
    /// Password for the ROPC grant; `ids::USER_PASSWORD` when absent.
    #[serde(default)]
    pub password: Option<String>,
    /// Directory roles, by name ("Identity Governance Administrator") or template id.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Email address, matched by assignments to a target by email.
    #[serde(default)]
    pub mail: Option<String>,
}

/// A group of the seeded directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SeedGroup {
    /// Object id (a GUID); a catalog resource's `originId`.
    pub id: String,
    /// Name shown in responses.
    pub display_name: String,
    /// Description shown in responses.
    #[serde(default)]
    pub description: Option<String>,
    /// Member user ids.
    #[serde(default)]
    pub members: Vec<String>,
}

/// An app registration (and its service principal) that can sign in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SeedApplication {
    /// Application (client) id, `appid` in its tokens (`appId` accepted).
    #[serde(alias = "appId")]
    pub client_id: String,
    /// Empty: the app signs in only with a certificate or federated credential.
    #[serde(default)]
    pub client_secret: String,
    /// Name shown in responses and sign-in pages.
    #[serde(default)]
    pub display_name: String,
    /// Application permissions (app roles on Microsoft Graph).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Certificate credentials: PEM `CERTIFICATE` blocks (public part only);
    /// client assertions must verify against one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<String>,
    /// Federated identity credentials (workload identity).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub federated_credentials: Vec<SeedFederatedCredential>,
    /// `"system"` or `"user"`: this app is the managed identity the emulator's
    /// IMDS and App Service endpoints sign in as (see `identity::managed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_identity: Option<String>,
}

/// An external issuer and subject the app trusts, with the issuer's keys
/// (a JWKS, inline: the emulator fetches nothing).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SeedFederatedCredential {
    /// The external token issuer (`iss`), e.g. a Kubernetes cluster's OIDC URL.
    pub issuer: String,
    /// The subject (`sub`) the app trusts from that issuer.
    pub subject: String,
    /// Default `["api://AzureADTokenExchange"]`.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// The issuer's signing keys as a JWKS document (`{"keys": [...]}`).
    pub jwks: serde_json::Value,
}

/// The `CERTIFICATE` blocks of a PEM (a seed never holds the private key).
fn public_part(pem: &str) -> String {
    let end = "-----END CERTIFICATE-----";
    match pem.rfind(end) {
        Some(i) => pem[..i + end.len()].to_string() + "\n",
        None => String::new(),
    }
}

impl Default for Seed {
    fn default() -> Self {
        let group = |id: &str| SeedGroup {
            id: id.into(),
            display_name: "Marketing resources".into(),
            description: Some("Marketing group".into()),
            members: vec![],
        };
        Seed {
            tenant_id: ids::TENANT_ID.into(),
            domains: vec![ids::TENANT_DOMAIN.into(), "contoso.onmicrosoft.com".into()],
            users: vec![
                SeedUser {
                    id: ids::REQUESTOR1_ID.into(),
                    display_name: "Requestor1".into(),
                    user_principal_name: ids::REQUESTOR1_UPN.into(),
                    password: None,
                    roles: vec![],
                    mail: None,
                },
                SeedUser {
                    id: ids::ADMIN_ID.into(),
                    display_name: "Admin".into(),
                    user_principal_name: ids::ADMIN_UPN.into(),
                    password: None,
                    roles: vec!["Identity Governance Administrator".into()],
                    mail: Some(ids::ADMIN_UPN.into()),
                },
            ],
            groups: vec![group(ids::GROUP_ID), group(ids::MARKETING_GROUP_ID)],
            applications: vec![SeedApplication {
                client_id: ids::APP_CLIENT_ID.into(),
                client_secret: ids::APP_CLIENT_SECRET.into(),
                display_name: "Entitlement emulator app".into(),
                permissions: vec!["EntitlementManagement.ReadWrite.All".into()],
                certificates: vec![public_part(ids::APP_CERTIFICATE_PEM)],
                federated_credentials: vec![],
                managed_identity: Some("system".into()),
            }],
            catalogs: vec![json!({
                "id": ids::GENERAL_CATALOG_ID,
                "displayName": "General",
                "description": "Built-in catalog.",
                "catalogType": "serviceDefault",
                "state": "published",
                "isExternallyVisible": true,
                "createdDateTime": "2023-04-13T14:43:19.440Z",
                "modifiedDateTime": "2023-04-13T14:43:19.440Z",
            })],
            objects: BTreeMap::new(),
            streamed: None,
        }
    }
}

impl Seed {
    /// Reads a seed file in two streaming passes, so a quota-sized tenant
    /// (300,000 assignments and users, ~190 MB of JSON) never sits in
    /// memory parsed: this pass keeps the small parts and checks and counts
    /// the users, assignments and assignment requests; seeding reads those
    /// again from the file and stores each as it is parsed.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Seed, EmulatorError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path)?;
        let head: stream::Head = serde_json::from_reader(std::io::BufReader::with_capacity(1 << 16, file))
            .map_err(|e| EmulatorError::Seed(format!("{}: {e}", path.display())))?;
        let streamed = Streamed { path: path.to_path_buf(), users: head.users.0, objects: head.objects.large };
        Ok(Seed {
            tenant_id: head.tenant_id,
            domains: head.domains,
            users: Vec::new(),
            groups: head.groups,
            applications: head.applications,
            catalogs: head.catalogs,
            objects: head.objects.small,
            streamed: Some(streamed),
        })
    }

    /// The first application (the one `app_credentials` reports).
    pub fn app(&self) -> Option<&SeedApplication> {
        self.applications.first()
    }

    /// How many objects the seed describes (the store's size, see `Store::open_for`).
    pub(crate) fn size(&self) -> usize {
        let streamed = self.streamed.as_ref().map_or(0, |s| s.users + s.objects.iter().map(|(_, n)| n).sum::<usize>());
        self.users.len() + self.groups.len() + self.catalogs.len() + self.objects.values().map(Vec::len).sum::<usize>() + streamed
    }

    pub(crate) fn apply(&self, store: &Store) -> Result<(), EmulatorError> {
        store.bulk_load(|st| self.apply_inner(st)).map_err(|e| match e {
            rusqlite::Error::ToSqlConversionFailure(inner) => EmulatorError::Seed(inner.to_string()),
            other => EmulatorError::Db(other),
        })?;
        store.mark_seeded()?;
        Ok(())
    }

    fn apply_inner(&self, st: &Store) -> rusqlite::Result<()> {
        let t = now();
        for u in &self.users {
            put_user(st, u, &t)?;
        }
        for g in &self.groups {
            let v = json!({
                "id": g.id, "displayName": g.display_name, "description": g.description,
                "mailEnabled": false, "securityEnabled": true, "groupTypes": [], "createdDateTime": t,
            });
            st.put(kind::GROUP, &g.id, None, &v)?;
            for m in &g.members {
                st.add_member(&g.id, m)?;
            }
        }
        for a in &self.applications {
            let v = json!({
                "id": a.client_id, "appId": a.client_id, "displayName": a.display_name,
                "_secret": a.client_secret, "_permissions": a.permissions,
                "_certificates": a.certificates, "_federated": a.federated_credentials,
                "_managedIdentity": a.managed_identity,
            });
            st.put(kind::APPLICATION, &a.client_id, None, &v)?;
        }
        for v in builtin_directory() {
            st.put(kind::SERVICE_PRINCIPAL, s(&v, "id"), None, &v)?;
        }
        for (i, (id, root, admin, geo)) in SHAREPOINT_ENVIRONMENTS.iter().enumerate() {
            st.put(kind::RESOURCE_ENVIRONMENT, id, None, &environment_record(id, root, admin, geo, i == 0))?;
        }
        for c in &self.catalogs {
            let c = new_catalog(c);
            st.put(kind::CATALOG, s(&c, "id"), None, &c)?;
        }
        // Dependency order, so derived references resolve.
        let order = [
            "catalogs", "resources", "resourceRoles", "accessPackages", "resourceRoleScopes",
            "assignmentPolicies", "assignments", "assignmentRequests",
        ];
        for name in self.objects.keys() {
            if !order.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                return Err(rusqlite::Error::ToSqlConversionFailure(format!("unknown collection '{name}' in seed objects").into()));
            }
        }
        // Catalog of each access package, read once for all its assignments.
        let mut catalogs = HashMap::new();
        for coll in order {
            let Some(items) = self.objects.iter().find(|(k, _)| k.eq_ignore_ascii_case(coll)).map(|(_, v)| v) else { continue };
            for raw in items {
                import(st, coll, raw, &mut catalogs)?;
            }
        }
        // Last, so the packages' catalogs are stored for the assignments.
        if let Some(s) = &self.streamed {
            stream::apply(st, s, &t, &mut catalogs)?;
        }
        Ok(())
    }
}

fn put_user(st: &Store, u: &SeedUser, t: &str) -> rusqlite::Result<()> {
    let roles: Vec<String> = u
        .roles
        .iter()
        .map(|r| match r.to_ascii_lowercase().as_str() {
            "identity governance administrator" => ROLE_IDENTITY_GOVERNANCE_ADMIN.to_string(),
            "global administrator" => ROLE_GLOBAL_ADMIN.to_string(),
            _ => r.clone(),
        })
        .collect();
    let nick = u.user_principal_name.split('@').next().unwrap_or("");
    let v = json!({
        "id": u.id, "displayName": u.display_name, "userPrincipalName": u.user_principal_name,
        "mail": u.mail, "mailNickname": nick, "accountEnabled": true, "businessPhones": [],
        "givenName": null, "surname": null, "jobTitle": null, "createdDateTime": t,
        "_password": u.password.clone().unwrap_or_else(|| ids::USER_PASSWORD.to_string()),
        "_roles": roles,
    });
    st.put(kind::USER, &u.id, None, &v)
}

/// The two passes over a seed file (see [`Seed::from_file`]).
mod stream {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashMap};
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;
    use serde_json::Value;

    use super::{bad, default_tenant, import, put_user, SeedApplication, SeedGroup, SeedUser, Streamed};
    use crate::store::Store;

    /// The collections of `objects` that are streamed (the ones that reach
    /// the service's quotas), by their canonical name.
    fn large(name: &str) -> Option<&'static str> {
        ["assignments", "assignmentRequests"].into_iter().find(|c| c.eq_ignore_ascii_case(name))
    }

    /// Pass one: everything but the large arrays, which are checked and counted.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Head {
        #[serde(default = "default_tenant")]
        pub tenant_id: String,
        #[serde(default)]
        pub domains: Vec<String>,
        #[serde(default)]
        pub users: Counted<SeedUser>,
        #[serde(default)]
        pub groups: Vec<SeedGroup>,
        #[serde(default)]
        pub applications: Vec<SeedApplication>,
        #[serde(default)]
        pub catalogs: Vec<Value>,
        #[serde(default)]
        pub objects: Objects,
    }

    /// The length of an array whose items each read as `T` (then dropped).
    pub(super) struct Counted<T>(pub usize, PhantomData<T>);

    impl<T> Default for Counted<T> {
        fn default() -> Self {
            Counted(0, PhantomData)
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Counted<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Counted<T>;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an array")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut n = 0;
                    while seq.next_element::<T>()?.is_some() {
                        n += 1;
                    }
                    Ok(Counted(n, PhantomData))
                }
            }
            d.deserialize_seq(V(PhantomData))
        }
    }

    /// `objects`: the small collections parsed, the large ones counted.
    #[derive(Default)]
    pub(super) struct Objects {
        pub small: BTreeMap<String, Vec<Value>>,
        pub large: Vec<(String, usize)>,
    }

    impl<'de> Deserialize<'de> for Objects {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Objects;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a map of collection names to arrays of objects")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Objects, A::Error> {
                    let mut out = Objects::default();
                    while let Some(key) = map.next_key::<String>()? {
                        if large(&key).is_some() {
                            let n = map.next_value::<Counted<serde::de::IgnoredAny>>()?.0;
                            out.large.push((key, n));
                        } else {
                            out.small.insert(key, map.next_value()?);
                        }
                    }
                    Ok(out)
                }
            }
            d.deserialize_map(V)
        }
    }

    /// What pass two needs while it walks the file, and the store's error
    /// if one stopped it (serde's errors carry only text).
    struct Ctx<'a> {
        st: &'a Store,
        t: &'a str,
        catalogs: RefCell<&'a mut HashMap<String, String>>,
        failed: RefCell<Option<rusqlite::Error>>,
    }

    impl Ctx<'_> {
        fn fail<E: de::Error>(&self, e: rusqlite::Error) -> E {
            let msg = e.to_string();
            *self.failed.borrow_mut() = Some(e);
            E::custom(msg)
        }
    }

    /// Pass two: stores each user, assignment and request as it is parsed.
    pub(super) fn apply(st: &Store, s: &Streamed, t: &str, catalogs: &mut HashMap<String, String>) -> rusqlite::Result<()> {
        let file = std::fs::File::open(&s.path).map_err(|e| bad(format!("{}: {e}", s.path.display())))?;
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
        let ctx = Ctx { st, t, catalogs: RefCell::new(catalogs), failed: RefCell::new(None) };
        let r = Top(&ctx).deserialize(&mut de);
        if let Some(e) = ctx.failed.into_inner() {
            return Err(e);
        }
        r.map_err(|e| bad(format!("{}: {e}", s.path.display())))
    }

    struct Top<'c, 'a>(&'c Ctx<'a>);

    impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for Top<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a seed object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "users" => map.next_value_seed(Each { ctx: self.0, coll: "users" })?,
                    "objects" => map.next_value_seed(ObjectsPass(self.0))?,
                    _ => drop(map.next_value::<IgnoredAny>()?),
                }
            }
            Ok(())
        }
    }

    struct ObjectsPass<'c, 'a>(&'c Ctx<'a>);

    impl<'de> DeserializeSeed<'de> for ObjectsPass<'_, '_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for ObjectsPass<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of collection names to arrays of objects")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match large(&key) {
                    Some(coll) => map.next_value_seed(Each { ctx: self.0, coll })?,
                    None => drop(map.next_value::<IgnoredAny>()?),
                }
            }
            Ok(())
        }
    }

    /// One large array, each item stored as soon as it is read.
    struct Each<'c, 'a> {
        ctx: &'c Ctx<'a>,
        coll: &'static str,
    }

    impl<'de> DeserializeSeed<'de> for Each<'_, '_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Each<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let ctx = self.ctx;
            if self.coll == "users" {
                while let Some(u) = seq.next_element::<SeedUser>()? {
                    put_user(ctx.st, &u, ctx.t).map_err(|e| ctx.fail(e))?;
                }
            } else {
                while let Some(raw) = seq.next_element::<Value>()? {
                    let mut catalogs = ctx.catalogs.borrow_mut();
                    import(ctx.st, self.coll, &raw, &mut catalogs).map_err(|e| ctx.fail(e))?;
                }
            }
            Ok(())
        }
    }
}

/// Object id of the built-in service principal ("Contoso Expenses") with two app roles.
pub const EXPENSES_SP_ID: &str = "6b1f3c2a-4d5e-4f70-8a9b-0c1d2e3f4a5b";
pub const EXPENSES_APP_ID: &str = "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b";
pub const EXPENSES_ROLE_APPROVER: &str = "d1c2b3a4-0000-4000-8000-0000000000a1";
pub const EXPENSES_ROLE_SUBMITTER: &str = "d1c2b3a4-0000-4000-8000-0000000000a2";

/// Directory objects every tenant has besides the seeded ones: a service
/// principal with app roles (an `AadApplication` catalog resource).
fn builtin_directory() -> Vec<Value> {
    vec![json!({
        "id": EXPENSES_SP_ID,
        "appId": EXPENSES_APP_ID,
        "displayName": "Contoso Expenses",
        "description": "Expense reporting application.",
        "servicePrincipalType": "Application",
        "appRoles": [
            {"id": EXPENSES_ROLE_APPROVER, "displayName": "Expense Approver", "value": "Expenses.Approve",
             "description": "Approves expense reports.", "allowedMemberTypes": ["User"], "isEnabled": true},
            {"id": EXPENSES_ROLE_SUBMITTER, "displayName": "Expense Submitter", "value": "Expenses.Submit",
             "description": "Submits expense reports.", "allowedMemberTypes": ["User"], "isEnabled": true},
        ],
    })]
}

fn rid(v: &Value, flat: &str, navs: &[&str]) -> String {
    let d = s(v, flat);
    if !d.is_empty() {
        return d.to_string();
    }
    navs.iter().map(|n| v.get(*n).map(|x| if s(x, "objectId").is_empty() { s(x, "id") } else { s(x, "objectId") }).unwrap_or("")).find(|x| !x.is_empty()).unwrap_or("").to_string()
}

fn bad(msg: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(msg.into())
}

/// Stores one raw seed object as a canonical record.
fn import(st: &Store, coll: &str, raw: &Value, catalogs: &mut HashMap<String, String>) -> rusqlite::Result<()> {
    // Assignments and requests are rebuilt field by field below: no copy of the raw object.
    let mut m: Map<String, Value> =
        if matches!(coll, "assignments" | "assignmentRequests") { Map::new() } else { raw.as_object().cloned().unwrap_or_default() };
    let id = match s(raw, "id") {
        "" => new_id(),
        x => x.to_string(),
    };
    m.insert("id".into(), json!(id));
    let t = now();
    for k in ["createdDateTime", "modifiedDateTime"] {
        m.entry(k).or_insert(json!(t));
    }
    let (k, parent): (&str, Option<String>) = match coll {
        "catalogs" => {
            let c = new_catalog(raw);
            return st.put(kind::CATALOG, s(&c, "id"), None, &c);
        }
        "resources" => {
            let cat = rid(raw, "catalogId", &["catalog"]);
            m.insert("_catalogId".into(), json!(cat));
            m.entry("attributes").or_insert(json!([]));
            (kind::RESOURCE, Some(cat))
        }
        "resourceRoles" => {
            let cat = rid(raw, "catalogId", &["catalog"]);
            m.insert("_catalogId".into(), json!(cat));
            m.insert("_resourceId".into(), json!(rid(raw, "resourceId", &["resource"])));
            m.remove("resource");
            (kind::RESOURCE_ROLE, Some(cat))
        }
        "accessPackages" => {
            m.insert("catalogId".into(), json!(rid(raw, "catalogId", &["catalog"])));
            m.remove("catalog");
            m.entry("isHidden").or_insert(json!(false));
            (kind::ACCESS_PACKAGE, None)
        }
        "resourceRoleScopes" => {
            let pkg = rid(raw, "accessPackageId", &["accessPackage"]);
            m.insert("_roleId".into(), json!(rid(raw, "roleId", &["role"])));
            m.insert("_scope".into(), raw.get("scope").cloned().unwrap_or(Value::Null));
            m.remove("role");
            m.remove("scope");
            (kind::ROLE_SCOPE, Some(pkg))
        }
        "assignmentPolicies" => {
            let beta = raw.get("durationInDays").is_some() || raw.get("requestorSettings").and_then(|r| r.get("scopeType")).is_some();
            let version = if beta { entitlement::api::ApiVersion::Beta } else { entitlement::api::ApiVersion::V1 };
            let mut c = policies::canonical(version, raw).map_err(|e| bad(format!("policy {id}: {}", e.message)))?;
            c.insert("id".into(), json!(id));
            for k in ["createdDateTime", "modifiedDateTime", "createdBy", "modifiedBy"] {
                c.insert(k.into(), m.get(k).cloned().unwrap_or(Value::Null));
            }
            m = c;
            (kind::POLICY, None)
        }
        "assignments" => {
            let pkg = rid(raw, "accessPackageId", &["accessPackage"]);
            let catalog = match s(raw, "catalogId") {
                "" => match catalogs.get(&pkg) {
                    Some(c) => c.clone(),
                    None => {
                        let c = st.get(kind::ACCESS_PACKAGE, &pkg)?.map(|p| s(&p.json, "catalogId").to_string()).unwrap_or_default();
                        catalogs.insert(pkg.clone(), c.clone());
                        c
                    }
                },
                c => c.to_string(),
            };
            let state = camel(s(raw, "state").trim()).to_string();
            let state = if state.is_empty() { camel(s(raw, "assignmentState")) } else { state };
            let state = if state.is_empty() { "delivered".to_string() } else { state };
            let status = match s(raw, "status") {
                "" => if state == "delivered" { "Delivered".to_string() } else { "Expired".to_string() },
                x => x.to_string(),
            };
            let mut c = Map::new();
            c.insert("id".into(), json!(id));
            c.insert("state".into(), json!(state));
            c.insert("status".into(), json!(status));
            c.insert("expiredDateTime".into(), raw.get("expiredDateTime").cloned().unwrap_or(Value::Null));
            c.insert("schedule".into(), raw.get("schedule").cloned().unwrap_or(json!({"startDateTime": t, "recurrence": null, "expiration": {"type": "noExpiration", "endDateTime": null, "duration": null}})));
            c.insert("_accessPackageId".into(), json!(pkg));
            c.insert("_policyId".into(), json!(rid(raw, "assignmentPolicyId", &["assignmentPolicy", "accessPackageAssignmentPolicy"])));
            c.insert("_targetId".into(), json!(rid(raw, "targetId", &["target"])));
            c.insert("_catalogId".into(), json!(catalog));
            c.insert("_resourceRoles".into(), json!([]));
            m = c;
            (kind::ASSIGNMENT, None)
        }
        "assignmentRequests" => {
            let a = raw.get("assignment").or_else(|| raw.get("accessPackageAssignment")).cloned().unwrap_or(Value::Null);
            let pick = |flat: &str, navs: &[&str]| {
                let x = rid(raw, flat, navs);
                if x.is_empty() { rid(&a, flat, navs) } else { x }
            };
            let mut c = Map::new();
            c.insert("id".into(), json!(id));
            c.insert("requestType".into(), json!(camel(s(raw, "requestType"))));
            c.insert("state".into(), json!(camel(if s(raw, "state").is_empty() { "delivered" } else { s(raw, "state") })));
            c.insert("status".into(), json!(if s(raw, "status").is_empty() { "Delivered" } else { s(raw, "status") }));
            c.insert("createdDateTime".into(), raw.get("createdDateTime").cloned().unwrap_or_else(|| json!(t)));
            c.insert("completedDateTime".into(), raw.get("completedDateTime").cloned().unwrap_or(Value::Null));
            c.insert("justification".into(), raw.get("justification").cloned().unwrap_or(Value::Null));
            c.insert("answers".into(), json!([]));
            c.insert("_accessPackageId".into(), json!(pick("accessPackageId", &["accessPackage"])));
            c.insert("_policyId".into(), json!(pick("assignmentPolicyId", &["assignmentPolicy"])));
            c.insert("_targetId".into(), json!(pick("targetId", &["target"])));
            c.insert("_assignmentId".into(), json!(a.get("id").cloned().unwrap_or(Value::Null)));
            c.insert("_requestorId".into(), json!(rid(raw, "requestorId", &["requestor"])));
            m = c;
            (kind::REQUEST, None)
        }
        other => return Err(bad(format!("unknown collection '{other}'"))),
    };
    st.put(k, &id, parent.as_deref(), &Value::Object(m))
}
