//! The schemas' patterns matched without compiling a regex: compiling one with `regex` cost
//! more than the rest of a synth. The schemas' patterns are small (anchored runs of
//! literals and classes, alternations of enum values, ARN shapes with optional groups), and
//! the values short, so a backtracking matcher over the parsed pattern answers at once.
//!
//! It answers exactly as `regex` does, or not at all (`None`, and `regex` answers):
//! - a pattern it does not parse (look-around, nested classes, flags, unknown escapes)
//!   is left to `regex` whole;
//! - `\d`, `\w`, `\s`, their negations and `\p{L}`, `\p{Z}`, `\p{N}` are Unicode-aware in
//!   `regex` and decided here for ASCII only: a value with a non-ASCII character under such a
//!   pattern is left to `regex`;
//! - a match that takes more than [`STEPS`] steps (backtracking gone wild) is left to
//!   `regex`, whose engine has no such worst case.
//!
//! The generated L1 code holds its patterns already parsed: codegen includes this file,
//! parses each schema pattern with it and writes the tree out as statics
//! (`codegen/src/simple_rust.rs`), so a synth parses none of them (a pattern made at run
//! time, `Pattern::new`, is parsed at first use). `tests/simple_patterns.rs` holds every
//! generated pattern to `regex`'s answers, and its tree to what this parser gives now.

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Deref;

/// The most steps one match may take before it is left to `regex`.
pub const STEPS: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
    /// `\p{L}`, `\p{Z}`, `\p{N}` (ASCII part).
    Letter,
    Separator,
    Number,
}

impl Item {
    fn unicode_aware(&self) -> bool {
        !matches!(self, Item::Range(..))
    }

    /// The ASCII characters in the item, as bits 0 to 127.
    fn ascii(&self) -> u128 {
        const fn span(a: u8, b: u8) -> u128 {
            (u128::MAX >> (127 - (b - a))) << a
        }
        const DIGITS: u128 = span(b'0', b'9');
        const LETTERS: u128 = span(b'A', b'Z') | span(b'a', b'z');
        const WORD: u128 = DIGITS | LETTERS | 1 << b'_';
        const SPACE: u128 =
            1 << b' ' | 1 << b'\t' | 1 << b'\n' | 1 << b'\r' | 1 << 0x0B | 1 << 0x0C;
        let either = |set: u128, yes: bool| if yes { set } else { !set };
        match *self {
            Item::Range(a, b) if a > b || a > '\x7f' => 0,
            Item::Range(a, b) => span(a as u8, b.min('\x7f') as u8),
            Item::Digit(yes) => either(DIGITS, yes),
            Item::Word(yes) => either(WORD, yes),
            Item::Space(yes) => either(SPACE, yes),
            Item::Letter => LETTERS,
            Item::Separator => 1 << b' ',
            Item::Number => DIGITS,
        }
    }

