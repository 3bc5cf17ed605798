// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! What the generated models share: the unknown-property map, the dynamic
//! model view the bindings read fields through, and decoders by type name.

use std::fmt;

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use super::time::{IsoDuration, Timestamp};

/// Properties a model does not declare, and declared properties the service
/// sent as explicit `null`, kept so they are written back. Explicit nulls of
/// declared properties are kept as their static names (no map insert on the
/// decode path).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    map: Map<String, Value>,
    nulls: Vec<&'static str>,
}

static NULL: Value = Value::Null;

impl Extra {
    /// The value sent for `key` (a JSON property name); `Some(&Value::Null)`
    /// for a declared property that arrived as `null`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map
            .get(key)
            .or_else(|| self.nulls.contains(&key).then_some(&NULL))
    }
    /// Sets a property to send as given (an unknown one, or `null` to clear a
    /// declared one); answers the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.nulls.retain(|n| *n != key);
        self.map.insert(key, value)
    }
    /// Stops sending `key`; answers what was there (`Value::Null` for a
    /// remembered explicit null).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let was_null = self.nulls.contains(&key);
        self.nulls.retain(|n| *n != key);
        self.map.remove(key).or(was_null.then_some(Value::Null))
    }
    /// Remembers that a declared property arrived as `null`.
    pub fn mark_null(&mut self, name: &'static str) {
        if !self.nulls.contains(&name) {
            self.nulls.push(name);
        }
    }
    /// Unknown properties first, then explicit nulls.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.map
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain(self.nulls.iter().map(|k| (*k, &NULL)))
    }
    /// No unknown properties and no explicit nulls: the model writes back only
    /// its declared fields.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.nulls.is_empty()
    }
    /// Unknown properties plus explicit nulls, as [`iter`](Self::iter) yields them.
    pub fn len(&self) -> usize {
        self.map.len() + self.nulls.len()
    }
}

/// Implemented by every generated struct.
pub trait Model: Serialize + DeserializeOwned + Clone + fmt::Debug + Send + Sync + 'static {
    /// Graph type name, e.g. `accessPackage`.
    const TYPE_NAME: &'static str;
    /// `#microsoft.graph.accessPackage`.
    const ODATA_TYPE: &'static str;
    /// The properties this model keeps besides its declared fields.
    fn extra(&self) -> &Extra;
    /// Mutable [`extra`](Self::extra): add a property the model does not
    /// declare (a preview property) or clear one with `null`.
    fn extra_mut(&mut self) -> &mut Extra;
    /// Sends `name` as an explicit JSON `null` (to clear it in a PATCH).
    fn set_null(&mut self, json_name: &str) {
        self.extra_mut().insert(json_name.to_string(), Value::Null);
    }
}

/// A declared property: its JSON (camelCase) and snake_case names.
#[derive(Debug, Clone, Copy)]
pub struct FieldName {
    /// The name on the wire, `accessPackageId`.
    pub json: &'static str,
    /// The Rust field name, `access_package_id` (`type` for `r#type`), which
    /// Python uses too.
    pub snake: &'static str,
}

/// One field read through [`DynModel::get`], borrowed from the model where
/// it can be: strings and nested models are not copied.
pub enum Got<'a> {
    /// Not a declared property and not present.
    Missing,
    /// Declared but absent or `null`.
    Null,
    /// A string property, borrowed.
    Str(&'a str),
    /// A boolean property.
    Bool(bool),
    /// An integer property (32-bit ones widened).
    Int(i64),
    /// Any other value (enums, timestamps, durations, lists of scalars, an
    /// unknown property) as JSON, which the binding converts.
    Json(Value),
    /// A nested model, borrowed.
    Model(&'a (dyn DynModel + 'static)),
    /// A list of nested models, borrowed.
    Models(Vec<&'a (dyn DynModel + 'static)>),
}

/// Object-safe view of any model, for bindings that read fields by name
/// without knowing the Rust type.
pub trait DynModel: Send + Sync + fmt::Debug {
    /// The Graph type name of the concrete model (`accessPackage`; a family
    /// answers its subtype's).
    fn type_name(&self) -> &'static str;
    /// The declared properties in declaration order (Python's `dir()` of a
    /// model lists their snake_case names).
    fn fields(&self) -> &'static [FieldName];
    /// Field by JSON name; unknown names fall back to the extra properties.
    fn get(&self, json_name: &str) -> Got<'_>;
    /// The model as the JSON it would be sent as, unknown properties and
    /// explicit nulls included.
    fn to_json(&self) -> Value;
    /// A boxed copy (`Clone` is not object-safe).
    fn clone_dyn(&self) -> Box<dyn DynModel>;
}

/// One page of a collection, decoded without knowing the item type statically.
pub struct DynPage {
    /// Shared: a binding's object for an item and its nested views keep it alive.
    pub items: Vec<std::sync::Arc<dyn DynModel>>,
    /// `@odata.nextLink`: the URL of the next page, absent on the last.
    pub next_link: Option<String>,
    /// `@odata.count`: the total across pages, when `$count=true` was asked.
    pub count: Option<i64>,
}

