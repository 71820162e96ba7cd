use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_in, contains_ci, remove_arg_edit, short_flag_at};
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `RUN` commands that turn off TLS certificate verification: `curl -k`/`--insecure`,
    /// `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set strict-ssl
    /// false`, `git config http.sslVerify false` (or `git -c http.sslVerify=false`),
    /// `yum`/`dnf --setopt=sslverify=0`, apt's `Acquire::https::Verify-Peer=false`,
    /// `conda config --set ssl_verify false` and `composer config disable-tls true`.
    ///
    /// ## Why is this bad?
    /// Without certificate checks anyone on the network path (a proxy, a compromised mirror,
    /// the CI provider's network) can serve a different file, and the build runs it or ships
    /// it. The usual cause is a missing CA bundle or a corporate proxy: install
    /// `ca-certificates` or add the proxy's CA instead.
    ///
    /// Looks at every stage: a tampered download in a builder stage ends up in what it builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLk https://example.com/install.sh -o /tmp/install.sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSL https://example.com/install.sh -o /tmp/install.sh
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, for `curl`, `wget` and `pip` options only: the option is removed, so a download
    /// that only worked without verification now fails (which is the point, but it breaks the
    /// build until the certificates are fixed).
    pub TlsVerificationDisabled {
        code: "DO403",
        name: "tls-verification-disabled",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [
            "checkov:CKV2_DOCKER_2",
            "checkov:CKV2_DOCKER_3",
            "checkov:CKV2_DOCKER_4",
            "checkov:CKV2_DOCKER_13",
            "checkov:CKV2_DOCKER_15",
        ],
    }
}

