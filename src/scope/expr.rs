//! Scope requirement expressions: `auth.users.list and (auth.users.update or admin)`.
//!
//! # Grammar (EBNF, ISO 14977 style; `%xNN` is a character by its code)
//!
//! ```text
//! expression   = or-expr ;
//! or-expr      = and-expr , { "or" , and-expr } ;
//! and-expr     = unary , { "and" , unary } ;
//! unary        = "not" , unary | primary ;
//! primary      = scope | "(" , or-expr , ")" ;
//! scope        = bare-scope | quoted-scope ;
//! bare-scope   = bare-char , { bare-char } ;      (* but not "and", "or", "not" in any case *)
//! bare-char    = %x21 | %x23-27 | %x2A-5B | %x5D-7E ;
//!                (* RFC 6749 NQCHAR without "(" and ")" *)
//! quoted-scope = '"' , nqchar , { nqchar } , '"' ;
//! nqchar       = %x21 | %x23-5B | %x5D-7E ;         (* RFC 6749 §3.3 / Appendix A *)
//! whitespace   = %x20 | %x09 | %x0A | %x0D ;        (* between tokens, optional around parentheses *)
//! ```
//!
//! - Operators `and`, `or`, `not` are keywords in any case (`AND`, `Not`…); `and` binds tighter than `or`,
//!   `not` tighter than both. A bare word that is not a keyword is a scope name, compared exactly
//!   (case-sensitive, RFC 6749 §3.3).
//! - Dotted names (`auth.clients.jwk_create`) and URIs (`https://api.example.com/read`) are bare scopes.
//! - A scope that contains `(` or `)`, or is named like an operator, is written quoted: `"and"`, `"fn(x)"`.
//!   Scope tokens never contain `"` or `\`, so quoted scopes need no escapes: the first `"` ends it.
//! - `!`, `&`, `|` are ordinary scope characters (RFC 6749 allows them): `!admin` names a scope, it does not
//!   negate `admin`.
//!
//! Errors are [`Error::InvalidScopeExpression`] with the 1-based column (in characters) of the problem; a
//! column one past the last character means "at the end of the expression". Expressions are limited to
//! [`MAX_EXPRESSION_LEN`] characters and [`MAX_DEPTH`] levels of nesting (parentheses and `not`), so no input
//! can exhaust the stack; nothing here panics.

use crate::error::{Error, Result, cap, quote};
use std::collections::HashSet;
use std::fmt;

/// The longest expression accepted, in characters.
pub const MAX_EXPRESSION_LEN: usize = 4096;
/// The deepest nesting accepted: each `(` and each `not` is one level.
pub const MAX_DEPTH: usize = 32;

/// A parsed scope requirement. [`fmt::Display`] gives its canonical form; equal canonical forms mean equal
/// requirements (up to the order of operands, which is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRequirement {
    root: Node,
    scopes: Vec<String>,
}