/// Decoding functions for one type, looked up by name (see [`crate::models::decoder`]).
pub struct Decoder {
    /// Decodes one entity from a response body.
    pub one: fn(&[u8]) -> serde_json::Result<Box<dyn DynModel>>,
    /// Decodes one page (`{"value": [...], "@odata.nextLink": ...}`) of a
    /// collection from a response body.
    pub page: fn(&[u8]) -> serde_json::Result<DynPage>,
    /// Decodes one entity from JSON already parsed (a model a binding builds
    /// from keyword arguments or a dict).
    pub from_value: fn(Value) -> serde_json::Result<Box<dyn DynModel>>,
    /// Whether `one` would accept the body, without building the model ([`Check`]).
    pub check_one: fn(&[u8]) -> serde_json::Result<()>,
    /// Whether `page` would accept the body, without building the models.
    pub check_page: fn(&[u8]) -> serde_json::Result<()>,
}

impl Decoder {
    /// The decoders of model type `T` (one per type, in the generated table).
    pub const fn of<T: DynModel + DeserializeOwned + Check + 'static>() -> Decoder {
        Decoder {
            one: decode_one::<T>,
            page: decode_page::<T>,
            from_value: decode_value::<T>,
            check_one: check_one::<T>,
            check_page: check_page::<T>,
        }
    }
}

fn check_one<T: Check>(b: &[u8]) -> serde_json::Result<()> {
    let text = utf8(b)?;
    speculate(|| Level::with(0, || serde_json::from_str::<Valid<T>>(text).map(drop)))
}

fn check_page<T: Check>(b: &[u8]) -> serde_json::Result<()> {
    let text = utf8(b)?;
    // The same derived `Page` as `decode_page`, its items zero-sized checks
    // inside two containers (the page object and its `value` array).
    speculate(|| {
        Level::with(2, || {
            serde_json::from_str::<crate::paging::Page<Valid<T>>>(text).map(drop)
        })
    })
}

/// Accepts exactly the JSON that the type's `Deserialize` accepts, and
/// rejects exactly what it rejects, without building the value: strings are
/// not copied, nested models and lists are not allocated, unknown properties
/// are walked, not stored. Responses that a binding hands on as JSON text
/// (Node, C) are checked with it, so every language applies the typed
/// decode's rule at a fraction of its cost (`tests/check_equivalence.rs`
/// runs both over the corpora).
///
/// Each impl mirrors the `Deserialize` it stands for: the same
/// `Deserializer` method (a JSON parser reports the same errors whatever the
/// visitor) and a visitor that accepts the same callbacks.
pub trait Check {
    /// Succeeds exactly when `Self::deserialize(d)` would, and fails with the
    /// same error.
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error>;
}

/// A zero-sized stand-in for `T` whose `Deserialize` is `T`'s [`Check`]:
/// `Vec<Valid<T>>`, `Option<Valid<T>>` and `Page<Valid<T>>` run serde's own
/// container impls around it (a `Vec` of zero-sized items never allocates).
pub struct Valid<T: ?Sized>(PhantomData<T>);

impl<'de, T: Check + ?Sized> Deserialize<'de> for Valid<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::check(d).map(|()| Valid(PhantomData))
    }
}

impl<T: Check> Check for Option<T> {
    #[inline]
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        Option::<Valid<T>>::deserialize(d).map(drop)
    }
}

impl<T: Check> Check for Vec<T> {
    #[inline]
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        let _level = Level::enter();
        Vec::<Valid<T>>::deserialize(d).map(drop)
    }
}

