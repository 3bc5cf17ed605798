// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The `$filter` subset Graph accepts on entitlement management lists:
//! `eq ne gt ge lt le`, `and or not`, parentheses, `startswith`/`endswith`/
//! `contains`/`tolower`/`toupper`, nested property paths (case-insensitive),
//! type casts in paths (`microsoft.graph.domainIdentitySource`), the lambda
//! operators `any`/`all` over collections (`identitySources/any(is:is/…/tenantId
//! eq '…')`), string literals with `''` escaping, GUIDs, numbers, booleans
//! and `null`. A small recursive-descent parser; evaluation is over JSON.
//!
//! Any input is bounded: the parser recurses only for parentheses, `not` and
//! function arguments, at most [`MAX_DEPTH`] levels, and stops once the tree
//! has more than [`MAX_NODES`] nodes. `and`/`or` chains are n-ary nodes, so a
//! flat chain of any length is one level deep and evaluation (which follows
//! the tree) never recurses deeper than the parser did.

use serde_json::Value;

/// Deepest nesting of parentheses, `not` and function calls in one `$filter`.
/// OData's reference parser stops at a recursion limit too ("The recursion
/// limit has been exceeded."); real entitlement management filters nest two
/// or three levels, and 32 keeps parsing and evaluation far from any stack limit.
pub const MAX_DEPTH: usize = 32;

/// Most nodes (property paths, literals, operators, calls) in one `$filter`.
/// OData's validation counts nodes the same way ("The node count limit of
/// '100' has been exceeded." is its default); the emulator allows 1000, room
/// for a few hundred `id eq '…' or …` terms, while a 5,000-term chain is refused.
pub const MAX_NODES: usize = 1000;

/// A parsed `$filter`, evaluated against each JSON object of a list (see
/// [`matches()`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string, number, boolean, GUID (as a string) or `null`.
    Literal(Value),
    /// A property path split at `/` (`resource/id`); segments match property
    /// names case-insensitively, and a segment with a `.` is a type cast that
    /// holds only when the object's `@odata.type` is that type.
    Path(Vec<String>),
    /// `not e`: true when `e` is not true (a missing property included).
    Not(Box<Expr>),
    /// All operands of a chain `a and b and c` (two or more).
    And(Vec<Expr>),
    /// All operands of a chain `a or b or c` (two or more).
    Or(Vec<Expr>),
    /// `a op b`. Strings compare case-insensitively; values of different JSON
    /// types are never equal (so `ne` holds).
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// A function call by lower-case name (`startswith`, `endswith`,
    /// `contains`, `tolower`, `toupper`); the three tests ignore case.
    Call(String, Vec<Expr>),
    /// `path/any(var: body)`, `path/all(var: body)`, `path/any()`. Paths in
    /// `body` that start with `var` read the collection's item.
    Lambda {
        /// The collection, as for [`Expr::Path`].
        path: Vec<String>,
        /// `any` or `all`.
        op: LambdaOp,
        /// The range variable (`is` in `any(is: …)`); empty for `any()`.
        var: String,
        /// The condition on each item; `None` for `any()` (true when the
        /// collection is not empty).
        body: Option<Box<Expr>>,
    },
}

/// The quantifier of a lambda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LambdaOp {
    /// At least one item satisfies the body.
    Any,
    /// Every item satisfies the body (true for an empty collection).
    All,
}

/// A comparison operator; see [`Expr::Cmp`] for how values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal (true for values of different types).
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Word(String),
    LParen,
    RParen,
    Comma,
    Slash,
}