    fn contains(&self, c: char) -> bool {
        match *self {
            Item::Range(a, b) => a <= c && c <= b,
            Item::Digit(yes) => c.is_ascii_digit() == yes,
            Item::Word(yes) => (c.is_ascii_alphanumeric() || c == '_') == yes,
            Item::Space(yes) => matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C') == yes,
            Item::Letter => c.is_ascii_alphabetic(),
            Item::Separator => c == ' ',
            Item::Number => c.is_ascii_digit(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Char(char),
    /// `.`: any character but `\n`.
    Any,
    Class {
        negated: bool,
        items: Cow<'static, [Item]>,
        /// `[a-z&&[^x]]`: a character must also be in this class.
        and: Option<Sub>,
        /// The ASCII characters in the class (all of the above), as bits 0 to 127: what
        /// most values are tested against, one bit instead of every item.
        ascii: u128,
    },
    Start,
    End,
    Concat(Cow<'static, [Node]>),
    Alt(Cow<'static, [Node]>),
    Repeat {
        node: Sub,
        min: usize,
        max: Option<usize>,
    },
}

/// A node inside another: a static one in generated code, a boxed one when parsed at
/// run time.
#[derive(Debug, Clone)]
pub(crate) enum Sub {
    Static(&'static Node),
    Boxed(Box<Node>),
}

impl Deref for Sub {
    type Target = Node;
    fn deref(&self) -> &Node {
        match self {
            Sub::Static(n) => n,
            Sub::Boxed(n) => n,
        }
    }
}

impl PartialEq for Sub {
    fn eq(&self, other: &Sub) -> bool {
        **self == **other
    }
}

impl Node {
    /// A class, with the set of ASCII characters it holds made from its items.
    fn class(negated: bool, items: Vec<Item>, and: Option<Node>) -> Node {
        let mut ascii = items.iter().fold(0, |set, i| set | i.ascii());
        if let Some(Node::Class { ascii: also, .. }) = &and {
            ascii &= also;
        }
        if negated {
            ascii = !ascii;
        }
        Node::Class {
            negated,
            items: Cow::Owned(items),
            and: and.map(|n| Sub::Boxed(Box::new(n))),
            ascii,
        }
    }

    /// Whether every match of this node starts where it is tried with `^`.
    fn anchored(&self) -> bool {
        match self {
            Node::Start => true,
            Node::Concat(v) => v.first().is_some_and(Node::anchored),
            Node::Alt(v) => !v.is_empty() && v.iter().all(Node::anchored),
            _ => false,
        }
    }

    /// One character, when the node matches exactly one.
    fn single(&self) -> bool {
        matches!(self, Node::Char(_) | Node::Any | Node::Class { .. })
    }

    fn unicode_aware(&self) -> bool {
        match self {
            Node::Char(_) | Node::Any | Node::Start | Node::End => false,
            Node::Class { items, and, .. } => {
                items.iter().any(Item::unicode_aware)
                    || and.as_ref().is_some_and(|a| a.unicode_aware())
            }
            Node::Concat(v) | Node::Alt(v) => v.iter().any(Node::unicode_aware),
            Node::Repeat { node, .. } => node.unicode_aware(),
        }
    }
}

/// A parsed pattern: parsed at run time ([`Simple::parse`]), or by codegen, which writes
/// the tree out as a static ([`Simple::built`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Simple {
    pub(crate) root: Node,
    pub(crate) unicode_aware: bool,
    /// Every match starts at the beginning (`^…`): no other start is tried.
    pub(crate) anchored: bool,
}

impl Simple {
    /// A pattern as codegen wrote out what [`Simple::parse`] gave for it.
    pub(crate) const fn built(root: Node, unicode_aware: bool, anchored: bool) -> Simple {
        Simple {
            root,
            unicode_aware,
            anchored,
        }
    }

    /// The pattern, when this matcher reads it.
    pub fn parse(source: &str) -> Option<Simple> {
        let chars: Vec<char> = source.chars().collect();
        let mut p = Parser { chars, at: 0 };
        let root = p.alternation()?;
        if p.at != p.chars.len() {
            return None;
        }
        let unicode_aware = root.unicode_aware();
        let anchored = root.anchored();
        Some(Simple {
            root,
            unicode_aware,
            anchored,
        })
    }

    /// Whether `s` has a match (as `Regex::is_match`: anywhere, unless anchored); `None`
    /// when only `regex` can tell.
    pub fn is_match(&self, s: &str) -> Option<bool> {
        if self.unicode_aware && !s.is_ascii() {
            return None;
        }
        let chars: Vec<char>;
        let text = if s.is_ascii() {
            Text::Ascii(s.as_bytes())
        } else {
            chars = s.chars().collect();
            Text::Chars(&chars)
        };
        let m = Matcher {
            s: text,
            steps: Cell::new(0),
        };
        let last = if self.anchored { 0 } else { m.s.len() };
        let found = (0..=last).any(|start| m.node(&self.root, start, &mut |_| true));
        // A match found is one (no step after the budget matches anything); no match found
        // within the budget is no match.
        (found || m.steps.get() <= STEPS).then_some(found)
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let yes = self.peek() == Some(c);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn alternation(&mut self) -> Option<Node> {
        let mut branches = vec![self.concat()?];
        while self.eat('|') {
            branches.push(self.concat()?);
        }
        Some(if branches.len() == 1 {
            branches.pop().expect("one")
        } else {
            Node::Alt(Cow::Owned(branches))
        })
    }

    fn concat(&mut self) -> Option<Node> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.count(atom)?);
        }
        Some(Node::Concat(Cow::Owned(nodes)))
    }

    fn atom(&mut self) -> Option<Node> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    return None; // look-around, flags, named groups
                }
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return None;
                }
                inner
            }
            '[' => self.class()?,
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => match self.escape()? {
                Escaped::Char(c) => Node::Char(c),
                Escaped::Item(item) => Node::class(false, vec![item], None),
            },
            ')' | '?' | '*' | '+' | '{' | '}' | ']' => return None,
            c => Node::Char(c),
        })
    }

    /// After a `\`.
    fn escape(&mut self) -> Option<Escaped> {
        let c = self.peek()?;
        self.at += 1;
        let item = match c {
            'd' => Item::Digit(true),
            'D' => Item::Digit(false),
            'w' => Item::Word(true),
            'W' => Item::Word(false),
            's' => Item::Space(true),
            'S' => Item::Space(false),
            'p' => {
                let name: String = self.chars.get(self.at..self.at + 3)?.iter().collect();
                self.at += 3;
                match name.as_str() {
                    "{L}" => Item::Letter,
                    "{Z}" => Item::Separator,
                    "{N}" => Item::Number,
                    _ => return None,
                }
            }
            'x' => return self.hex(2).map(Escaped::Char),
            'u' => return self.hex(4).map(Escaped::Char),
            'n' => return Some(Escaped::Char('\n')),
            't' => return Some(Escaped::Char('\t')),
            'r' => return Some(Escaped::Char('\r')),
            c if c.is_ascii_punctuation() => return Some(Escaped::Char(c)),
            _ => return None,
        };
        Some(Escaped::Item(item))
    }

    fn hex(&mut self, digits: usize) -> Option<char> {
        let text: String = self.chars.get(self.at..self.at + digits)?.iter().collect();
        self.at += digits;
        char::from_u32(u32::from_str_radix(&text, 16).ok()?)
    }

    /// After a `[`.
    fn class(&mut self) -> Option<Node> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            if c == ']' && !first {
                self.at += 1;
                return Some(Node::class(negated, items, None));
            }
            first = false;
            if c == '&' && self.chars.get(self.at + 1) == Some(&'&') {
                // An intersection with one nested class, closing the class: `[…&&[…]]`.
                self.at += 2;
                if !self.eat('[') {
                    return None;
                }
                let nested = self.class()?;
                if !self.eat(']') || items.is_empty() {
                    return None;
                }
                return Some(Node::class(negated, items, Some(nested)));
            }
            if c == '[' {
                return None; // nested classes, `[:alpha:]`
            }
            self.at += 1;
            let start = if c == '\\' {
                match self.escape()? {
                    Escaped::Item(item) => {
                        items.push(item);
                        continue;
                    }
                    Escaped::Char(c) => c,
                }
            } else {
                c
            };
            let is_range =
                self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']');
            if !is_range {
                items.push(Item::Range(start, start));
                continue;
            }
            self.at += 1;
            let end = match self.peek()? {
                '\\' => {
                    self.at += 1;
                    match self.escape()? {
                        Escaped::Char(c) => c,
                        Escaped::Item(_) => return None,
                    }
                }
                '[' => return None,
                c => {
                    self.at += 1;
                    c
                }
            };
            if end < start {
                return None;
            }
            items.push(Item::Range(start, end));
        }
    }

    fn count(&mut self, node: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let close = self.at + self.chars[self.at..].iter().position(|c| *c == '}')?;
                let inner: String = self.chars[self.at + 1..close].iter().collect();
                let (min, max) = match inner.split_once(',') {
                    None => {
                        let n = inner.parse().ok()?;
                        (n, Some(n))
                    }
                    Some((a, "")) => (a.parse().ok()?, None),
                    Some((a, b)) => (a.parse().ok()?, Some(b.parse().ok()?)),
                };
                if max.is_some_and(|m| m < min) {
                    return None;
                }
                self.at = close;
                (min, max)
            }
            _ => return Some(node),
        };
        self.at += 1;
        // Lazy counts and counts of counts: left to `regex`.
        if matches!(self.peek(), Some('?' | '+' | '*' | '{')) {
            return None;
        }
        if matches!(node, Node::Start | Node::End) {
            return None;
        }
        Some(Node::Repeat {
            node: Sub::Boxed(Box::new(node)),
            min,
            max,
        })
    }
}