thread_local! {
    /// How many JSON containers enclose the value being checked (see [`check_family`]).
    static LEVEL: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One more enclosing container while alive (a model's object, a list).
pub struct Level(());

impl Level {
    /// Counts one more enclosing container until the guard is dropped.
    #[inline]
    pub fn enter() -> Level {
        LEVEL.with(|l| l.set(l.get() + 1));
        Level(())
    }
    /// Runs `f` with `n` enclosing containers, restoring the count after.
    pub fn with<R>(n: u32, f: impl FnOnce() -> R) -> R {
        let saved = LEVEL.with(|l| l.replace(n));
        let r = f();
        LEVEL.with(|l| l.set(saved));
        r
    }
}

impl Drop for Level {
    #[inline]
    fn drop(&mut self) {
        LEVEL.with(|l| l.set(l.get().saturating_sub(1)));
    }
}

/// serde_json refuses a document nested this deep (its recursion limit):
/// the 128th container inside another 127.
const MAX_NESTING: u32 = 128;

/// The deepest container nesting in a JSON text (the outer one counts 1).
fn nesting(text: &str) -> u32 {
    let (mut depth, mut max, mut in_str, mut esc) = (0u32, 0u32, false, false);
    for &b in text.as_bytes() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// What a first pass over a family's object finds: its last `@odata.type`
/// if a string (as `Value::get` would), and whether the fast path must not
/// be taken (a repeated key, whose last value alone counts in a `Value`, or
/// serde_json's raw-value marker as the first key).
struct FamilyScan<'a> {
    tag: Option<std::borrow::Cow<'a, str>>,
    exact: bool,
}

fn scan_family(text: &str) -> serde_json::Result<FamilyScan<'_>> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = FamilyScan<'de>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<FamilyScan<'de>, A::Error> {
            let mut keys: Vec<Key<'de>> = Vec::new();
            let mut out = FamilyScan {
                tag: None,
                exact: false,
            };
            while let Some(k) = m.next_key::<Key<'de>>()? {
                if keys.is_empty() && k.as_str() == RAW_VALUE_TOKEN {
                    out.exact = true;
                }
                if keys.iter().any(|x| x.as_str() == k.as_str()) {
                    out.exact = true;
                }
                if k.as_str() == "@odata.type" {
                    let raw = m.next_value::<&'de serde_json::value::RawValue>()?;
                    out.tag = serde_json::from_str::<std::borrow::Cow<'de, str>>(raw.get()).ok();
                } else {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
                keys.push(k);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let scan = serde::Deserializer::deserialize_map(&mut de, V)?;
    de.end()?;
    Ok(scan)
}

thread_local! {
    /// Whether families are being read on speculation ([`speculate`]).
    static FAST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Cleared by [`careful`] (tests compare both ways).
    static MAY_SPECULATE: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Decodes (or checks) a document reading every polymorphic family in the
/// same pass as the rest, on the speculation that the family's subtype is
/// the one its first key names (`@odata.type` first, as Graph writes it)
/// or the base type when its first key is anything else. The speculation
/// holds when that `@odata.type` is the object's only one and no key is
/// repeated ([`Spec`]); where it does not hold, or on any error, the
/// document is read again the careful way ([`family`]: the family's text
/// taken, scanned for its last `@odata.type`, read again), which decides
/// the outcome and the error. So a well-formed page is read once instead
/// of each family object three times (five for a family inside a family,
/// as approvers inside an approval stage).
pub fn speculate<R>(f: impl Fn() -> serde_json::Result<R>) -> serde_json::Result<R> {
    if !MAY_SPECULATE.with(|m| m.get()) {
        return f();
    }
    let was = FAST.with(|x| x.replace(true));
    let r = f();
    FAST.with(|x| x.set(was));
    match r {
        Err(_) if !was => f(),
        r => r,
    }
}

/// Runs `f` without speculation (the careful way only): tests compare the two.
#[doc(hidden)]
pub fn careful<R>(f: impl FnOnce() -> R) -> R {
    let was = MAY_SPECULATE.with(|m| m.replace(false));
    let r = f();
    MAY_SPECULATE.with(|m| m.set(was));
    r
}

/// Whether a family is read on speculation now (see [`speculate`]).
#[doc(hidden)]
#[inline]
pub fn fast() -> bool {
    FAST.with(|x| x.get())
}

fn spoiled<E: serde::de::Error>() -> E {
    E::custom("the speculation on a family's subtype did not hold")
}

/// The keys a family's object has shown so far, read on speculation: a
/// repeated key (a `Value` keeps the last one only), an `@odata.type` that
/// is not the first key, or serde_json's raw-value marker first, spoil it.
#[doc(hidden)]
pub struct Spec<'de>(Vec<Key<'de>>);

/// What a model's key loop tells about each key (nothing, outside a family).
#[doc(hidden)]
pub trait Seen<'de> {
    /// Fails when the speculation no longer holds.
    fn see<E: serde::de::Error>(&mut self, k: &Key<'de>) -> Result<(), E>;
}

impl<'de> Seen<'de> for () {
    #[inline(always)]
    fn see<E: serde::de::Error>(&mut self, _: &Key<'de>) -> Result<(), E> {
        Ok(())
    }
}

impl<'de> Seen<'de> for Spec<'de> {
    #[inline]
    fn see<E: serde::de::Error>(&mut self, k: &Key<'de>) -> Result<(), E> {
        let s = k.as_str();
        if s == "@odata.type"
            || (self.0.is_empty() && s == RAW_VALUE_TOKEN)
            || self.0.iter().any(|x| x.as_str() == s)
        {
            return Err(spoiled());
        }
        self.0.push(k.clone());
        Ok(())
    }
}

/// The next key of a model's key loop: `first` (read by a family already)
/// or the map's next, told to `seen`.
#[doc(hidden)]
#[inline]
pub fn next_key<'de, A: MapAccess<'de>, S: Seen<'de>>(
    m: &mut A,
    first: &mut Option<Key<'de>>,
    seen: &mut S,
) -> Result<Option<Key<'de>>, A::Error> {
    let k = match first.take() {
        Some(k) => k,
        None => match m.next_key::<Key<'de>>()? {
            Some(k) => k,
            None => return Ok(None),
        },
    };
    seen.see(&k)?;
    Ok(Some(k))
}

/// The start of a family's object read on speculation.
#[doc(hidden)]
pub enum Head<'de> {
    /// `{}`: the base type, empty.
    Empty,
    /// `@odata.type` came first: its value (the subtype) is read.
    Tagged(Key<'de>, Spec<'de>),
    /// Another key came first: the base type, that key still to read.
    Untagged(Key<'de>, Spec<'de>),
}

