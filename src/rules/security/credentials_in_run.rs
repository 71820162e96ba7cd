use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_in};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `RUN` commands that put credentials into the build: a password written in a URL
    /// (`https://user:s3cret@host/…`), `docker login -p`, `az login -p`,
    /// `aws configure set aws_secret_access_key …` (and the other AWS keys),
    /// `gcloud auth activate-service-account`, and `npm config set …:_authToken …`.
    ///
    /// ## Why is this bad?
    /// A password written in the Dockerfile is in the image history for anyone who can pull
    /// it. The login commands also store what they are given in a file of the layer
    /// (`~/.aws/credentials`, `~/.docker/config.json`, `~/.config/gcloud`, `~/.npmrc`), where
    /// it stays even when a later `RUN` deletes it. Use `RUN --mount=type=secret` and read the
    /// secret in the same command that needs it, without saving it.
    ///
    /// A URL whose password is a variable (`https://oauth2:${TOKEN}@…`) is not flagged: where
    /// the variable comes from decides (a secret mount is fine, an `ARG` is not). Looks at
    /// every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY" \
    ///     && aws s3 cp s3://bucket/app.tar.gz /tmp/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \
    ///     aws s3 cp s3://bucket/app.tar.gz /tmp/
    /// ```
    pub CredentialsInRun {
        code: "DO409",
        name: "credentials-in-run",
        category: Security,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["trivy:DS031"],
    }
}

/// The password of a `scheme://user:password@host` URL inside `text`, when written literally.
fn url_password(text: &str) -> Option<&str> {
    if !text.contains('@') {
        return None;
    }
    let rest = &text[text.find("://")? + 3..];
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, pass) = userinfo.split_once(':')?;
    (!pass.is_empty() && !pass.contains('$') && !pass.starts_with('*')).then_some(pass)
}

fn finding(cmd: &Cmd<'_, '_>) -> Option<String> {
    let prog = cmd.program()?;
    let argv = cmd.argv();
    let args = argv.args();
    let url = || {
        args.iter()
            .find_map(|w| url_password(&w.value))
            .map(|_| "a password is written in this URL".to_string())
    };
    if !matches!(
        prog,
        "aws"
            | "gcloud"
            | "docker"
            | "podman"
            | "buildah"
            | "skopeo"
            | "helm"
            | "oras"
            | "crane"
            | "az"
            | "npm"
            | "yarn"
            | "pnpm"
    ) {
        return url();
    }
    let pos: Vec<&str> = argv.positional().map(|w| &*w.value).collect();
    match prog {
        "aws" if pos.len() >= 3 && pos[0] == "configure" && pos[1] == "set" => {
            let key = pos[2].rsplit('.').next().unwrap_or(pos[2]);
            matches!(key, "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token")
                .then(|| format!("`aws configure set {key}` saves the key in `~/.aws/credentials` in the layer"))
        }
        "gcloud"
            if pos.len() >= 2 && pos[0] == "auth" && pos[1] == "activate-service-account" =>
        {
            Some("`gcloud auth activate-service-account` saves the account's key in the layer".into())
        }
        "docker" | "podman" | "buildah" | "skopeo" | "helm" | "oras" | "crane"
            if pos.first() == Some(&"login") || pos.get(1) == Some(&"login") =>
        {
            argv.flag_value(Some('p'), Some("password"))
                .map(|_| format!("`{prog} login -p` puts the password on the command line and saves it in the layer"))
        }
        "az" if pos.first() == Some(&"login") => argv
            .flag_value(Some('p'), Some("password"))
            .map(|_| "`az login -p` puts the secret on the command line and saves the session in the layer".into()),
        "npm" | "yarn" | "pnpm"
            if pos.contains(&"set")
                && pos.iter().any(|p| {
                    let k = p.split('=').next().unwrap_or(p);
                    k.ends_with("_authToken") || k.ends_with(":_auth") || k.ends_with(":_password")
                }) =>
        {
            Some(format!("`{prog} config set …_authToken` saves the token in `.npmrc` in the layer"))
        }
        _ => url(),
    }
}

impl Rule for CredentialsInRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for cmd in commands_in(sem, 0..sem.instructions.len()) {
            let Some(msg) = finding(&cmd) else { continue };
            ctx.report(cmd.span(sem, cmd.command.span), msg).help(
                "read credentials from `RUN --mount=type=secret` in the command that needs them, without saving them",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::url_password;

    #[test]
    fn urls() {
        assert_eq!(
            url_password("https://bob:s3cret@example.com/x"),
            Some("s3cret")
        );
        assert_eq!(url_password("https://oauth2:${TOKEN}@gitlab.com/x"), None);
        assert_eq!(url_password("https://example.com/a:b@c"), None);
        assert_eq!(url_password("https://token@github.com/x"), None);
        assert_eq!(url_password("git@github.com:x/y.git"), None);
    }
}