/// The syntax tree. `And`/`Or` are n-ary and never directly hold a node of their own kind (the parser
/// flattens `a and (b and c)`), so the canonical form is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Scope(String),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl ScopeRequirement {
    /// Parses an expression (grammar in the module docs).
    ///
    /// # Errors
    /// `invalid_scope_expression` with the column of: an empty expression; a character outside the grammar
    /// (control characters, `\`, non-ASCII); an operator where a scope belongs (`and` as a scope name must be
    /// quoted) or a missing operand (`a and`, `not`, `()`); two operands without an operator (`a b`); an
    /// unclosed `(` or a `)` without its `(`; an empty, unterminated or malformed quoted scope; more than
    /// [`MAX_EXPRESSION_LEN`] characters or [`MAX_DEPTH`] levels.
    pub fn parse(expr: &str) -> Result<Self> {
        let len = expr.chars().count();
        if len > MAX_EXPRESSION_LEN {
            return Err(syntax(
                MAX_EXPRESSION_LEN + 1,
                format!(
                    "a scope expression may hold at most {MAX_EXPRESSION_LEN} characters, found {len}"
                ),
            ));
        }
        let mut p = Parser {
            lexer: Lexer {
                chars: expr.chars().collect(),
                pos: 0,
            },
            peeked: None,
            scopes: Vec::new(),
            seen: HashSet::new(),
        };
        if p.peek()?.kind == Kind::End {
            return Err(syntax(1, "the scope expression is empty".into()));
        }
        let root = p.or_expr(0)?;
        let next = p.next()?;
        match next.kind {
            Kind::End => Ok(ScopeRequirement {
                root,
                scopes: p.scopes,
            }),
            Kind::RParen => Err(syntax(next.col, "`)` without a matching `(`".into())),
            other => Err(syntax(
                next.col,
                format!("expected `and`, `or` or the end of the expression, found {other}"),
            )),
        }
    }

    /// The scopes the expression mentions, deduplicated, in order of first appearance.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether a token granting exactly `granted` satisfies the requirement.
    pub fn evaluate(&self, granted: &HashSet<String>) -> bool {
        eval(&self.root, granted)
    }

    /// Whether the claims' scopes (see [`super::scopes_of`]) satisfy the requirement.
    pub fn check(&self, claims: &serde_json::Map<String, serde_json::Value>) -> bool {
        self.evaluate(&super::granted_set(claims))
    }

    /// A set of scopes that satisfies the requirement, chosen to be close to what the token has — what
    /// `insufficient_scope` reports as `required` (RFC 6750 §3 `scope`). Each `or` takes the alternative that
    /// needs the fewest scopes the token lacks (the first on a tie), skipping alternatives that adding scopes
    /// cannot satisfy (a granted scope under `not`); each `and` needs the scopes of all its operands. `not`
    /// flips the roles (`not (a and b)` needs one operand false, `not not a` needs `a`); a scope that must be
    /// absent is never listed. The result includes scopes the token already has, deduplicated in order.
    /// Empty only when no set of added scopes helps (e.g. `not guest` for a token with `guest`).
    pub fn satisfying_scopes(&self, granted: &HashSet<String>) -> Vec<String> {
        let mut out: Vec<&str> = Vec::new();
        suggest(&self.root, true, granted, &mut out);
        let mut seen = HashSet::new();
        out.into_iter()
            .filter(|s| seen.insert(*s))
            .map(str::to_owned)
            .collect()
    }

    /// `Ok(())` when `granted` satisfies the requirement, else `insufficient_scope` with
    /// [`satisfying_scopes`](Self::satisfying_scopes) as `required` and a message naming what is missing.
    pub fn require_granted(&self, granted: &HashSet<String>) -> Result<()> {
        if self.evaluate(granted) {
            return Ok(());
        }
        let required = self.satisfying_scopes(granted);
        let missing: Vec<&str> = required
            .iter()
            .filter(|s| !granted.contains(*s))
            .map(String::as_str)
            .collect();
        let expression = cap(&self.to_string());
        let message = if missing.is_empty() {
            format!(
                "the token's scopes do not satisfy `{expression}`: it holds a scope the requirement excludes"
            )
        } else {
            format!(
                "the token's scopes do not satisfy `{expression}`: it lacks {}",
                cap(&missing.join(" "))
            )
        };
        Err(Error::InsufficientScope { message, required })
    }
}

impl fmt::Display for ScopeRequirement {
    /// The canonical form: lowercase operators, single spaces, the fewest parentheses, scopes quoted only
    /// when they must be.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(&self.root, f)
    }
}

impl std::str::FromStr for ScopeRequirement {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ScopeRequirement::parse(s)
    }
}

fn syntax(column: usize, message: String) -> Error {
    Error::InvalidScopeExpression { message, column }
}

fn eval(node: &Node, granted: &HashSet<String>) -> bool {
    match node {
        Node::Scope(s) => granted.contains(s),
        Node::Not(inner) => !eval(inner, granted),
        Node::And(items) => items.iter().all(|n| eval(n, granted)),
        Node::Or(items) => items.iter().any(|n| eval(n, granted)),
    }
}