/// Reads a family object's first key (and, for `@odata.type`, its value).
#[doc(hidden)]
pub fn family_head<'de, A: MapAccess<'de>>(m: &mut A) -> Result<Head<'de>, A::Error> {
    let Some(k) = m.next_key::<Key<'de>>()? else {
        return Ok(Head::Empty);
    };
    let mut spec = Spec(Vec::with_capacity(8));
    if k.as_str() == "@odata.type" {
        let tag = m.next_value::<Key<'de>>()?;
        spec.0.push(k);
        return Ok(Head::Tagged(tag, spec));
    }
    if k.as_str() == RAW_VALUE_TOKEN {
        return Err(spoiled());
    }
    Ok(Head::Untagged(k, spec))
}

/// The decoding of a polymorphic family, and its check. A family used to be
/// read into a `Value` first (the `@odata.type` that picks the subtype may
/// come last), then decoded from it: a map allocated per object, for the
/// most frequent objects of a policy (approvers, targets, stages). Now the
/// object's text is taken as it is (borrowed from the body; a `Value`
/// input is printed), a first pass finds its `@odata.type`, and the subtype
/// is read from the text (`subtype(text, short_tag)`). Where a `Value`
/// would behave differently, the `Value` way runs (`exact(text)`): a
/// repeated key (a `Value` keeps only the last one) or serde_json's
/// raw-value marker as the first key. Nesting is measured against
/// serde_json's recursion limit from the enclosing containers ([`Level`]),
/// as one parse of the whole document would.
pub fn family<'de, D: Deserializer<'de>, R>(
    d: D,
    subtype: impl FnOnce(&str, &str) -> serde_json::Result<R>,
    exact: impl FnOnce(&str) -> serde_json::Result<R>,
) -> Result<R, D::Error> {
    use serde::de::Error as _;
    let text = d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawText)?;
    let level = LEVEL.with(|l| l.get());
    // Every container opens with `{` or `[`: their count bounds the nesting
    // (one vectorised pass); only a text that could reach the limit is walked.
    let opens = text.bytes().filter(|b| matches!(b, b'{' | b'[')).count();
    if level as usize + opens >= MAX_NESTING as usize && level + nesting(&text) >= MAX_NESTING {
        return Err(D::Error::custom("recursion limit exceeded"));
    }
    let scan = scan_family(&text).map_err(D::Error::custom)?;
    let r = if scan.exact {
        exact(&text)
    } else {
        subtype(
            &text,
            scan.tag.as_deref().map(short_type).unwrap_or_default(),
        )
    };
    r.map_err(D::Error::custom)
}

/// A value's JSON text: borrowed from serde_json's parser over a string or
/// slice, copied from a reader, printed from a `Value`.
struct RawText;

impl<'de> Visitor<'de> for RawText {
    type Value = std::borrow::Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        // serde_json's `Value` answers the raw-value request with a
        // one-entry map: the marker, then the value printed.
        m.next_key::<serde::de::IgnoredAny>()?;
        m.next_value::<String>().map(std::borrow::Cow::Owned)
    }
}

/// [`family`] for [`Check`].
pub fn check_family<'de, D: Deserializer<'de>>(
    d: D,
    subtype: impl FnOnce(&str, &str) -> serde_json::Result<()>,
    exact: impl FnOnce(&str) -> serde_json::Result<()>,
) -> Result<(), D::Error> {
    family(d, subtype, exact)
}

impl<T: Check> Check for Box<T> {
    #[inline]
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        T::check(d)
    }
}

/// Types whose `Deserialize` allocates nothing (or little, and only for
/// values that are rare on the hot path): checked by decoding them.
macro_rules! check_by_decoding {
    ($($t:ty),*) => {$(
        impl Check for $t {
            #[inline]
            fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
                <$t>::deserialize(d).map(drop)
            }
        }
    )*};
}
check_by_decoding!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    Timestamp,
    IsoDuration
);

/// serde's `String` visitor without the copy: `deserialize_string`, any
/// string, bytes only as UTF-8.
impl Check for String {
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, _: &str) -> Result<(), E> {
                Ok(())
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<(), E> {
                std::str::from_utf8(v)
                    .map(drop)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
            }
        }
        d.deserialize_string(V)
    }
}

/// A string through [`Key`]'s visitor (enums, and the property names of
/// models): `deserialize_str`, strings only.
pub fn check_key<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a property name")
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
    }
    d.deserialize_str(V)
}

/// `serde_json::Value`'s visitor without the tree: `deserialize_any`, every
/// JSON value, numbers and strings parsed in full (unlike `IgnoredAny`, which
/// skips the range check of numbers and the surrogate check of `\u`
/// escapes), and serde_json's raw-value key handled as `Value` handles it.
impl Check for Value {
    fn check<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        d.deserialize_any(AnyJson)
    }
}

struct AnyJson;

/// The first key of an object, told apart as `Value`'s `KeyClassifier` does.
struct FirstKey;