/// Parses a `$filter` value; the error text is for Graph's "Invalid filter clause" message.
pub fn parse(input: &str) -> Result<Expr, String> {
    let toks = tokenize(input)?;
    if toks.is_empty() {
        return Err("The filter expression is empty.".into());
    }
    let mut p = Parser { toks, pos: 0, depth: 0, nodes: 0 };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!("Syntax error at position {}: unexpected '{}'.", p.pos, p.describe()));
    }
    Ok(e)
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1
            }
            '/' => {
                out.push(Tok::Slash);
                i += 1
            }
            '\'' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("Unterminated string literal.".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            v.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            v.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(v));
            }
            c if c.is_alphanumeric() || "_.-:@$+".contains(c) => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || "_.-:@$+".contains(chars[i])) {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            other => return Err(format!("Unexpected character '{other}'.")),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Current nesting (parentheses, `not`, function arguments), at most [`MAX_DEPTH`].
    depth: usize,
    /// Nodes built so far, at most [`MAX_NODES`].
    nodes: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn describe(&self) -> String {
        match self.peek() {
            Some(Tok::Str(s)) => format!("'{s}'"),
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::LParen) => "(".into(),
            Some(Tok::RParen) => ")".into(),
            Some(Tok::Comma) => ",".into(),
            Some(Tok::Slash) => "/".into(),
            None => "end of input".into(),
        }
    }
    fn keyword(&mut self, kw: &str) -> bool {
        if let Some(Tok::Word(w)) = self.peek() {
            if w.eq_ignore_ascii_case(kw) {
                self.pos += 1;
                return true;
            }
        }
        false
    }
    fn expect(&mut self, t: Tok) -> Result<(), String> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("Expected {:?} but found {}.", t, self.describe()))
        }
    }
    /// One level deeper (a parenthesis, `not`, a function's arguments).
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("The recursion limit has been exceeded: the expression nests more than {MAX_DEPTH} levels."));
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }
    /// Counts one more node of the tree.
    fn node(&mut self) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(format!("The node count limit of '{MAX_NODES}' has been exceeded."));
        }
        Ok(())
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.and()?];
        while self.keyword("or") {
            items.push(self.and()?);
        }
        if items.len() == 1 {
            return Ok(items.remove(0));
        }
        self.node()?;
        Ok(Expr::Or(items))
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.unary()?];
        while self.keyword("and") {
            items.push(self.unary()?);
        }
        if items.len() == 1 {
            return Ok(items.remove(0));
        }
        self.node()?;
        Ok(Expr::And(items))
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.keyword("not") {
            self.enter()?;
            self.node()?;
            let e = Expr::Not(Box::new(self.unary()?));
            self.leave();
            return Ok(e);
        }
        self.comparison()
    }
    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.primary()?;
        let op = match self.peek() {
            Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "eq" => Some(CmpOp::Eq),
                "ne" => Some(CmpOp::Ne),
                "gt" => Some(CmpOp::Gt),
                "ge" => Some(CmpOp::Ge),
                "lt" => Some(CmpOp::Lt),
                "le" => Some(CmpOp::Le),
                "and" | "or" => None,
                _ => return Err(format!("Unsupported operator '{w}'.")),
            },
            _ => None,
        };
        match op {
            Some(op) => {
                self.pos += 1;
                self.node()?;
                let right = self.primary()?;
                Ok(Expr::Cmp(op, Box::new(left), Box::new(right)))
            }
            None => Ok(left),
        }
    }
    fn primary(&mut self) -> Result<Expr, String> {
        match self.peek().cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                self.expect(Tok::RParen)?;
                self.leave();
                Ok(e)
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                self.node()?;
                Ok(Expr::Literal(Value::String(s)))
            }
            Some(Tok::Word(w)) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::LParen) {
                    return self.call(&w);
                }
                self.node()?;
                if let Some(lit) = literal(&w) {
                    return Ok(lit);
                }
                if !is_identifier(&w) {
                    return Err(format!("Invalid token '{w}'."));
                }
                let mut path = vec![w];
                while self.peek() == Some(&Tok::Slash) {
                    self.pos += 1;
                    match self.peek().cloned() {
                        Some(Tok::Word(seg)) if is_identifier(&seg) => {
                            self.pos += 1;
                            if self.peek() == Some(&Tok::LParen) {
                                let op = match seg.to_ascii_lowercase().as_str() {
                                    "any" => LambdaOp::Any,
                                    "all" => LambdaOp::All,
                                    _ => return Err(format!("Function '{seg}' on a path is not supported.")),
                                };
                                return self.lambda(path, op);
                            }
                            path.push(seg);
                        }
                        _ => return Err(format!("Expected a property name after '/', found {}.", self.describe())),
                    }
                }
                Ok(Expr::Path(path))
            }
            _ => Err(format!("Expected an expression, found {}.", self.describe())),
        }
    }
    /// `(var: body)` or `()` after `path/any`, `path/all`.
    fn lambda(&mut self, path: Vec<String>, op: LambdaOp) -> Result<Expr, String> {
        self.node()?;
        self.expect(Tok::LParen)?;
        self.enter()?;
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            self.leave();
            if op == LambdaOp::All {
                return Err("The 'all' operator needs a lambda expression.".into());
            }
            return Ok(Expr::Lambda { path, op, var: String::new(), body: None });
        }
        // `v:` (the tokenizer keeps `:` in words, so `v:v/x` is one word)
        let var = match self.peek() {
            Some(Tok::Word(w)) => match w.split_once(':') {
                Some((var, rest)) if is_identifier(var) && !var.contains('.') => {
                    let var = var.to_string();
                    if rest.is_empty() {
                        self.pos += 1;
                    } else {
                        self.toks[self.pos] = Tok::Word(rest.to_string());
                    }
                    var
                }
                _ => return Err(format!("Expected a lambda variable ('x:') but found {}.", self.describe())),
            },
            _ => return Err(format!("Expected a lambda variable ('x:') but found {}.", self.describe())),
        };
        let body = self.or()?;
        self.expect(Tok::RParen)?;
        self.leave();
        Ok(Expr::Lambda { path, op, var, body: Some(Box::new(body)) })
    }
    fn call(&mut self, name: &str) -> Result<Expr, String> {
        let lname = name.to_ascii_lowercase();
        let arity = match lname.as_str() {
            "startswith" | "endswith" | "contains" => 2,
            "tolower" | "toupper" => 1,
            _ => return Err(format!("Unknown function '{name}'.")),
        };
        self.node()?;
        self.expect(Tok::LParen)?;
        self.enter()?;
        let mut args = vec![self.or()?];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            args.push(self.or()?);
        }
        self.expect(Tok::RParen)?;
        self.leave();
        if args.len() != arity {
            return Err(format!("Function '{name}' takes {arity} argument(s)."));
        }
        Ok(Expr::Call(lname, args))
    }
}

