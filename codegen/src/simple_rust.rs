//! A pattern's tree for synth's simple matcher, parsed here by the matcher's own parser
//! (`synth/src/l1/simple_pattern.rs`, included as it is) and written out as statics, so
//! that a synth does not parse the schemas' patterns again at run time.

#[allow(dead_code)] // the matcher itself; codegen only parses
#[path = "../../synth/src/l1/simple_pattern.rs"]
mod simple_pattern;

use simple_pattern::{Item, Node, Simple};
use std::fmt::Write;

/// The path the generated code names the matcher's types by (`rt` is `crate::l1` there).
const AT: &str = "rt::simple_pattern";

/// The statics that hold what the simple matcher parses `source` to, the tree itself
/// named `{name}_T` and its lists and inner nodes `{name}_T1`, `{name}_T2`, … (a value
/// with a destructor cannot be borrowed in place in a static's initializer), written to
/// `out`; and the expression for `rt::Pattern::built`: `Some(&{name}_T)`, or `None` for
/// a pattern the matcher leaves to `regex`.
pub fn tree(name: &str, source: &str, out: &mut String) -> String {
    let Some(s) = Simple::parse(source) else {
        return "None".to_string();
    };
    let mut w = Writer {
        name: format!("{name}_T"),
        count: 0,
        out,
    };
    let root = w.node(&s.root);
    let _ = writeln!(
        w.out,
        "static {}: {AT}::Simple = {AT}::Simple::built({root}, {}, {});",
        w.name, s.unicode_aware, s.anchored
    );
    format!("Some(&{name}_T)")
}

struct Writer<'o> {
    name: String,
    count: usize,
    out: &'o mut String,
}

impl Writer<'_> {
    /// A static of `ty` holding `value`; its name.
    fn static_of(&mut self, ty: &str, value: &str) -> String {
        self.count += 1;
        let name = format!("{}{}", self.name, self.count);
        let _ = writeln!(self.out, "static {name}: {ty} = {value};");
        name
    }

    fn nodes(&mut self, nodes: &[Node]) -> String {
        let items: Vec<String> = nodes.iter().map(|n| self.node(n)).collect();
        let list = self.static_of(
            &format!("[{AT}::Node; {}]", items.len()),
            &format!("[{}]", items.join(", ")),
        );
        format!("::std::borrow::Cow::Borrowed(&{list})")
    }

    fn sub(&mut self, n: &Node) -> String {
        let value = self.node(n);
        let inner = self.static_of(&format!("{AT}::Node"), &value);
        format!("{AT}::Sub::Static(&{inner})")
    }

    fn node(&mut self, n: &Node) -> String {
        match n {
            Node::Char(c) => format!("{AT}::Node::Char({c:?})"),
            Node::Any => format!("{AT}::Node::Any"),
            Node::Start => format!("{AT}::Node::Start"),
            Node::End => format!("{AT}::Node::End"),
            Node::Class {
                negated,
                items,
                and,
                ascii,
            } => {
                let items: Vec<String> = items.iter().map(item).collect();
                let and = match and {
                    None => "None".to_string(),
                    Some(a) => format!("Some({})", self.sub(a)),
                };
                format!(
                    "{AT}::Node::Class {{ negated: {negated}, items: ::std::borrow::Cow::Borrowed(&[{}]), and: {and}, ascii: {ascii}_u128 }}",
                    items.join(", ")
                )
            }
            Node::Concat(nodes) => format!("{AT}::Node::Concat({})", self.nodes(nodes)),
            Node::Alt(nodes) => format!("{AT}::Node::Alt({})", self.nodes(nodes)),
            Node::Repeat { node, min, max } => {
                let node = self.sub(node);
                format!("{AT}::Node::Repeat {{ node: {node}, min: {min}, max: {max:?} }}")
            }
        }
    }
}

fn item(i: &Item) -> String {
    match i {
        Item::Range(a, b) => format!("{AT}::Item::Range({a:?}, {b:?})"),
        Item::Digit(yes) => format!("{AT}::Item::Digit({yes})"),
        Item::Word(yes) => format!("{AT}::Item::Word({yes})"),
        Item::Space(yes) => format!("{AT}::Item::Space({yes})"),
        Item::Letter => format!("{AT}::Item::Letter"),
        Item::Separator => format!("{AT}::Item::Separator"),
        Item::Number => format!("{AT}::Item::Number"),
    }
}