/// serde_json's marker for a raw value (`serde_json::value::RawValue`).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> DeserializeSeed<'de> for FirstKey {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, s: &str) -> Result<bool, E> {
                Ok(s == RAW_VALUE_TOKEN)
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for AnyJson {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<(), E> {
        serde_json::Number::deserialize(serde::de::value::I128Deserializer::<E>::new(v)).map(drop)
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<(), E> {
        serde_json::Number::deserialize(serde::de::value::U128Deserializer::<E>::new(v)).map(drop)
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_string<E>(self, _: String) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(AnyJson)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Valid<Value>>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        match m.next_key_seed(FirstKey)? {
            None => Ok(()),
            Some(true) => {
                // `Value` reads the raw value's text and parses it as JSON.
                let text = m.next_value::<std::borrow::Cow<'de, str>>()?;
                serde_json::from_str::<Valid<Value>>(&text)
                    .map(drop)
                    .map_err(serde::de::Error::custom)
            }
            Some(false) => {
                m.next_value::<Valid<Value>>()?;
                while m.next_entry::<Valid<String>, Valid<Value>>()?.is_some() {}
                Ok(())
            }
        }
    }
}

fn decode_one<T: DynModel + DeserializeOwned + 'static>(
    b: &[u8],
) -> serde_json::Result<Box<dyn DynModel>> {
    let text = utf8(b)?;
    Ok(Box::new(speculate(|| {
        Level::with(0, || serde_json::from_str::<T>(text))
    })?))
}

/// Whole-body UTF-8 check (one SIMD pass) so the parser skips per-string checks.
fn utf8(b: &[u8]) -> serde_json::Result<&str> {
    std::str::from_utf8(b).map_err(|e| serde::de::Error::custom(format!("body is not UTF-8: {e}")))
}

fn decode_value<T: DynModel + DeserializeOwned + 'static>(
    v: Value,
) -> serde_json::Result<Box<dyn DynModel>> {
    Ok(Box::new(Level::with(0, || serde_json::from_value::<T>(v))?))
}

fn decode_page<T: DynModel + DeserializeOwned + 'static>(b: &[u8]) -> serde_json::Result<DynPage> {
    let text = utf8(b)?;
    let page: crate::paging::Page<T> =
        speculate(|| Level::with(2, || serde_json::from_str(text)))?;
    Ok(DynPage {
        items: page
            .value
            .into_iter()
            .map(|x| std::sync::Arc::new(x) as std::sync::Arc<dyn DynModel>)
            .collect(),
        next_link: page.next_link,
        count: page.count,
    })
}

/// A map key that borrows from the input when it can.
#[derive(Clone)]
pub enum Key<'de> {
    /// Borrowed from the input (no escapes in the key).
    Borrowed(&'de str),
    /// Copied (the key had escapes, or the input was a reader).
    Owned(String),
}

impl Key<'_> {
    /// The key's text, either way.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
    /// The key as an owned string (copied only when borrowed).
    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_string(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads a declared property; an explicit `null` is remembered in `extra` so
/// it is written back.
#[inline]
pub fn take<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    m: &mut A,
    slot: &mut Option<T>,
    extra: &mut Extra,
    name: &'static str,
) -> Result<(), A::Error> {
    match m.next_value::<Option<T>>()? {
        Some(v) => *slot = Some(v),
        None => extra.mark_null(name),
    }
    Ok(())
}

/// [`DynModel::get`] for a scalar or JSON-valued field: strings, booleans
/// and integers without a JSON detour, anything else serialized; an absent
/// field falls back to `extra` (an explicit `null`, or the value of a
/// property the service sent that this version does not declare). Used by
/// the `model!` macro.
pub fn got_json<'a, T: Serialize + 'static>(
    f: &'a Option<T>,
    extra: &'a Extra,
    name: &str,
) -> Got<'a> {
    // Scalars without a JSON detour (the common case of attribute reads).
    let any: &dyn std::any::Any = f;
    if let Some(s) = any.downcast_ref::<Option<String>>() {
        return s
            .as_deref()
            .map_or_else(|| got_extra(extra, name).or_null(), Got::Str);
    }
    if let Some(b) = any.downcast_ref::<Option<bool>>() {
        return b.map_or_else(|| got_extra(extra, name).or_null(), Got::Bool);
    }
    if let Some(i) = any.downcast_ref::<Option<i64>>() {
        return i.map_or_else(|| got_extra(extra, name).or_null(), Got::Int);
    }
    if let Some(i) = any.downcast_ref::<Option<i32>>() {
        return i.map_or_else(|| got_extra(extra, name).or_null(), |i| Got::Int(i.into()));
    }
    match f {
        Some(v) => serde_json::to_value(v).map(Got::Json).unwrap_or(Got::Null),
        None => match extra.get(name) {
            Some(Value::Null) | None => Got::Null,
            Some(v) => Got::Json(v.clone()),
        },
    }
}

/// [`DynModel::get`] for a nested model field, borrowed (`as model` in
/// `model!`); absent: the `extra` fallback of [`got_json`].
pub fn got_model<'a, T: DynModel + 'static>(
    f: &'a Option<Box<T>>,
    extra: &'a Extra,
    name: &str,
) -> Got<'a> {
    match f {
        Some(v) => Got::Model(v.as_ref()),
        None => got_extra(extra, name).or_null(),
    }
}