fn is_identifier(w: &str) -> bool {
    let mut chars = w.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_' || c == '@')
        && w.chars().all(|c| c.is_alphanumeric() || "_.@".contains(c))
}

fn literal(w: &str) -> Option<Expr> {
    let lw = w.to_ascii_lowercase();
    match lw.as_str() {
        "true" => return Some(Expr::Literal(Value::Bool(true))),
        "false" => return Some(Expr::Literal(Value::Bool(false))),
        "null" => return Some(Expr::Literal(Value::Null)),
        _ => {}
    }
    if uuid::Uuid::parse_str(w).is_ok() && w.len() == 36 {
        return Some(Expr::Literal(Value::String(w.to_string())));
    }
    if w.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        if let Ok(i) = w.parse::<i64>() {
            return Some(Expr::Literal(Value::from(i)));
        }
        if let Ok(f) = w.parse::<f64>() {
            return Some(Expr::Literal(Value::from(f)));
        }
        if chrono::DateTime::parse_from_rfc3339(w).is_ok() {
            return Some(Expr::Literal(Value::String(w.to_string())));
        }
    }
    None
}

/// Looks up a property path, case-insensitively. A qualified segment
/// (`microsoft.graph.domainIdentitySource`) is a type cast: the object must
/// carry that `@odata.type`.
pub fn lookup<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for seg in path {
        let map = cur.as_object()?;
        if seg.contains('.') {
            let t = map.get("@odata.type").and_then(Value::as_str)?;
            let short = |x: &'a str| -> String { x.trim_start_matches('#').trim_start_matches("microsoft.graph.").to_ascii_lowercase() };
            if short(t) != seg.trim_start_matches("microsoft.graph.").to_ascii_lowercase() {
                return None;
            }
            continue;
        }
        cur = map.get(seg.as_str()).or_else(|| {
            map.iter().find(|(k, _)| k.eq_ignore_ascii_case(seg)).map(|(_, v)| v)
        })?;
    }
    Some(cur)
}

