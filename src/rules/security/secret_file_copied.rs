use crate::rule::{Context, Rule};
use crate::rules::common::shipped_stages;
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `COPY`/`ADD` of files that hold private keys or credentials into the image that
    /// ships: SSH keys (`id_rsa`, `id_ed25519`, `.ssh/`), TLS private keys (`*.key`,
    /// `privkey.pem`, `*-key.pem`, `*.p12`, `*.pfx`), cloud and registry credentials
    /// (`.aws/`, `credentials`, `.docker/config.json`, `.kube/config`, service-account JSON),
    /// package-manager tokens (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`) and `.env`
    /// files.
    ///
    /// ## Why is this bad?
    /// Whatever is copied stays in that layer for good: deleting it in a later `RUN` only hides
    /// it, and anyone who can pull the image can extract it. Secrets a build needs belong in
    /// `RUN --mount=type=secret` (or `--mount=type=ssh` for keys); secrets the application
    /// needs are passed at run time.
    ///
    /// Only the stages that ship (the final stage and the stages it is built `FROM`) are
    /// checked; a key used in a builder stage stays out of the image, though not out of the
    /// builder's cache. `.env.example` and other templates are not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci && rm .npmrc
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    pub SecretFileCopied {
        code: "DO408",
        name: "secret-file-copied",
        category: Security,
        severity: Warning,
        fix: None,
        scope: FinalStage,
        aliases: [],
    }
}

/// Why a source path looks like a secret, if it does.
pub fn secret_kind(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    let p = p.strip_prefix("./").unwrap_or(p);
    let lower = p.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let parent = lower.rsplit('/').nth(1).unwrap_or("");
    if name.ends_with(".pub") {
        return None;
    }
    if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
        .iter()
        .any(|k| name.starts_with(k))
        || name.ends_with(".ppk")
    {
        return Some("an SSH private key");
    }
    if matches!(name, ".ssh" | ".gnupg")
        || (parent == ".ssh"
            && !matches!(
                name,
                "authorized_keys" | "authorized_keys2" | "known_hosts" | "config" | "environment"
            ))
    {
        return Some("SSH or GPG keys");
    }
    // signing keys of package repositories are public (`nodesource-repo.gpg.key`)
    let public = [
        "gpg", "pub", "sign", "repo", "release", "archive", "apt", "yum", "rpm", "asc",
    ]
    .iter()
    .any(|w| name.contains(w));
    if public {
        return None;
    }
    if name.ends_with(".key")
        || name.ends_with(".p12")
        || name.ends_with(".pfx")
        || name.ends_with(".keystore")
        || (name.ends_with(".pem") && (name.contains("key") || name.contains("priv")))
    {
        return Some("a private key");
    }
    if matches!(name, ".aws" | ".azure" | ".kube")
        || (name == "credentials" && matches!(parent, ".aws" | "gcloud"))
        || (name == "config" && matches!(parent, ".kube" | ".aws"))
        || (name == "config.json" && parent == ".docker")
        || name == ".dockercfg"
        || name == "application_default_credentials.json"
        || (name.ends_with(".json")
            && (name.contains("service-account")
                || name.contains("serviceaccount")
                || name.contains("credentials")
                || name.starts_with("client_secret")))
    {
        return Some("cloud or registry credentials");
    }
    if matches!(
        name,
        ".npmrc" | ".pypirc" | ".netrc" | "_netrc" | ".git-credentials" | ".htpasswd" | ".pgpass"
    ) {
        return Some("credentials or tokens");
    }
    if name == ".env"
        || (name.starts_with(".env.")
            && ![
                "example", "sample", "template", "dist", "defaults", "default", "tmpl", "test",
            ]
            .iter()
            .any(|s| name.ends_with(s)))
    {
        return Some("environment secrets");
    }
    None
}

impl Rule for SecretFileCopied {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let shipped = shipped_stages(sem);
        for stage in &sem.stages {
            if !shipped[stage.index] {
                continue;
            }
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
                    continue;
                }
                let (sources, _) = ins.sources_and_dest();
                for w in sources {
                    let raw = ins.word_text(w);
                    if raw.starts_with("<<") || raw.contains("://") {
                        continue;
                    }
                    let Some(kind) = secret_kind(raw) else {
                        continue;
                    };
                    ctx.report(
                        w.token.span,
                        format!("`{raw}` looks like {kind}: it stays in the image layer"),
                    )
                    .help(
                        "use `RUN --mount=type=secret` (or `--mount=type=ssh`) for what the build needs, \
                         and pass what the application needs at run time",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secret_kind;

    #[test]
    fn kinds() {
        for s in [
            "id_rsa",
            "./keys/id_ed25519",
            ".ssh/",
            "certs/server.key",
            "privkey.pem",
            "tls-key.pem",
            ".aws/credentials",
            ".npmrc",
            ".env",
            ".env.production",
            "gcp-service-account.json",
            ".docker/config.json",
        ] {
            assert!(secret_kind(s).is_some(), "{s}");
        }
        for s in [
            "id_rsa.pub",
            "cert.pem",
            "ca.pem",
            ".env.example",
            "package.json",
            "keys.txt",
            "nodesource-repo.gpg.key",
            "yarn-pubkey.gpg.key",
            ".ssh/authorized_keys",
            "config",
            "credentials.txt",
        ] {
            assert!(secret_kind(s).is_none(), "{s}");
        }
    }
}