/// curl's short options that take a value.
const CURL_VALUE_SHORTS: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn falsy(v: &str) -> bool {
    matches!(
        v.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// The message for a configuration line (it is not an option of the command).
const CONFIG: &str = "this writes a setting that turns TLS certificate verification off";

/// A finding: the word, what it does, and an optional fix.
struct Hit<'s, 'a> {
    word: &'s Word<'a>,
    what: String,
    fix: Option<Edit>,
}

fn check_cmd<'s, 'a>(ctx: &Context<'_>, cmd: &Cmd<'s, 'a>, out: &mut Vec<Hit<'s, 'a>>) {
    let sem = ctx.semantic;
    let Some(prog) = cmd.program() else { return };
    let argv = cmd.argv().args();
    let lower = |w: &Word<'_>| w.value.to_ascii_lowercase();
    let until_dashdash = argv.iter().take_while(|w| w.value != "--");
    match prog {
        "curl" => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for (i, w) in words.iter().copied().enumerate() {
                let v: &str = &w.value;
                // the value of the option before (`-H -k`, `--user-agent -k`)
                if i > 0 && takes_value(&words[i - 1].value) {
                    continue;
                }
                if v == "--insecure" || v == "--proxy-insecure" {
                    out.push(Hit {
                        word: w,
                        what: format!("`curl {v}`"),
                        fix: remove_arg_edit(sem, cmd, w),
                    });
                } else if let Some(at) = short_flag_at(v, 'k', CURL_VALUE_SHORTS) {
                    let fix = if v == "-k" {
                        remove_arg_edit(sem, cmd, w)
                    } else if w.literal && !w.quoted && !cmd.command.is_nested() {
                        let mut s = v.to_string();
                        s.remove(at);
                        Some(Edit::replace(cmd.span(sem, w.span), s))
                    } else {
                        None
                    };
                    out.push(Hit {
                        word: w,
                        what: "`curl -k`".into(),
                        fix,
                    });
                }
            }
        }
        "wget" => {
            for w in until_dashdash {
                if w.value == "--no-check-certificate"
                    || w.value.eq_ignore_ascii_case("--check-certificate=off")
                {
                    out.push(Hit {
                        word: w,
                        what: format!("`wget {}`", w.value),
                        fix: remove_arg_edit(sem, cmd, w),
                    });
                }
            }
        }
        p if p.starts_with("pip") || p == "uv" || is_python_m_pip(cmd) => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for (i, w) in words.iter().enumerate() {
                let v: &str = &w.value;
                let (flag, value_word) = match v.split_once('=') {
                    Some((f, _)) => (f, None),
                    None => (v, words.get(i + 1).copied()),
                };
                if flag == "--trusted-host" || flag == "--allow-insecure-host" {
                    let fix = match (remove_arg_edit(sem, cmd, w), value_word) {
                        (Some(a), Some(vw)) => remove_arg_edit(sem, cmd, vw).map(|b| {
                            Edit::delete(crate::syntax::Span {
                                start: a.span.start,
                                end: b.span.end,
                            })
                        }),
                        (a, None) => a,
                        _ => None,
                    };
                    let tool = if is_python_m_pip(cmd) { "pip" } else { prog };
                    out.push(Hit {
                        word: w,
                        what: format!("`{tool} {flag}`"),
                        fix,
                    });
                }
            }
            // pip config set global.trusted-host …
            if words.len() >= 3
                && words[0].value == "config"
                && words[1].value == "set"
                && words[2].value.ends_with(".trusted-host")
            {
                out.push(Hit {
                    word: words[2],
                    what: format!("`{prog} config set {}`", words[2].value),
                    fix: None,
                });
            }
        }
        "npm" | "yarn" | "pnpm" => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for w in &words {
                if w.value.eq_ignore_ascii_case("--strict-ssl=false")
                    || w.value.eq_ignore_ascii_case("--no-strict-ssl")
                {
                    out.push(Hit {
                        word: w,
                        what: format!("`{prog} {}`", w.value),
                        fix: None,
                    });
                }
            }
            let positional: Vec<&'s Word<'a>> = words
                .iter()
                .copied()
                .filter(|w| !w.value.starts_with('-'))
                .collect();
            let set_at = match positional.as_slice() {
                [c, s, ..] if (c.value == "config" || c.value == "c") && s.value == "set" => {
                    Some(2)
                }
                [s, ..] if s.value == "set" => Some(1),
                _ => None,
            };
            if let Some(k) = set_at
                && let Some(key) = positional.get(k)
            {
                let kv = key.value.to_ascii_lowercase();
                let (name, value) = match kv.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (
                        kv.clone(),
                        positional.get(k + 1).map(|w| w.value.to_string()),
                    ),
                };
                let name = name.trim_matches(['"', '\'']);
                if (name == "strict-ssl" || name == "enablestrictssl")
                    && value.as_deref().is_some_and(falsy)
                {
                    out.push(Hit {
                        word: key,
                        what: format!("`{prog} config set {name} false`"),
                        fix: None,
                    });
                }
            }
        }
        "git" => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for (i, w) in words.iter().enumerate() {
                // git -c http.sslVerify=false …
                if w.value == "-c"
                    && let Some(next) = words.get(i + 1)
                    && let Some((k, v)) = next.value.split_once('=')
                    && is_ssl_verify_key(k)
                    && falsy(v)
                {
                    out.push(Hit {
                        word: next,
                        what: format!("`git -c {}`", next.value),
                        fix: None,
                    });
                }
            }
            // git config [--global] http.sslVerify false
            if let Some(c) = words.iter().position(|w| w.value == "config") {
                let rest: Vec<&&'s Word<'a>> = words[c + 1..]
                    .iter()
                    .filter(|w| !w.value.starts_with('-'))
                    .collect();
                if let [k, v, ..] = rest.as_slice()
                    && is_ssl_verify_key(&k.value)
                    && falsy(&v.value)
                {
                    out.push(Hit {
                        word: k,
                        what: format!("`git config {} {}`", k.value, v.value),
                        fix: None,
                    });
                }
            }
        }
        "yum" | "dnf" | "tdnf" | "microdnf" | "yum-config-manager" | "dnf-3" => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for (i, w) in words.iter().enumerate() {
                let setting = match w.value.strip_prefix("--setopt=") {
                    Some(s) => Some(s.to_string()),
                    None if w.value == "--setopt" => words.get(i + 1).map(|n| n.value.to_string()),
                    None => None,
                };
                if let Some(s) = setting
                    && let Some((k, v)) = s.split_once('=')
                    && k.to_ascii_lowercase()
                        .trim_matches(['"', '\''])
                        .ends_with("sslverify")
                    && falsy(v)
                {
                    out.push(Hit {
                        word: w,
                        what: format!("`{prog} --setopt={s}`"),
                        fix: None,
                    });
                }
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            for w in until_dashdash {
                if !contains_ci(&w.value, "verify") {
                    continue;
                }
                let v = lower(w);
                if (v.contains("verify-peer") || v.contains("verify-host"))
                    && v.rsplit_once('=').is_some_and(|(_, x)| falsy(x))
                {
                    out.push(Hit {
                        word: w,
                        what: format!("`{prog} -o {}`", w.value),
                        fix: None,
                    });
                }
            }
        }
        "echo" | "printf" | "sed" => {
            for w in argv {
                if !contains_ci(&w.value, "verify") {
                    continue;
                }
                let v = lower(w);
                let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                let off = [
                    "sslverify=0",
                    "sslverify=false",
                    "sslverify=no",
                    "sslverify=off",
                ]
                .iter()
                .any(|p| compact.contains(p))
                    || ((compact.contains("verify-peer") || compact.contains("verify-host"))
                        && (compact.contains("\"false\"") || compact.contains("false;")));
                if off {
                    out.push(Hit {
                        word: w,
                        what: CONFIG.into(),
                        fix: None,
                    });
                }
            }
        }
        "conda" | "mamba" | "micromamba" => {
            let words: Vec<&'s Word<'a>> = until_dashdash.collect();
            for (i, w) in words.iter().enumerate() {
                if w.value == "--set"
                    && words.get(i + 1).is_some_and(|k| k.value == "ssl_verify")
                    && words.get(i + 2).is_some_and(|v| falsy(&v.value))
                {
                    out.push(Hit {
                        word: w,
                        what: format!("`{prog} config --set ssl_verify false`"),
                        fix: None,
                    });
                }
            }
        }
        "composer" => {
            let pos: Vec<&'s Word<'a>> = until_dashdash
                .filter(|w| !w.value.starts_with('-'))
                .collect();
            if let [c, k, v, ..] = pos.as_slice()
                && c.value == "config"
                && ((k.value == "disable-tls" && v.value == "true")
                    || (k.value == "secure-http" && falsy(&v.value)))
            {
                out.push(Hit {
                    word: k,
                    what: format!("`composer config {} {}`", k.value, v.value),
                    fix: None,
                });
            }
        }
        _ => {}
    }
}