/// Every first path segment the expression reads (to expand navigation
/// properties first): of paths with more than one segment, and of the
/// collections lambdas range over.
pub fn roots(e: &Expr, out: &mut Vec<String>) {
    walk(e, &mut Vec::new(), &mut |p, lambda| {
        if p.len() > 1 || lambda {
            out.push(p[0].clone());
        }
    });
}

/// Every property path the expression reads from the object filtered (paths
/// inside a lambda that read its item excluded; the lambda's collection included).
pub fn paths<'a>(e: &'a Expr, out: &mut Vec<&'a [String]>) {
    walk(e, &mut Vec::new(), &mut |p, _| out.push(p));
}

/// Calls `f` with each path read from the object filtered, and whether it is
/// a lambda's collection. Recursion follows the tree, bounded by [`MAX_DEPTH`].
fn walk<'a>(e: &'a Expr, bound: &mut Vec<&'a str>, f: &mut dyn FnMut(&'a [String], bool)) {
    let own = |p: &'a [String], bound: &[&str]| !p.is_empty() && !bound.contains(&p[0].as_str());
    match e {
        Expr::Path(p) => {
            if own(p, bound) {
                f(p, false)
            }
        }
        Expr::Literal(_) => {}
        Expr::Not(a) => walk(a, bound, f),
        Expr::Cmp(_, a, b) => {
            walk(a, bound, f);
            walk(b, bound, f);
        }
        Expr::And(items) | Expr::Or(items) | Expr::Call(_, items) => items.iter().for_each(|a| walk(a, bound, f)),
        Expr::Lambda { path, var, body, .. } => {
            if own(path, bound) {
                f(path, true);
            }
            if let Some(body) = body {
                bound.push(var);
                walk(body, bound, f);
                bound.pop();
            }
        }
    }
}

/// Whether `obj` passes the filter: the expression evaluates to `true`.
/// A missing property reads as `null` (so `x eq null` holds for it), never
/// as an error.
pub fn matches(e: &Expr, obj: &Value) -> bool {
    eval(e, obj, &mut Vec::new()) == Value::Bool(true)
}

/// `env`: the lambda variables in scope, innermost last.
fn eval<'v>(e: &'v Expr, obj: &'v Value, env: &mut Vec<(&'v str, &'v Value)>) -> Value {
    let test = |e: &'v Expr, env: &mut Vec<(&'v str, &'v Value)>| eval(e, obj, env) == Value::Bool(true);
    match e {
        Expr::Literal(v) => v.clone(),
        Expr::Path(p) => resolve(obj, p, env).cloned().unwrap_or(Value::Null),
        Expr::Not(a) => Value::Bool(eval(a, obj, env) != Value::Bool(true)),
        Expr::And(items) => Value::Bool(items.iter().all(|a| test(a, env))),
        Expr::Or(items) => Value::Bool(items.iter().any(|a| test(a, env))),
        Expr::Cmp(op, a, b) => Value::Bool(compare(*op, &eval(a, obj, env), &eval(b, obj, env))),
        Expr::Lambda { path, op, var, body } => {
            let items: &[Value] = match resolve(obj, path, env) {
                Some(Value::Array(a)) => a,
                _ => &[],
            };
            let Some(body) = body else { return Value::Bool(!items.is_empty()) };
            let mut hold = |item: &'v Value| {
                env.push((var.as_str(), item));
                let r = test(body, env);
                env.pop();
                r
            };
            Value::Bool(match op {
                LambdaOp::Any => items.iter().any(&mut hold),
                LambdaOp::All => items.iter().all(&mut hold),
            })
        }
        Expr::Call(name, args) => {
            let vals: Vec<Value> = args.iter().map(|a| eval(a, obj, env)).collect();
            let s = |i: usize| vals.get(i).and_then(|v| v.as_str()).map(str::to_lowercase);
            let first = vals.first().and_then(Value::as_str);
            match name.as_str() {
                "tolower" => first.map(|v| Value::String(v.to_lowercase())).unwrap_or(Value::Null),
                "toupper" => first.map(|v| Value::String(v.to_uppercase())).unwrap_or(Value::Null),
                "startswith" => Value::Bool(matches!((s(0), s(1)), (Some(a), Some(b)) if a.starts_with(&b))),
                "endswith" => Value::Bool(matches!((s(0), s(1)), (Some(a), Some(b)) if a.ends_with(&b))),
                "contains" => Value::Bool(matches!((s(0), s(1)), (Some(a), Some(b)) if a.contains(&b))),
                _ => Value::Null,
            }
        }
    }
}

