//! What a variable holds at an instruction, as far as the file tells: the ARG defaults and ENV
//! values in scope there, with BuildKit's scoping (ARGs of a stage, ENV inherited from base
//! stages, global ARGs only where a stage redeclares them).

use crate::semantic::{BaseKind, Semantic};
use crate::syntax::vars::{self, Expanded};
use crate::syntax::{Instruction, Kind, Token};

/// A variable the file defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Its value (variables in it expanded).
    Known(String),
    /// Declared without a value the file shows (`ARG UID` with no default, or a value that uses
    /// variables the file does not define): it comes from the build command or the base image.
    Unknown,
}

/// The value of `name` just before instruction `i`. `None`: the file does not define it there
/// (it may still come from the base image's environment).
pub fn lookup(sem: &Semantic<'_>, i: usize, name: &str) -> Option<Value> {
    lookup_depth(sem, i, name, 0)
}

fn lookup_depth(sem: &Semantic<'_>, i: usize, name: &str, depth: usize) -> Option<Value> {
    if depth > 8 {
        return Some(Value::Unknown);
    }
    let Some(mut stage) = sem.stage_of.get(i).copied().flatten() else {
        return global(sem, name, i);
    };
    let mut upto = i;
    let mut first = true;
    loop {
        let s = &sem.stages[stage];
        for j in (s.from + 1..upto).rev() {
            let ins = sem.instructions[j];
            match ins.kind {
                Kind::Env => {
                    if let Some(kv) = ins
                        .key_values()
                        .iter()
                        .rev()
                        .find(|kv| ins.text_of(kv.key) == name)
                    {
                        return Some(expand_at(sem, j, ins, kv.value, depth));
                    }
                }
                Kind::Arg if first => {
                    if let Some(d) = ins
                        .arg_decls()
                        .iter()
                        .rev()
                        .find(|d| ins.text_of(d.name) == name)
                    {
                        return Some(match d.default {
                            Some(t) => expand_at(sem, j, ins, t, depth),
                            // a redeclared global ARG takes the global default
                            None => {
                                global(sem, name, sem.instructions.len()).unwrap_or(Value::Unknown)
                            }
                        });
                    }
                }
                _ => {}
            }
        }
        first = false;
        match s.base.kind {
            BaseKind::Stage(b) => {
                stage = b;
                upto = sem.stages[b].end;
            }
            _ => return None,
        }
    }
}

/// A global ARG (before the first FROM) declared before instruction `before`.
fn global(sem: &Semantic<'_>, name: &str, before: usize) -> Option<Value> {
    sem.global_args
        .iter()
        .rev()
        .find(|(n, _, at)| *n == name && *at < before)
        .map(|(_, v, _)| match v {
            Some(v) if !v.contains('$') => Value::Known(v.clone()),
            _ => Value::Unknown,
        })
}

fn expand_at(sem: &Semantic<'_>, j: usize, ins: &Instruction, t: Token, depth: usize) -> Value {
    let Expanded { value, unresolved } = expand_token(sem, j, ins, t, depth + 1);
    if unresolved.is_empty() {
        Value::Known(value)
    } else {
        Value::Unknown
    }
}

fn expand_token(
    sem: &Semantic<'_>,
    i: usize,
    ins: &Instruction,
    t: Token,
    depth: usize,
) -> Expanded {
    let lookup = |n: &str| match lookup_depth(sem, i, n, depth) {
        Some(Value::Known(v)) => Some(v),
        _ => None,
    };
    vars::expand(ins.text_of(t), sem.escape(), &lookup)
}

/// A word of instruction `i` with quotes removed and variables expanded from what the file
/// defines before it. `None` when it uses a variable whose value the file does not show.
pub fn expand(sem: &Semantic<'_>, i: usize, text: &str) -> Option<String> {
    let lookup = |n: &str| match lookup(sem, i, n) {
        Some(Value::Known(v)) => Some(v),
        _ => None,
    };
    let Expanded { value, unresolved } = vars::expand(text, sem.escape(), &lookup);
    unresolved.is_empty().then_some(value)
}

/// A word with quotes and escapes removed, variables left as written.
pub fn unquote(sem: &Semantic<'_>, text: &str) -> String {
    if !text.contains(['"', '\'', sem.escape()]) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (q, c) if c == sem.escape() && q != Some('\'') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn at(src: &str, line_prefix: &str) -> (usize, String) {
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        let i = sem
            .instructions
            .iter()
            .position(|ins| ins.text.starts_with(line_prefix))
            .unwrap();
        (i, src.to_string())
    }

    #[test]
    fn scoping() {
        let src =
            "ARG G=1\nARG H\nFROM a AS base\nARG G\nENV E=x$G\nARG L=2\nFROM base\nARG H\nUSER u\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        let (i, _) = at(src, "USER");
        assert_eq!(lookup(&sem, i, "E"), Some(Value::Known("x1".into())));
        // ARGs of the base stage are not inherited
        assert_eq!(lookup(&sem, i, "L"), None);
        assert_eq!(lookup(&sem, i, "G"), None);
        assert_eq!(lookup(&sem, i, "H"), Some(Value::Unknown));
        assert_eq!(expand(&sem, i, "\"$E\"-y"), Some("x1-y".into()));
        assert_eq!(expand(&sem, i, "$NOPE"), None);
        let (i, _) = at(src, "ARG L");
        assert_eq!(lookup(&sem, i, "G"), Some(Value::Known("1".into())));
        assert_eq!(unquote(&sem, "\"a b\"'$c'"), "a b$c");
    }
}
