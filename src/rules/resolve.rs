//! Values of `ARG` and `ENV` variables at an instruction, to resolve words such as `ADD $URL /x`
//! the way BuildKit would with default build arguments.

use std::collections::HashMap;

use crate::semantic::{BaseKind, Semantic};
use crate::syntax::Kind;
use crate::syntax::vars::expand;

/// Known variables: name → value, `None` when declared without a known value.
pub type Scope = HashMap<String, Option<String>>;

/// The variables in effect just before instruction `i`: global `ARG` defaults redeclared in the
/// stage, the stage's `ARG` defaults, and `ENV` of the stage and of its base stages (`ARG`s of
/// base stages are not inherited, as in BuildKit). Values are expanded as they are declared.
pub fn scope_at(sem: &Semantic<'_>, i: usize) -> Scope {
    match sem.stage_of[i] {
        Some(s) => stage_scope(sem, s, i, 0),
        None => sem
            .global_args
            .iter()
            .map(|(n, d, _)| (n.to_string(), d.clone()))
            .collect(),
    }
}

fn stage_scope(sem: &Semantic<'_>, stage: usize, upto: usize, depth: usize) -> Scope {
    let s = &sem.stages[stage];
    // ENV of the base stage carries over; its ARGs do not.
    let mut scope: Scope = match s.base.kind {
        BaseKind::Stage(b) if b < stage && depth < 64 => {
            let base = stage_scope(sem, b, sem.stages[b].end, depth + 1);
            let envs = env_names(sem, b, depth + 1);
            base.into_iter().filter(|(k, _)| envs.contains(k)).collect()
        }
        _ => Scope::new(),
    };
    let escape = sem.escape();
    for j in s.from + 1..upto.min(s.end) {
        let ins = sem.instructions[j];
        match ins.kind {
            Kind::Arg => {
                for d in ins.arg_decls() {
                    let name = ins.text_of(d.name).to_string();
                    let value = match d.default {
                        Some(t) => expand_in(&scope, ins.text_of(t), escape),
                        None => sem
                            .global_args
                            .iter()
                            .rev()
                            .find(|a| a.0 == name)
                            .and_then(|a| a.1.clone()),
                    };
                    scope.insert(name, value);
                }
            }
            Kind::Env => {
                for kv in ins.key_values() {
                    let value = expand_in(&scope, ins.text_of(kv.value), escape);
                    scope.insert(ins.text_of(kv.key).to_string(), value);
                }
            }
            _ => {}
        }
    }
    scope
}

/// Names set by ENV in a stage and its base stages.
fn env_names(sem: &Semantic<'_>, stage: usize, depth: usize) -> Vec<String> {
    let s = &sem.stages[stage];
    let mut out = match s.base.kind {
        BaseKind::Stage(b) if b < stage && depth < 64 => env_names(sem, b, depth + 1),
        _ => Vec::new(),
    };
    for j in sem.body(s) {
        let ins = sem.instructions[j];
        if ins.kind == Kind::Env {
            out.extend(
                ins.key_values()
                    .iter()
                    .map(|kv| ins.text_of(kv.key).to_string()),
            );
        }
    }
    out
}

fn expand_in(scope: &Scope, word: &str, escape: char) -> Option<String> {
    let lookup = |n: &str| scope.get(n).cloned().flatten();
    let e = expand(word, escape, &lookup);
    if e.unresolved.is_empty() {
        Some(e.value)
    } else {
        None
    }
}

/// A word with its variables expanded, when every variable has a known value.
pub fn resolve(scope: &Scope, word: &str, escape: char) -> Option<String> {
    expand_in(scope, word, escape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn resolves_args_and_envs() {
        let src = "ARG REPO=https://example.com\nFROM alpine AS a\nENV HOME_DIR=/home/app\nARG V=1\nFROM a\nARG REPO\nARG X\nRUN true\n";
        let df = parse(src);
        let sem = Semantic::new(src, &df);
        let scope = scope_at(&sem, 7);
        assert_eq!(
            resolve(&scope, "$REPO/x#${HOME_DIR}", '\\').as_deref(),
            Some("https://example.com/x#/home/app")
        );
        assert_eq!(resolve(&scope, "$V", '\\'), None);
        assert_eq!(resolve(&scope, "$X", '\\'), None);
    }
}