/// Does curl option word `v` take the next word as its value?
fn takes_value(v: &str) -> bool {
    const LONG: &[&str] = &[
        "--header",
        "--output",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-urlencode",
        "--user",
        "--proxy",
        "--url",
        "--cacert",
        "--capath",
        "--cert",
        "--key",
        "--request",
        "--user-agent",
        "--referer",
        "--cookie",
        "--cookie-jar",
        "--form",
        "--max-time",
        "--retry",
        "--connect-timeout",
        "--write-out",
        "--upload-file",
        "--config",
        "--range",
        "--continue-at",
        "--dump-header",
        "--proxy-user",
        "--resolve",
        "--output-dir",
    ];
    if v.starts_with("--") {
        return LONG.contains(&v);
    }
    v.strip_prefix('-')
        .and_then(|c| c.chars().last())
        .is_some_and(|last| {
            CURL_VALUE_SHORTS.contains(last)
                && v[1..]
                    .chars()
                    .take_while(|c| !CURL_VALUE_SHORTS.contains(*c))
                    .count()
                    + 1
                    == v.len() - 1
        })
}

fn is_python_m_pip(cmd: &Cmd<'_, '_>) -> bool {
    cmd.program().is_some_and(|p| p.starts_with("python"))
        && cmd
            .argv()
            .args()
            .windows(2)
            .any(|w| w[0].value == "-m" && w[1].value.starts_with("pip"))
}

/// `http.sslVerify` or `http.<url>.sslVerify`, any case.
fn is_ssl_verify_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    k.starts_with("http.") && k.ends_with(".sslverify")
}

impl Rule for TlsVerificationDisabled {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let mut hits = Vec::new();
        for cmd in commands_in(sem, 0..sem.instructions.len()) {
            let start = hits.len();
            check_cmd(ctx, &cmd, &mut hits);
            for h in hits.drain(start..) {
                let span = cmd.span(sem, h.word.span);
                let fix = h.fix.map(|e| Fix::unsafe_("remove the option", vec![e]));
                let msg = if h.what == CONFIG {
                    h.what
                } else {
                    format!("{} turns off TLS certificate verification", h.what)
                };
                ctx.report_fix(
                    span,
                    msg,
                    "keep verification on: install `ca-certificates` or add the missing CA \
                     (a corporate proxy's) to the trust store",
                    fix,
                );
            }
        }
    }
}