/// Appends to `out` the scopes that make `node` evaluate to `want` (true: satisfied; false: under an odd
/// number of `not`s). A scope wanted false contributes nothing: scopes can be added, not removed.
fn suggest<'a>(node: &'a Node, want: bool, granted: &HashSet<String>, out: &mut Vec<&'a str>) {
    match node {
        Node::Scope(s) => {
            if want {
                out.push(s);
            }
        }
        Node::Not(inner) => suggest(inner, !want, granted, out),
        // every operand must be `want`: all of them
        Node::And(items) if want => items.iter().for_each(|n| suggest(n, want, granted, out)),
        Node::Or(items) if !want => items.iter().for_each(|n| suggest(n, want, granted, out)),
        // one operand is enough: the cheapest
        Node::And(items) | Node::Or(items) => {
            // (blocked, missing) per operand; the least wins, the first on a tie.
            let mut best: Option<((bool, usize), Vec<&'a str>)> = None;
            for item in items {
                let mut mine = Vec::new();
                suggest(item, want, granted, &mut mine);
                let missing = mine.iter().filter(|s| !granted.contains(**s)).count();
                let reached = if missing == 0 {
                    eval(item, granted)
                } else {
                    let mut with: HashSet<String> = granted.clone();
                    with.extend(mine.iter().map(|s| (*s).to_owned()));
                    eval(item, &with)
                };
                let cost = (reached != want, missing);
                if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                    best = Some((cost, mine));
                }
            }
            if let Some((_, mine)) = best {
                out.extend(mine);
            }
        }
    }
}

fn is_bare_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x27' | '\x2A'..='\x5B' | '\x5D'..='\x7E')
}

