use crate::rule::{Context, Rule};
use crate::syntax::{Instruction, Kind, Token};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `ARG` or `ENV` whose name says it holds a secret: a word of the name (split at
    /// `_`, `-`, `.` and camelCase) is `password`, `passwd`, `pword`, `secret`, `token`, `key`,
    /// `apikey`, `auth` or `credential(s)` (or a plural, or a word ending in `password`,
    /// `passwd`, `secret` or `token`), and no word is `public`, `file`, `version`, `path`,
    /// `dir`, `url`, `uri`, `gpg` or `fingerprint`.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image config: anyone who can pull the image reads them
    /// with `docker inspect`. `ARG` values end up in the build history of every `RUN` that
    /// uses them and in the build cache. Pass secrets with `RUN --mount=type=secret` instead:
    /// they are there for the one command and never stored.
    ///
    /// Looks at every `ARG` and `ENV`, global ones and `ONBUILD` ones included. A value that is
    /// a file path (`ENV TLS_KEY=/run/secrets/tls.key`) says where a secret is, not what it is,
    /// and is not flagged; nor is the key of a key/value setting (`Filters__0__Key` beside
    /// `Filters__0__Value`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > ~/.npmrc && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// A user name counts, as in hadolint: it is half of a credential, and registry or service
    /// accounts (`DOCKER_USERNAME`, `REGISTRY_USERNAME`) are not meant to be published in an
    /// image. A dev container's `ARG USERNAME=vscode` (the account it runs as) is flagged too:
    /// suppress it there with `# dockopt ignore=DO430`.
    ///
    /// ## Differences from hadolint
    /// hadolint matches `password`, `secret`, `token`, `private`, `username`, `api_key` and
    /// `client_key` anywhere in the name, plus a list of known names, so `TOKENIZERS_PARALLELISM`
    /// would be flagged. dockopt matches whole words of the name, as BuildKit does. It also skips
    /// GPG key fingerprints (`ENV GPG_KEY …`), which BuildKit flags.
    ///
    /// ## Differences from BuildKit
    /// BuildKit checks only the stages it builds and not global `ARG`s, reports one warning per
    /// name, and splits names at `_` only. dockopt reports one finding per instruction.
    pub SecretInArgOrEnv {
        code: "DO430",
        name: "secret-in-arg-or-env",
        category: Security,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3064", "buildkit:SecretsUsedInArgOrEnv"],
    }
}

const DENY: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
    "username",
];
const DENY_SUFFIX: &[&str] = &["password", "passwd", "secret", "token", "username"];
const ALLOW: &[&str] = &[
    "public",
    "file",
    "version",
    "path",
    "dir",
    "url",
    "uri",
    "gpg",
    "fingerprint",
];

/// The words of a name, lower-cased: `GITHUB_TOKEN` → github, token; `apiKey` → api, key.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.') {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn in_list(word: &str, list: &[&str]) -> bool {
    list.contains(&word) || word.strip_suffix('s').is_some_and(|w| list.contains(&w))
}

/// Does the name say it holds a secret?
pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let deny = words.iter().any(|w| {
        in_list(w, DENY)
            || DENY_SUFFIX
                .iter()
                .any(|s| w.len() > s.len() && w.ends_with(s))
    });
    deny && !words.iter().any(|w| in_list(w, ALLOW))
}

/// A value that names where a secret is (`/run/secrets/token`, `certs/server.key`) rather
/// than being one.
fn is_path(value: &str) -> bool {
    const FILES: &[&str] = &[
        ".key", ".pem", ".crt", ".cer", ".p12", ".pfx", ".jks", ".json", ".txt", ".gpg", ".asc",
    ];
    !value.contains(char::is_whitespace)
        && (value.starts_with(['/', '~'])
            || value.starts_with("./")
            || value.starts_with("../")
            || FILES.iter().any(|e| value.ends_with(e)))
}

/// `Filters__0__Key` next to `Filters__0__Value`: the key of a key/value setting, not a key.
fn is_key_of_pair(name: &str, all: &[&str]) -> bool {
    let Some(stem) = name
        .len()
        .checked_sub(3)
        .filter(|&i| name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case("key"))
        .map(|i| &name[..i])
    else {
        return false;
    };
    all.iter().any(|other| {
        other.len() == stem.len() + 5
            && other.starts_with(stem)
            && other[stem.len()..].eq_ignore_ascii_case("value")
    })
}

/// A defined name and its value as written.
type Definition = (Token, Option<Token>);

/// The names an ARG or ENV (or its ONBUILD trigger) defines, with their values as written.
fn names(ins: &Instruction) -> Option<(&Instruction, Vec<Definition>)> {
    let target = ins.trigger().unwrap_or(ins);
    match target.kind {
        Kind::Arg => Some((
            target,
            target
                .arg_decls()
                .iter()
                .map(|d| (d.name, d.default))
                .collect(),
        )),
        Kind::Env => Some((
            target,
            target
                .key_values()
                .iter()
                .map(|kv| (kv.key, Some(kv.value)))
                .collect(),
        )),
        _ => None,
    }
}

impl Rule for SecretInArgOrEnv {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for ins in ctx.semantic.instructions.iter().copied() {
            let Some((target, names)) = names(ins) else {
                continue;
            };
            let all: Vec<&str> = names.iter().map(|(n, _)| target.text_of(*n)).collect();
            let secret: Vec<Token> = names
                .iter()
                .copied()
                .filter(|(name, value)| {
                    is_secret_name(target.text_of(*name))
                        && !is_key_of_pair(target.text_of(*name), &all)
                        && !value
                            .is_some_and(|v| is_path(target.text_of(v).trim_matches(['"', '\''])))
                })
                .map(|(name, _)| name)
                .collect();
            let Some((first, rest)) = secret.split_first() else {
                continue;
            };
            let name = target.text_of(*first);
            let (message, help) = if target.kind == Kind::Env {
                (
                    format!(
                        "`ENV {name}` stores what looks like a secret in the image config, readable with `docker inspect`"
                    ),
                    "pass the secret to the RUN that needs it with `RUN --mount=type=secret,id=…`; set it at run time for the container",
                )
            } else {
                (
                    format!(
                        "`ARG {name}` passes what looks like a secret through a build argument, kept in the build history"
                    ),
                    "pass the secret to the RUN that needs it with `RUN --mount=type=secret,id=…`",
                )
            };
            let d = ctx.report(first.span, message);
            d.help(help);
            for t in rest {
                d.label(t.span, format!("`{}` too", target.text_of(*t)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn names() {
        for n in [
            "PASSWORD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "apiKey",
            "api-key",
            "DB_PASSWORDS",
            "MTP_SECRET",
            "git_key",
            "auth",
            "super_duper_secret_token",
            "SECRET_PASSPHRASE",
            "DBPASSWORD",
            "NPM_TOKEN",
            "USERNAME",
            "DOCKER_USERNAME",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "USER_UID",
            "GPG_KEY",
            "GPG_KEYS",
            "PUBLIC_KEY",
            "SECRET_PASSPHRASE_FILE",
            "password_file",
            "AUTH_MODULE_VERSION",
            "TOKENIZERS_PARALLELISM",
            "KEYRING",
            "MONKEY",
            "PATH",
            "SSH_KEY_PATH",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
        let all = ["Filters__0__Key", "Filters__0__Value", "API_KEY"];
        assert!(super::is_key_of_pair("Filters__0__Key", &all));
        assert!(!super::is_key_of_pair("API_KEY", &all));
    }
}
