use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::commands_in;
use crate::syntax::{Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags environment variables that turn off TLS certificate verification, set with `ENV`,
    /// an `ARG` default, or in a `RUN` (`export X=…`, `X=… command`):
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`,
    /// `PIP_TRUSTED_HOST`, `NPM_CONFIG_STRICT_SSL=false`, `YARN_ENABLE_STRICT_SSL=false`,
    /// `GOINSECURE` and `GOFLAGS=-insecure`.
    ///
    /// ## Why is this bad?
    /// Every tool that reads the variable then accepts any certificate, so a machine on the
    /// network path can swap what is downloaded. Set with `ENV`, it also stays in the image:
    /// the application itself skips verification at run time.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/
    /// ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, for `ENV` and `ARG` only: the setting is removed, so downloads that only worked
    /// without verification fail, and the application verifies certificates again.
    pub TlsVerificationDisabledEnv {
        code: "DO404",
        name: "tls-verification-disabled-env",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [
            "checkov:CKV2_DOCKER_5",
            "checkov:CKV2_DOCKER_6",
            "checkov:CKV2_DOCKER_12",
            "checkov:CKV2_DOCKER_14",
            "checkov:CKV2_DOCKER_16",
        ],
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// Does setting `name` to `value` turn verification off? Returns what it affects.
pub fn disables_tls(name: &str, value: &str) -> Option<&'static str> {
    let v = unquote(value);
    let lower = v.to_ascii_lowercase();
    let falsy = matches!(lower.as_str(), "false" | "0" | "no" | "off");
    match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" if v == "0" => Some("Node.js"),
        "PYTHONHTTPSVERIFY" if v == "0" => Some("Python"),
        "GIT_SSL_NO_VERIFY" if !v.is_empty() => Some("git"),
        "PIP_TRUSTED_HOST" if !v.is_empty() => Some("pip"),
        "GOINSECURE" if !v.is_empty() => Some("Go modules"),
        "GOFLAGS" if v.split_whitespace().any(|f| f == "-insecure") => Some("Go"),
        "YARN_ENABLE_STRICT_SSL" if falsy => Some("Yarn"),
        n if n.eq_ignore_ascii_case("npm_config_strict_ssl") && falsy => Some("npm"),
        _ => None,
    }
}

/// Delete one `key=value` of an ENV/ARG with several, or the whole instruction.
fn removal(ins: &Instruction, spans: &[Span], i: usize) -> Edit {
    if spans.len() == 1 {
        return Edit::delete(ins.line_span);
    }
    let span = if i + 1 < spans.len() {
        Span {
            start: spans[i].start,
            end: spans[i + 1].start,
        }
    } else {
        Span {
            start: spans[i - 1].end,
            end: spans[i].end,
        }
    };
    Edit::delete(span)
}

impl Rule for TlsVerificationDisabledEnv {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for ins in &sem.instructions {
            match ins.kind {
                Kind::Env => {
                    let kvs = ins.key_values();
                    let spans: Vec<Span> = kvs
                        .iter()
                        .map(|kv| kv.key.span.cover(kv.value.span))
                        .collect();
                    for (i, kv) in kvs.iter().enumerate() {
                        let name = ins.text_of(kv.key);
                        let Some(tool) = disables_tls(name, ins.text_of(kv.value)) else {
                            continue;
                        };
                        let fix =
                            Fix::unsafe_(format!("remove `{name}`"), vec![removal(ins, &spans, i)]);
                        ctx.report_fix(
                            spans[i],
                            format!("`ENV {name}` turns off TLS certificate verification for {tool}, in the build and in the running container"),
                            "remove it and trust the right CA instead (install `ca-certificates`, or add the proxy's CA)",
                            Some(fix),
                        );
                    }
                }
                Kind::Arg => {
                    let decls = ins.arg_decls();
                    let spans: Vec<Span> = decls.iter().map(|d| d.token.span).collect();
                    for (i, d) in decls.iter().enumerate() {
                        let name = ins.text_of(d.name);
                        let Some(def) = d.default else { continue };
                        let Some(tool) = disables_tls(name, ins.text_of(def)) else {
                            continue;
                        };
                        let fix =
                            Fix::unsafe_(format!("remove `{name}`"), vec![removal(ins, &spans, i)]);
                        ctx.report_fix(
                            spans[i],
                            format!("`ARG {name}` turns off TLS certificate verification for {tool} in the build's RUN commands"),
                            "remove it and trust the right CA instead (install `ca-certificates`, or add the proxy's CA)",
                            Some(fix),
                        );
                    }
                }
                _ => {}
            }
        }
        for cmd in commands_in(sem, 0..sem.instructions.len()) {
            let c = cmd.command;
            let mut words: Vec<&crate::shell::Word<'_>> = c.assignments.iter().collect();
            if matches!(
                c.name(),
                Some("export" | "declare" | "typeset" | "readonly" | "env" | "local")
            ) {
                words.extend(c.args().iter().filter(|w| !w.value.starts_with('-')));
            }
            for w in words {
                let Some((name, value)) = w.value.split_once('=') else {
                    continue;
                };
                let Some(tool) = disables_tls(name, value) else {
                    continue;
                };
                ctx.report(
                    cmd.span(sem, w.span),
                    format!("`{name}={value}` turns off TLS certificate verification for {tool}"),
                )
                .help("remove it and trust the right CA instead (install `ca-certificates`, or add the proxy's CA)");
            }
        }
    }
}