fn is_nqchar(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

fn keyword(word: &str) -> Option<Kind> {
    if word.eq_ignore_ascii_case("and") {
        Some(Kind::And)
    } else if word.eq_ignore_ascii_case("or") {
        Some(Kind::Or)
    } else if word.eq_ignore_ascii_case("not") {
        Some(Kind::Not)
    } else {
        None
    }
}

fn write_scope(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if s.chars().all(is_bare_char) && keyword(s).is_none() {
        f.write_str(s)
    } else {
        write!(f, "\"{s}\"")
    }
}

fn write_node(node: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match node {
        Node::Scope(s) => write_scope(s, f),
        Node::Not(inner) => {
            f.write_str("not ")?;
            match inner.as_ref() {
                Node::Scope(_) | Node::Not(_) => write_node(inner, f),
                _ => {
                    f.write_str("(")?;
                    write_node(inner, f)?;
                    f.write_str(")")
                }
            }
        }
        Node::And(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(" and ")?;
                }
                if matches!(item, Node::Or(_)) {
                    f.write_str("(")?;
                    write_node(item, f)?;
                    f.write_str(")")?;
                } else {
                    write_node(item, f)?;
                }
            }
            Ok(())
        }
        Node::Or(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(" or ")?;
                }
                write_node(item, f)?;
            }
            Ok(())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Scope(String),
    End,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::LParen => f.write_str("`(`"),
            Kind::RParen => f.write_str("`)`"),
            Kind::And => f.write_str("the operator `and`"),
            Kind::Or => f.write_str("the operator `or`"),
            Kind::Not => f.write_str("the operator `not`"),
            Kind::Scope(s) => write!(f, "the scope {}", quote(s)),
            Kind::End => f.write_str("the end of the expression"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// 1-based column of the token's first character.
    col: usize,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn next(&mut self) -> Result<Token> {
        while matches!(self.at(self.pos), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
        let start = self.pos;
        let col = start + 1;
        let Some(c) = self.at(start) else {
            return Ok(Token {
                kind: Kind::End,
                col,
            });
        };
        let kind = match c {
            '(' => {
                self.pos += 1;
                Kind::LParen
            }
            ')' => {
                self.pos += 1;
                Kind::RParen
            }
            '"' => {
                let mut i = start + 1;
                let mut name = String::new();
                loop {
                    match self.at(i) {
                        None => {
                            return Err(syntax(
                                col,
                                "a quoted scope is not closed: expected `\"`".into(),
                            ));
                        }
                        Some('"') => break,
                        Some(q) if is_nqchar(q) => name.push(q),
                        Some(q) => {
                            return Err(syntax(
                                i + 1,
                                format!(
                                    "{q:?} cannot appear in a scope name (RFC 6749 §3.3: printable ASCII \
                                     without space, '\"' or '\\')"
                                ),
                            ));
                        }
                    }
                    i += 1;
                }
                if name.is_empty() {
                    return Err(syntax(col, "a quoted scope must not be empty".into()));
                }
                self.pos = i + 1;
                Kind::Scope(name)
            }
            c if is_bare_char(c) => {
                let mut i = start;
                let mut word = String::new();
                while let Some(b) = self.at(i).filter(|b| is_bare_char(*b)) {
                    word.push(b);
                    i += 1;
                }
                self.pos = i;
                keyword(&word).unwrap_or(Kind::Scope(word))
            }
            other => {
                return Err(syntax(
                    col,
                    format!("unexpected character {other:?} in a scope expression"),
                ));
            }
        };
        Ok(Token { kind, col })
    }
}

struct Parser {
    lexer: Lexer,
    peeked: Option<Token>,
    scopes: Vec<String>,
    seen: HashSet<String>,
}

impl Parser {
    fn peek(&mut self) -> Result<&Token> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lexer.next()?);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            // Filled just above; an error rather than a panic keeps the no-panic rule provable.
            None => Err(syntax(self.lexer.pos + 1, "internal parser state".into())),
        }
    }

    fn next(&mut self) -> Result<Token> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lexer.next(),
        }
    }

    fn or_expr(&mut self, depth: usize) -> Result<Node> {
        let mut items = Vec::new();
        push_flat(&mut items, self.and_expr(depth)?, true);
        while self.peek()?.kind == Kind::Or {
            self.next()?;
            push_flat(&mut items, self.and_expr(depth)?, true);
        }
        Ok(collapse(items, Node::Or))
    }

    fn and_expr(&mut self, depth: usize) -> Result<Node> {
        let mut items = Vec::new();
        push_flat(&mut items, self.unary(depth)?, false);
        while self.peek()?.kind == Kind::And {
            self.next()?;
            push_flat(&mut items, self.unary(depth)?, false);
        }
        Ok(collapse(items, Node::And))
    }

    fn unary(&mut self, depth: usize) -> Result<Node> {
        if self.peek()?.kind == Kind::Not {
            let t = self.next()?;
            let depth = enter(depth, t.col)?;
            return Ok(Node::Not(Box::new(self.unary(depth)?)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Node> {
        let t = self.next()?;
        match t.kind {
            Kind::Scope(name) => {
                if self.seen.insert(name.clone()) {
                    self.scopes.push(name.clone());
                }
                Ok(Node::Scope(name))
            }
            Kind::LParen => {
                let depth = enter(depth, t.col)?;
                if self.peek()?.kind == Kind::RParen {
                    let col = self.peek()?.col;
                    return Err(syntax(col, "empty parentheses: expected a scope".into()));
                }
                let inner = self.or_expr(depth)?;
                let close = self.next()?;
                match close.kind {
                    Kind::RParen => Ok(inner),
                    Kind::End => Err(syntax(t.col, "this `(` is never closed".into())),
                    other => Err(syntax(
                        close.col,
                        format!("expected `and`, `or` or `)`, found {other}"),
                    )),
                }
            }
            k @ (Kind::And | Kind::Or | Kind::Not) => Err(syntax(
                t.col,
                format!(
                    "expected a scope, found {k}; a scope with this name must be quoted: \"{}\"",
                    match k {
                        Kind::And => "and",
                        Kind::Or => "or",
                        _ => "not",
                    }
                ),
            )),
            other => Err(syntax(t.col, format!("expected a scope, found {other}"))),
        }
    }
}

/// One more level of nesting, or an error at `col` past [`MAX_DEPTH`].
fn enter(depth: usize, col: usize) -> Result<usize> {
    if depth >= MAX_DEPTH {
        Err(syntax(
            col,
            format!(
                "a scope expression may nest at most {MAX_DEPTH} levels of parentheses and `not`"
            ),
        ))
    } else {
        Ok(depth + 1)
    }
}

fn push_flat(items: &mut Vec<Node>, node: Node, or: bool) {
    match node {
        Node::Or(inner) if or => items.extend(inner),
        Node::And(inner) if !or => items.extend(inner),
        other => items.push(other),
    }
}

fn collapse(mut items: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return only;
        }
    }
    make(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn canon(expr: &str) -> String {
        ScopeRequirement::parse(expr).unwrap().to_string()
    }

    fn err(expr: &str) -> (usize, String) {
        match ScopeRequirement::parse(expr).unwrap_err() {
            Error::InvalidScopeExpression { message, column } => (column, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn precedence_and_binds_tighter_than_or_not_tightest() {
        let r = ScopeRequirement::parse("a or b and c").unwrap();
        assert_eq!(r.to_string(), "a or b and c");
        assert!(r.evaluate(&granted(&["a"])));
        assert!(!r.evaluate(&granted(&["b"])));
        assert!(r.evaluate(&granted(&["b", "c"])));
        let r = ScopeRequirement::parse("not a and b").unwrap();
        assert!(r.evaluate(&granted(&["b"])));
        assert!(!r.evaluate(&granted(&["a", "b"])));
        assert!(!r.evaluate(&granted(&[])));
        let r = ScopeRequirement::parse("(a or b) and c").unwrap();
        assert!(!r.evaluate(&granted(&["a"])));
        assert!(r.evaluate(&granted(&["b", "c"])));
    }

    #[test]
    fn keywords_in_any_case_canonical_lowercase_minimal_parens() {
        assert_eq!(canon("A AND b Or NOT c"), "A and b or not c");
        assert_eq!(canon("((a))"), "a");
        assert_eq!(canon("(a and b) and (c and d)"), "a and b and c and d");
        assert_eq!(canon("a or (b or c)"), "a or b or c");
        assert_eq!(canon("(a or b) and c"), "(a or b) and c");
        assert_eq!(canon("not (a or b)"), "not (a or b)");
        assert_eq!(canon("not (a and b)"), "not (a and b)");
        assert_eq!(canon("not (not a)"), "not not a");
        assert_eq!(canon("(a and b) or c"), "a and b or c");
        assert_eq!(canon(" \ta\n and\r\nb "), "a and b");
        assert_eq!(canon("(a)and(b)"), "a and b");
        assert_eq!(
            canon("ANDROID and ORACLE and NOTE"),
            "ANDROID and ORACLE and NOTE"
        );
    }

    #[test]
    fn dotted_names_uris_and_quoted_scopes() {
        let r = ScopeRequirement::parse(
            "auth.clients.jwk_create and https://api.example.com/read?x=1&y=2#f or urn:a:b",
        )
        .unwrap();
        assert_eq!(
            r.scopes(),
            [
                "auth.clients.jwk_create",
                "https://api.example.com/read?x=1&y=2#f",
                "urn:a:b"
            ]
        );
        let r = ScopeRequirement::parse("\"and\" or \"fn(x)\" or \"Not\" or \"plain\"").unwrap();
        assert_eq!(r.scopes(), ["and", "fn(x)", "Not", "plain"]);
        assert_eq!(r.to_string(), "\"and\" or \"fn(x)\" or \"Not\" or plain");
        assert!(r.evaluate(&granted(&["fn(x)"])));
        assert!(!r.evaluate(&granted(&["fn"])));
        // `!` is a scope character, not negation
        let r = ScopeRequirement::parse("!admin").unwrap();
        assert!(!r.evaluate(&granted(&["x"])));
        assert!(r.evaluate(&granted(&["!admin"])));
    }

    #[test]
    fn scopes_are_deduplicated_in_order() {
        let r = ScopeRequirement::parse("b and (a or b) and not c and a").unwrap();
        assert_eq!(r.scopes(), ["b", "a", "c"]);
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 1, "empty"),
            ("   ", 1, "empty"),
            ("a and", 6, "expected a scope, found the end"),
            ("and a", 1, "must be quoted: \"and\""),
            ("a or or b", 6, "must be quoted: \"or\""),
            ("not", 4, "found the end"),
            (
                "a b",
                3,
                "expected `and`, `or` or the end of the expression, found the scope \"b\"",
            ),
            ("(a and b", 1, "never closed"),
            ("a and (b or (c)", 7, "never closed"),
            ("a)", 2, "without a matching"),
            ("()", 2, "empty parentheses"),
            ("a and ()", 8, "empty parentheses"),
            ("(a b)", 4, "expected `and`, `or` or `)`"),
            ("a \\ b", 3, "unexpected character '\\\\'"),
            ("a and caf\u{e9}", 10, "unexpected character '\u{e9}'"),
            ("\u{e9}\u{e9} x", 1, "unexpected character"),
            ("a and \u{7}", 7, "unexpected character '\\u{7}'"),
            ("\"\"", 1, "must not be empty"),
            ("a or \"b", 6, "not closed"),
            ("\"a b\"", 3, "cannot appear in a scope name"),
            ("\"caf\u{e9}\"", 5, "cannot appear"),
            ("a(b)", 2, "found `(`"),
            ("a and )", 7, "expected a scope, found `)`"),
            ("NOT", 4, "found the end"),
        ];
        for (expr, column, needle) in cases {
            let (col, msg) = err(expr);
            assert_eq!(col, *column, "{expr:?}: {msg}");
            assert!(msg.contains(needle), "{expr:?}: {msg}");
        }
    }

    #[test]
    fn nesting_and_length_are_bounded_without_crashing() {
        let mut open = "(".repeat(MAX_DEPTH + 1);
        open.push('a');
        open.push_str(&")".repeat(MAX_DEPTH + 1));
        let (col, msg) = err(&open);
        assert_eq!(col, MAX_DEPTH + 1);
        assert!(msg.contains("nest at most"), "{msg}");
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(canon(&ok), "a");
        let nots = format!("{}a", "not ".repeat(MAX_DEPTH + 1));
        assert_eq!(err(&nots).0, 4 * MAX_DEPTH + 1);
        let nots = format!("{}a", "not ".repeat(MAX_DEPTH));
        assert!(ScopeRequirement::parse(&nots).is_ok());
        let long = vec!["a"; 3000].join(" or ");
        let (col, msg) = err(&long);
        assert_eq!(col, MAX_EXPRESSION_LEN + 1);
        assert!(msg.contains("at most 4096 characters"), "{msg}");
        let fits = vec!["a"; 800].join(" or ");
        assert!(ScopeRequirement::parse(&fits).is_ok());
        let ws = " ".repeat(MAX_EXPRESSION_LEN);
        assert_eq!(err(&ws).0, 1);
    }

    #[test]
    fn error_column_for_long_input_is_reported_at_the_limit() {
        let deep = "(".repeat(100_000);
        let (col, msg) = err(&deep);
        assert_eq!(col, MAX_EXPRESSION_LEN + 1);
        assert!(msg.contains("found 100000"), "{msg}");
    }

    #[test]
    fn satisfying_scopes_prefer_the_cheapest_alternative() {
        let r = ScopeRequirement::parse("a and (b or c and d) and not e").unwrap();
        assert_eq!(r.satisfying_scopes(&granted(&[])), ["a", "b"]);
        assert_eq!(r.satisfying_scopes(&granted(&["c", "d"])), ["a", "c", "d"]);
        assert_eq!(r.satisfying_scopes(&granted(&["c"])), ["a", "b"]);
        let r = ScopeRequirement::parse("not guest and read or admin").unwrap();
        // the first alternative is blocked by `guest`: adding scopes cannot help it
        assert_eq!(r.satisfying_scopes(&granted(&["guest"])), ["admin"]);
        assert_eq!(r.satisfying_scopes(&granted(&[])), ["read"]);
        let r = ScopeRequirement::parse("not guest").unwrap();
        assert!(r.satisfying_scopes(&granted(&["guest"])).is_empty());
        // negation flips and/or: `not (not a or not b)` needs both, `not (a and not b)` needs b (or not a)
        let r = ScopeRequirement::parse("not (not a or not b) or c").unwrap();
        assert_eq!(r.satisfying_scopes(&granted(&["b"])), ["a", "b"]);
        let r = ScopeRequirement::parse("not (a and not b)").unwrap();
        assert_eq!(r.satisfying_scopes(&granted(&["a"])), ["b"]);
        let r = ScopeRequirement::parse("not not x").unwrap();
        assert_eq!(r.satisfying_scopes(&granted(&[])), ["x"]);
    }

    #[test]
    fn require_names_what_is_missing() {
        let r =
            ScopeRequirement::parse("auth.users.list AND (auth.users.update OR admin)").unwrap();
        assert!(
            r.require_granted(&granted(&["auth.users.list", "admin"]))
                .is_ok()
        );
        match r
            .require_granted(&granted(&["auth.users.list"]))
            .unwrap_err()
        {
            Error::InsufficientScope { message, required } => {
                assert_eq!(required, ["auth.users.list", "auth.users.update"]);
                assert_eq!(
                    message,
                    "the token's scopes do not satisfy `auth.users.list and (auth.users.update or admin)`: \
                     it lacks auth.users.update"
                );
            }
            other => panic!("{other:?}"),
        }
        let r = ScopeRequirement::parse("read and not guest").unwrap();
        match r.require_granted(&granted(&["read", "guest"])).unwrap_err() {
            Error::InsufficientScope { message, required } => {
                assert_eq!(required, ["read"]);
                assert!(message.contains("excludes"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