/// [`DynModel::get`] for a list of nested models, borrowed (`as models` in
/// `model!`); absent: the `extra` fallback of [`got_json`].
pub fn got_models<'a, T: DynModel + 'static>(
    f: &'a Option<Vec<T>>,
    extra: &'a Extra,
    name: &str,
) -> Got<'a> {
    match f {
        Some(v) => Got::Models(v.iter().map(|x| x as &(dyn DynModel + 'static)).collect()),
        None => got_extra(extra, name).or_null(),
    }
}

/// A property read from `extra` only: `Null` for an explicit null,
/// `Missing` when the service did not send it.
pub fn got_extra<'a>(extra: &'a Extra, name: &str) -> Got<'a> {
    match extra.get(name) {
        Some(Value::Null) => Got::Null,
        Some(v) => Got::Json(v.clone()),
        None => Got::Missing,
    }
}

impl<'a> Got<'a> {
    fn or_null(self) -> Got<'a> {
        match self {
            Got::Missing => Got::Null,
            other => other,
        }
    }
}

/// `#microsoft.graph.singleUser` → `singleUser`.
pub fn short_type(t: &str) -> &str {
    let t = t.strip_prefix('#').unwrap_or(t);
    t.strip_prefix("microsoft.graph.").unwrap_or(t)
}

/// Serializes a subtype with its `@odata.type` first (added when the value
/// does not carry one already).
pub fn with_odata_type<T: Serialize, S: Serializer>(
    x: &T,
    odata: &str,
    s: S,
) -> Result<S::Ok, S::Error> {
    let v = serde_json::to_value(x).map_err(serde::ser::Error::custom)?;
    match v {
        Value::Object(map) if !map.contains_key("@odata.type") => {
            let mut out = Map::with_capacity(map.len() + 1);
            out.insert("@odata.type".into(), Value::String(odata.into()));
            out.extend(map);
            Value::Object(out).serialize(s)
        }
        other => other.serialize(s),
    }
}

/// Serialize/Deserialize/Display for a generated string enum.
macro_rules! string_enum {
    ($t:ident) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let k = $crate::models::support::Key::deserialize(d)?;
                Ok(Self::from_wire(k.as_str()))
            }
        }
        impl $crate::models::support::Check for $t {
            fn check<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
                $crate::models::support::check_key(d)
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }
    };
}
pub(crate) use string_enum;

/// `stringify!(r#type)` → `type`: the snake_case name of a field identifier.
pub const fn strip_raw(ident: &'static str) -> &'static str {
    match ident.as_bytes() {
        [b'r', b'#', ..] => ident.split_at(2).1,
        _ => ident,
    }
}

/// The container a field kind adds around its models (`as models`: a list),
/// for [`Level`] (other lists hold no models, so no family to measure).
macro_rules! level_of {
    () => {
        ()
    };
    (model) => {
        ()
    };
    (models) => {
        $crate::models::support::Level::enter()
    };
}
pub(crate) use level_of;

/// The `got_*` reader of a field kind (`model!`'s `as model` / `as models`).
macro_rules! got_fn {
    () => {
        $crate::models::support::got_json
    };
    (model) => {
        $crate::models::support::got_model
    };
    (models) => {
        $crate::models::support::got_models
    };
}
pub(crate) use got_fn;

/// One generated model struct: the struct (every declared property an
/// `Option`, plus `extra`), its `Deserialize` (a direct `match` on the key
/// string into the typed field, no `Value` detour; explicit nulls remembered,
/// unknown properties kept in `extra`), `Serialize` (declared properties,
/// then `extra`), `Model` and `DynModel`.
///
/// ```ignore
/// model! {
///     /// Graph type `accessPackage` (entity).
///     AccessPackage = "accessPackage" {
///         /// Identifier. Read-only.
///         id: String = "id",
///         catalog: Box<AccessPackageCatalog> = "catalog" as model,
///         assignment_policies: Vec<AccessPackageAssignmentPolicy> = "assignmentPolicies" as models,
///     }
/// }
/// ```
///
/// `as model` / `as models` mark fields holding models (one, or a list), which
/// `DynModel::get` hands out as models instead of JSON.
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident = $type_name:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $json:literal $(as $got:ident)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: Option<$ty>,
            )*
            /// Properties this client does not model (and explicit nulls), kept for round trips.
            pub extra: $crate::models::support::Extra,
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", $type_name, " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                        let _level = $crate::models::support::Level::enter();
                        $name::read_map(&mut m, $name::default(), None, &mut ())
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl $name {
            /// The key loop of `Deserialize` (`first`: a key a family read
            /// already; `seen`: a family's speculation, see `speculate`).
            #[doc(hidden)]
            #[inline]
            pub fn read_map<'de, A: serde::de::MapAccess<'de>, S: $crate::models::support::Seen<'de>>(
                m: &mut A,
                mut out: Self,
                mut first: Option<$crate::models::support::Key<'de>>,
                seen: &mut S,
            ) -> Result<Self, A::Error> {
                while let Some(k) = $crate::models::support::next_key(m, &mut first, seen)? {
                    match k.as_str() {
                        $(
                            $json => {
                                let _list = $crate::models::support::level_of!($($got)?);
                                $crate::models::support::take(m, &mut out.$field, &mut out.extra, $json)?
                            }
                        )*
                        _ => {
                            let v = m.next_value()?;
                            out.extra.insert(k.into_string(), v);
                        }
                    }
                }
                Ok(out)
            }

            /// The key loop of `Check`, as [`read_map`](Self::read_map).
            #[doc(hidden)]
            #[inline]
            pub fn check_map<'de, A: serde::de::MapAccess<'de>, S: $crate::models::support::Seen<'de>>(
                m: &mut A,
                mut first: Option<$crate::models::support::Key<'de>>,
                seen: &mut S,
            ) -> Result<(), A::Error> {
                use $crate::models::support::Valid;
                while let Some(k) = $crate::models::support::next_key(m, &mut first, seen)? {
                    match k.as_str() {
                        $(
                            $json => {
                                m.next_value::<Option<Valid<$ty>>>()?;
                            }
                        )*
                        _ => {
                            m.next_value::<Valid<serde_json::Value>>()?;
                        }
                    }
                }
                Ok(())
            }
        }

        /// The mirror of the `Deserialize` above (see [`Check`](crate::models::support::Check)).
        impl $crate::models::support::Check for $name {
            fn check<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = ();
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", $type_name, " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
                        let _level = $crate::models::support::Level::enter();
                        $name::check_map(&mut m, None, &mut ())
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                $(
                    if let Some(v) = &self.$field {
                        m.serialize_entry($json, v)?;
                    }
                )*
                for (k, v) in self.extra.iter() {
                    if !self.is_set(k) {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
        }

        impl $name {
            fn is_set(&self, json_name: &str) -> bool {
                match json_name {
                    $( $json => self.$field.is_some(), )*
                    _ => false,
                }
            }
        }

        impl $crate::models::support::Model for $name {
            const TYPE_NAME: &'static str = $type_name;
            const ODATA_TYPE: &'static str = concat!("#microsoft.graph.", $type_name);
            fn extra(&self) -> &$crate::models::support::Extra {
                &self.extra
            }
            fn extra_mut(&mut self) -> &mut $crate::models::support::Extra {
                &mut self.extra
            }
        }

        impl $crate::models::support::DynModel for $name {
            fn type_name(&self) -> &'static str {
                $type_name
            }
            fn fields(&self) -> &'static [$crate::models::support::FieldName] {
                const FIELDS: &[$crate::models::support::FieldName] = &[
                    $(
                        $crate::models::support::FieldName {
                            json: $json,
                            snake: $crate::models::support::strip_raw(stringify!($field)),
                        },
                    )*
                ];
                FIELDS
            }
            fn get(&self, json_name: &str) -> $crate::models::support::Got<'_> {
                match json_name {
                    $(
                        $json => ($crate::models::support::got_fn!($($got)?))(&self.$field, &self.extra, $json),
                    )*
                    other => $crate::models::support::got_extra(&self.extra, other),
                }
            }
            fn to_json(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap_or_default()
            }
            fn clone_dyn(&self) -> Box<dyn $crate::models::support::DynModel> {
                Box::new(self.clone())
            }
        }
    };
}
pub(crate) use model;