/// A path from the object filtered, or from a lambda variable's item when it starts with one.
fn resolve<'v>(obj: &'v Value, path: &[String], env: &[(&str, &'v Value)]) -> Option<&'v Value> {
    match path.first().and_then(|head| env.iter().rev().find(|(var, _)| var == head)) {
        Some((_, item)) => lookup(item, &path[1..]),
        None => lookup(obj, path),
    }
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (a, b) {
        (Value::String(x), Value::String(y)) => Some(x.to_lowercase().cmp(&y.to_lowercase())),
        (Value::Number(x), Value::Number(y)) => x.as_f64().zip(y.as_f64()).and_then(|(x, y)| x.partial_cmp(&y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    };
    match op {
        CmpOp::Eq => ord == Some(Ordering::Equal),
        CmpOp::Ne => ord != Some(Ordering::Equal),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(f: &str, v: Value) -> bool {
        matches(&parse(f).expect(f), &v)
    }

    #[test]
    fn tutorial_filters() {
        let role = json!({"originSystem":"AadGroup","displayName":"Member","resource":{"id":"abc"}});
        assert!(m("(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq 'abc')", role.clone()));
        assert!(!m("(originSystem eq 'AadGroup' and displayName eq 'Owner')", role));
        let a = json!({"accessPackageAssignmentPolicy":{"id":"db440482-1210-4a60-9b55-3ac7a72f63ba"}});
        assert!(m("accessPackageAssignmentPolicy/Id eq 'db440482-1210-4a60-9b55-3ac7a72f63ba'", a));
        assert!(m("(displayName eq 'General')", json!({"displayName":"General"})));
    }

    #[test]
    fn escaping_and_literals() {
        assert_eq!(parse("name eq 'O''Brien'").unwrap(), Expr::Cmp(
            CmpOp::Eq,
            Box::new(Expr::Path(vec!["name".into()])),
            Box::new(Expr::Literal(json!("O'Brien")))
        ));
        assert!(m("name eq 'O''Brien'", json!({"name":"O'Brien"})));
        assert!(m("isHidden eq false and count ge 2 and x eq null", json!({"isHidden":false,"count":3})));
        assert!(m("id eq 007d1c7e-7fa8-4e33-b678-5e437acdcddc", json!({"id":"007d1c7e-7fa8-4e33-b678-5e437acdcddc"})));
        assert!(m("not (a eq 'x') or b ne 'y'", json!({"a":"z","b":"y"})));
        assert!(m("startswith(displayName, 'Mark')", json!({"displayName":"Marketing"})));
    }

    #[test]
    fn malformed_is_an_error() {
        for bad in ["", "a eq", "a eq 'x", "(a eq 'x'", "a eq 'x')", "a foo 'x'", "eq 'x'", "bogus(a)", "a eq 'x' and", "a/ eq 1", "a eq #"] {
            assert!(parse(bad).is_err(), "{bad} should fail");
        }
        let deep = format!("{}a eq 1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep).unwrap_err().starts_with("The recursion limit has been exceeded"));
        assert!(parse(&format!("{}a eq 1", "not ".repeat(10_000))).unwrap_err().starts_with("The recursion limit"));
    }

    #[test]
    fn nesting_is_bounded_at_max_depth() {
        let at = |n: usize| format!("{}a eq 1{}", "(".repeat(n), ")".repeat(n));
        assert!(m(&at(MAX_DEPTH), json!({"a": 1})));
        assert!(parse(&at(MAX_DEPTH + 1)).is_err());
        let calls = |n: usize| format!("{}a{} eq 'x'", "tolower(".repeat(n), ")".repeat(n));
        assert!(m(&calls(MAX_DEPTH), json!({"a": "X"})));
        assert!(parse(&calls(MAX_DEPTH + 1)).unwrap_err().starts_with("The recursion limit"));
        // unbalanced garbage of every kind fails without recursing on it
        for bad in ["(".repeat(100_000), ")".repeat(100_000), "not ".repeat(100_000), "tolower(".repeat(50_000)] {
            assert!(parse(&bad).is_err());
        }
    }

    #[test]
    fn lambdas_and_casts() {
        let org = json!({"displayName": "Fabrikam", "identitySources": [
            {"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant", "tenantId": "t1", "displayName": "A"},
            {"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "fabrikam.com", "displayName": "D"}]});
        assert!(m("identitySources/any(is:is/microsoft.graph.azureActiveDirectoryTenant/tenantId eq 't1')", org.clone()));
        assert!(!m("identitySources/any(is:is/microsoft.graph.domainIdentitySource/tenantId eq 't1')", org.clone()));
        assert!(m("identitySources/any(x: x/domainName eq 'fabrikam.com') and displayName eq 'Fabrikam'", org.clone()));
        assert!(m("identitySources/all(x: x/displayName ne null)", org.clone()));
        assert!(!m("identitySources/all(x: startswith(x/displayName, 'A'))", org.clone()));
        assert!(m("identitySources/any()", org.clone()));
        assert!(!m("nothing/any()", org.clone()));
        // nested lambdas see both variables; outer paths still read the object
        let v = json!({"name": "n", "a": [{"b": [1, 2]}, {"b": [3]}]});
        assert!(m("a/any(x: x/b/any(y: y eq 3) and name eq 'n')", v.clone()));
        assert!(!m("a/all(x: x/b/any(y: y eq 3))", v));
        let e = parse("identitySources/any(is:is/microsoft.graph.azureActiveDirectoryTenant/tenantId eq 't1') or a/b eq 1").unwrap();
        let mut ps = Vec::new();
        paths(&e, &mut ps);
        assert_eq!(ps.len(), 2, "{ps:?}");
        let mut rs = Vec::new();
        roots(&e, &mut rs);
        assert_eq!(rs, vec!["identitySources".to_string(), "a".to_string()]);
        for bad in ["a/all()", "a/any(x)", "a/any(x: )", "a/foo(x: x eq 1)", "a/any(x: x eq 1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}x eq 1{}", "a/any(x: ".repeat(100), ")".repeat(100));
        assert!(parse(&deep).unwrap_err().starts_with("The recursion limit"));
    }

    #[test]
    fn chains_are_flat_and_bounded_in_size() {
        // 300 terms: well inside the node limit, one level deep
        let chain = (0..300).map(|i| format!("a eq {i}")).collect::<Vec<_>>().join(" or ");
        let e = parse(&chain).unwrap();
        assert!(matches!(&e, Expr::Or(items) if items.len() == 300));
        assert!(m(&chain, json!({"a": 299})));
        assert!(!m(&chain, json!({"a": 300})));
        let both = (0..200).map(|i| format!("a ne {i}")).collect::<Vec<_>>().join(" and ");
        assert!(m(&both, json!({"a": -1})));
        // the reported crash: ~5,700 `or` terms
        let long = vec!["a"; 5_700].join(" or ");
        assert_eq!(parse(&long).unwrap_err(), format!("The node count limit of '{MAX_NODES}' has been exceeded."));
        let long = vec!["a eq 'x'"; 5_700].join(" and ");
        assert!(parse(&long).unwrap_err().contains("node count limit"));
    }
}