enum Escaped {
    Char(char),
    Item(Item),
}

/// Whether `c` is in the class `node`.
fn in_class(node: &Node, c: char) -> bool {
    let Node::Class {
        negated,
        items,
        and,
        ascii,
    } = node
    else {
        return false;
    };
    if c.is_ascii() {
        return ascii >> (c as u32) & 1 == 1;
    }
    let inside = items.iter().any(|i| i.contains(c)) && and.as_ref().is_none_or(|a| in_class(a, c));
    inside != *negated
}

/// The value matched: its bytes when it is ASCII (no copy), else its characters.
enum Text<'a> {
    Ascii(&'a [u8]),
    Chars(&'a [char]),
}

impl Text<'_> {
    fn get(&self, pos: usize) -> Option<char> {
        match self {
            Text::Ascii(b) => b.get(pos).map(|b| char::from(*b)),
            Text::Chars(c) => c.get(pos).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Text::Ascii(b) => b.len(),
            Text::Chars(c) => c.len(),
        }
    }
}

struct Matcher<'a> {
    s: Text<'a>,
    steps: Cell<usize>,
}

impl Matcher<'_> {
    /// Whether the one-character `node` matches at `pos`.
    fn one(&self, node: &Node, pos: usize) -> bool {
        match (node, self.s.get(pos)) {
            (_, None) => false,
            (Node::Char(c), Some(x)) => x == *c,
            (Node::Any, Some(x)) => x != '\n',
            (Node::Class { .. }, Some(x)) => in_class(node, x),
            _ => false,
        }
    }

    /// Whether `node` matches at `pos` with `k` accepting where it ends.
    fn node(&self, node: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > STEPS {
            return false;
        }
        match node {
            Node::Char(_) | Node::Any | Node::Class { .. } => self.one(node, pos) && k(pos + 1),
            Node::Start => pos == 0 && k(pos),
            Node::End => pos == self.s.len() && k(pos),
            Node::Concat(nodes) => self.sequence(nodes, pos, k),
            Node::Alt(branches) => branches.iter().any(|b| self.node(b, pos, k)),
            Node::Repeat { node, min, max } => self.repeat(node, *min, *max, 0, pos, k),
        }
    }

    fn sequence(&self, nodes: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match nodes.split_first() {
            None => k(pos),
            Some((first, rest)) => self.node(first, pos, &mut |p| self.sequence(rest, p, k)),
        }
    }

    /// Greedy: as many more of `node` as match, then fewer.
    fn repeat(
        &self,
        node: &Node,
        min: usize,
        max: Option<usize>,
        done: usize,
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if node.single() {
            // One character at a time: take the longest run, then give back one by one.
            let room = max.map_or(usize::MAX, |m| m - done);
            let mut run = 0;
            while run < room && self.one(node, pos + run) {
                run += 1;
            }
            let steps = self.steps.get() + run;
            self.steps.set(steps);
            if steps > STEPS {
                return false;
            }
            let least = min.saturating_sub(done);
            return run >= least && (least..=run).rev().any(|n| k(pos + n));
        }
        if max.is_none_or(|m| done < m)
            && self.node(node, pos, &mut |p| {
                // An iteration that took nothing ends the repetition.
                if p == pos {
                    done + 1 >= min && k(p)
                } else {
                    self.repeat(node, min, max, done + 1, p, k)
                }
            })
        {
            return true;
        }
        done >= min && k(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::Simple;

    #[test]
    fn what_it_reads_and_what_it_leaves_to_regex() {
        for p in [
            "^.*$",
            "^[a-zA-Z0-9_-]{1,64}$",
            "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
            "^(?:ENABLED|DISABLED)$",
            "^sg-([a-fA-F0-9]{8}|[a-fA-F0-9]{17})$",
            "^[^:]",
            ".{1,}",
            "^(?:^\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9$_-]{1,129}$)$",
            "^[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*$",
            "^(?:^[\\x00-\\x7F&&[^:*$]]{1,255})$",
        ] {
            assert!(Simple::parse(p).is_some(), "{p}");
        }
        for p in [
            "^(?=a)b$",
            "^(?i)abc$",
            "^a+?$",
            "^[[:alpha:]]$",
            "^\\p{Lu}$",
            "^\\bx$",
            "^(a",
        ] {
            assert!(Simple::parse(p).is_none(), "{p}");
        }
    }

    #[test]
    fn every_ascii_character_is_in_a_class_as_regex_has_it() {
        // A class answers ASCII from a bitmap made when it is read: each kind of item,
        // negation, an intersection, ranges crossing 0x7F and empty ones.
        for p in [
            "^[a-zA-Z0-9_-]$",
            "^[^:]$",
            "^[\\x00-\\x7F&&[^:*$]]$",
            "^[^a-z&&[^x]]$",
            "^[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]$",
            "^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]$",
            "^[\\d\\D]$",
            "^[\\w]$",
            "^[\\W]$",
            "^[\\s]$",
            "^[\\S]$",
            "^\\d$",
            "^\\D$",
            "^\\w$",
            "^\\s$",
            "^[ -~]$",
            "^[\\x00-\\x1F]$",
            "^[~-\\u0100]$",
            "^[\\x7F]$",
        ] {
            let simple = Simple::parse(p).unwrap_or_else(|| panic!("{p}"));
            let regex = regex::Regex::new(p).unwrap();
            for c in (0u8..=127).map(char::from) {
                let s = c.to_string();
                assert_eq!(
                    simple.is_match(&s),
                    Some(regex.is_match(&s)),
                    "{p} on {c:?}"
                );
            }
        }
    }

    #[test]
    fn a_non_ascii_value_under_a_unicode_class_is_left_to_regex() {
        let tag = Simple::parse("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$").unwrap();
        assert_eq!(tag.is_match("project: shop-1"), Some(true));
        assert_eq!(tag.is_match("café"), None);
        assert_eq!(tag.is_match("a*b"), Some(false));
        let ascii = Simple::parse("^[a-z]+$").unwrap();
        assert_eq!(ascii.is_match("café"), Some(false));
    }

    #[test]
    fn an_unanchored_pattern_is_searched_and_backtracking_is_bounded() {
        let p = Simple::parse("^[^:]").unwrap();
        assert_eq!(p.is_match("a:b"), Some(true));
        assert_eq!(p.is_match(":b"), Some(false));
        // Nested counts on a value that almost matches: exponential for a backtracker,
        // so it gives up and `regex` answers.
        let wild = Simple::parse("^(a+)+$").unwrap();
        let value = format!("{}!", "a".repeat(40));
        assert_eq!(wild.is_match(&value), None);
        assert_eq!(wild.is_match("aaaa"), Some(true));
    }
}