/// A polymorphic family: an enum of the known subtypes (told apart by
/// `@odata.type`, case-insensitively) and `Other` for the base itself and any
/// subtype this client does not know, with `Deserialize`, `Serialize` (a
/// subtype's `@odata.type` written first), `DynModel` and `From` per subtype.
///
/// ```ignore
/// model_family! {
///     /// Graph type `userSet` and its subtypes ...
///     UserSet(UserSetBase) {
///         SingleUser(SingleUser) = "singleUser",
///         ...
///     }
/// }
/// ```
macro_rules! model_family {
    (
        $(#[$meta:meta])*
        $name:ident($base:ident) {
            $( $variant:ident($sub:ident) = $tn:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( #[doc = concat!("`@odata.type` `#microsoft.graph.", $tn, "`.")] $variant($sub), )*
            /// The base type, or a subtype this client does not know yet
            /// (its `@odata.type` and properties are kept and written back).
            Other($base),
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other($base::default())
            }
        }

        impl $name {
            /// The `@odata.type` this value serializes with (`None` for `Other` without one).
            pub fn odata_type(&self) -> Option<&str> {
                match self {
                    $( $name::$variant(_) => Some(concat!("#microsoft.graph.", $tn)), )*
                    Self::Other(b) => b.extra.get("@odata.type").and_then(|v| v.as_str()),
                }
            }
            fn inner(&self) -> &dyn $crate::models::support::DynModel {
                match self {
                    $( $name::$variant(x) => x, )*
                    Self::Other(x) => x,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if $crate::models::support::fast() {
                    struct V;
                    impl<'de> serde::de::Visitor<'de> for V {
                        type Value = $name;
                        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                            f.write_str("an object")
                        }
                        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<$name, A::Error> {
                            use $crate::models::support::{family_head, short_type, Head};
                            let _level = $crate::models::support::Level::enter();
                            match family_head(&mut m)? {
                                Head::Empty => Ok($name::Other($base::default())),
                                Head::Untagged(k, mut spec) => {
                                    $base::read_map(&mut m, $base::default(), Some(k), &mut spec).map($name::Other)
                                }
                                Head::Tagged(tag, mut spec) => {
                                    let tag = tag.into_string();
                                    match short_type(&tag) {
                                        $( t if t.eq_ignore_ascii_case($tn) => {
                                            let mut out = $sub::default();
                                            out.extra.insert("@odata.type".into(), serde_json::Value::String(tag));
                                            $sub::read_map(&mut m, out, None, &mut spec).map($name::$variant)
                                        } )*
                                        _ => {
                                            let mut out = $base::default();
                                            out.extra.insert("@odata.type".into(), serde_json::Value::String(tag));
                                            $base::read_map(&mut m, out, None, &mut spec).map($name::Other)
                                        }
                                    }
                                }
                            }
                        }
                    }
                    return d.deserialize_map(V);
                }
                $crate::models::support::family(d, |text, tag| match tag {
                    $( t if t.eq_ignore_ascii_case($tn) => serde_json::from_str(text).map($name::$variant), )*
                    _ => serde_json::from_str(text).map($name::Other),
                }, |text| {
                    // The `Value` way: the last of repeated keys counts.
                    let value: serde_json::Value = serde_json::from_str(text)?;
                    let tag = value
                        .get("@odata.type")
                        .and_then(|t| t.as_str())
                        .map($crate::models::support::short_type)
                        .unwrap_or_default();
                    match tag {
                        $( t if t.eq_ignore_ascii_case($tn) => serde_json::from_value(value).map($name::$variant), )*
                        _ => serde_json::from_value(value).map($name::Other),
                    }
                })
            }
        }

        /// See [`check_family`](crate::models::support::check_family).
        impl $crate::models::support::Check for $name {
            fn check<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
                if $crate::models::support::fast() {
                    struct V;
                    impl<'de> serde::de::Visitor<'de> for V {
                        type Value = ();
                        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                            f.write_str("an object")
                        }
                        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
                            use $crate::models::support::{family_head, short_type, Head};
                            let _level = $crate::models::support::Level::enter();
                            match family_head(&mut m)? {
                                Head::Empty => Ok(()),
                                Head::Untagged(k, mut spec) => $base::check_map(&mut m, Some(k), &mut spec),
                                Head::Tagged(tag, mut spec) => match short_type(tag.as_str()) {
                                    $( t if t.eq_ignore_ascii_case($tn) => $sub::check_map(&mut m, None, &mut spec), )*
                                    _ => $base::check_map(&mut m, None, &mut spec),
                                },
                            }
                        }
                    }
                    return d.deserialize_map(V);
                }
                $crate::models::support::check_family(d, |text, tag| match tag {
                    $( t if t.eq_ignore_ascii_case($tn) => serde_json::from_str::<$crate::models::support::Valid<$sub>>(text).map(drop), )*
                    _ => serde_json::from_str::<$crate::models::support::Valid<$base>>(text).map(drop),
                }, |text| serde_json::from_str::<$name>(text).map(drop))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(
                        $name::$variant(x) => {
                            $crate::models::support::with_odata_type(x, concat!("#microsoft.graph.", $tn), s)
                        }
                    )*
                    Self::Other(x) => serde::Serialize::serialize(x, s),
                }
            }
        }

        impl $crate::models::support::DynModel for $name {
            fn type_name(&self) -> &'static str {
                self.inner().type_name()
            }
            fn fields(&self) -> &'static [$crate::models::support::FieldName] {
                self.inner().fields()
            }
            fn get(&self, json_name: &str) -> $crate::models::support::Got<'_> {
                if json_name == "@odata.type" {
                    return self
                        .odata_type()
                        .map(|t| $crate::models::support::Got::Json(t.into()))
                        .unwrap_or($crate::models::support::Got::Null);
                }
                self.inner().get(json_name)
            }
            fn to_json(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap_or_default()
            }
            fn clone_dyn(&self) -> Box<dyn $crate::models::support::DynModel> {
                Box::new(self.clone())
            }
        }

        $(
            impl From<$sub> for $name {
                fn from(x: $sub) -> Self {
                    $name::$variant(x)
                }
            }
        )*
    };
}
pub(crate) use model_family;

/// `id()` for a family whose members are entities.
macro_rules! family_id {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl $name {
            /// The `id` every member of this family has.
            pub fn id(&self) -> Option<&str> {
                match self {
                    $( $name::$variant(x) => x.id.as_deref(), )*
                    Self::Other(x) => x.id.as_deref(),
                }
            }
        }
    };
}
pub(crate) use family_id;

/// A Graph enum: one variant per known value and `Unknown` for values added
/// to the service later (kept as sent), with `as_str` / `from_wire` and the
/// serde impls of [`string_enum!`].
macro_rules! graph_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $variant:ident = $wire:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( #[doc = concat!("`", $wire, "` on the wire.")] $variant, )*
            /// A value this client does not know yet, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as Graph spells it (an unknown one as it was sent).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    Self::Unknown(s) => s,
                }
            }

            /// The variant for a value as Graph sent it; never fails (an
            /// unknown value becomes `Unknown`).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => $name::$variant, )*
                    _ => Self::Unknown(s.to_string()),
                }
            }
        }

        $crate::models::support::string_enum!($name);
    };
}
pub(crate) use graph_enum;
