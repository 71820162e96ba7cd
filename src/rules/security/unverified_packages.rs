use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_in, remove_arg_edit};
use crate::shell::Word;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags package installs that skip signature checks: `apk --allow-untrusted`,
    /// `apt-get --allow-unauthenticated`, `--force-yes` or `--allow-insecure-repositories`
    /// (and their `-o APT::…` forms, or `[trusted=yes]` sources), `yum`/`dnf`/`tdnf`/`microdnf`
    /// `--nogpgcheck` or `gpgcheck=0`, `rpm --nosignature`/`--nodigest`/`--noverify`/
    /// `--nofiledigest`, and `zypper --no-gpg-checks`.
    ///
    /// ## Why is this bad?
    /// Package signatures are what ties a package to its publisher; repositories are often
    /// plain HTTP mirrors. Without the check, a mirror or anyone on the path can hand the
    /// build a modified package that then runs as root. A failing check usually means a
    /// missing key: import it (`apt-key`/`signed-by=`, `rpm --import`).
    ///
    /// Looks at every stage. Local repositories (`deb [trusted=yes] file:/…`, a `.repo` with a
    /// `file://` base URL) and `apk index` are not flagged: they serve packages the build made
    /// itself.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache --allow-untrusted /tmp/tool.apk
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY tool-signer.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache /tmp/tool.apk
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, for the command-line options only: the option is removed (`--force-yes`
    /// becomes `-y` when the command has no `-y`), so an install of an unsigned package
    /// fails until its key is imported.
    pub UnverifiedPackages {
        code: "DO405",
        name: "unverified-packages",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: [
            "checkov:CKV2_DOCKER_7",
            "checkov:CKV2_DOCKER_8",
            "checkov:CKV2_DOCKER_9",
            "checkov:CKV2_DOCKER_10",
            "checkov:CKV2_DOCKER_11",
        ],
    }
}

/// The message for a configuration line (it is not an option of the command).
const CONFIG: &str = "this writes a setting that turns package signature checks off";

struct Hit<'s, 'a> {
    word: &'s Word<'a>,
    what: String,
    fix: Option<Edit>,
}

fn falsy(v: &str) -> bool {
    matches!(
        v.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// Text that writes a "no signature check" setting into a configuration file.
fn disabling_config(text: &str) -> bool {
    use crate::rules::common::contains_ci;
    if !["gpgcheck", "trusted", "allow", "siglevel"]
        .iter()
        .any(|n| contains_ci(text, n))
    {
        return false;
    }
    let t: String = text
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // a local repository of packages built in this build (`deb [trusted=yes] file:/…`)
    if t.contains("file:/") {
        return false;
    }
    t.contains("gpgcheck=0")
        || t.contains("gpgcheck=false")
        || t.contains("gpgcheck=no")
        || t.contains("[trusted=yes]")
        || t.contains("trusted=yes]")
        || t.contains("allowunauthenticated\"true\"")
        || t.contains("allowunauthenticated\"1\"")
        || t.contains("allowinsecurerepositories\"true\"")
        || t.contains("siglevel=never")
}

fn check_cmd<'s, 'a>(ctx: &Context<'_>, cmd: &Cmd<'s, 'a>, out: &mut Vec<Hit<'s, 'a>>) {
    let sem = ctx.semantic;
    let Some(prog) = cmd.program() else { return };
    if !matches!(
        prog,
        "apk"
            | "apt-get"
            | "apt"
            | "aptitude"
            | "yum"
            | "dnf"
            | "tdnf"
            | "microdnf"
            | "dnf-3"
            | "yum-config-manager"
            | "rpm"
            | "zypper"
            | "echo"
            | "printf"
            | "sed"
    ) {
        return;
    }
    let argv = cmd.argv();
    let args: Vec<&'s Word<'a>> = argv.args().iter().take_while(|w| w.value != "--").collect();
    let mut flag =
        |w: &'s Word<'a>, what: String, fix: Option<Edit>| out.push(Hit { word: w, what, fix });
    match prog {
        // `apk index --allow-untrusted` indexes local packages; it installs nothing
        "apk" if argv.subcommand() != Some("index") => {
            for w in &args {
                if w.value == "--allow-untrusted" {
                    flag(
                        w,
                        "`apk --allow-untrusted`".into(),
                        remove_arg_edit(sem, cmd, w),
                    );
                }
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            let has_yes =
                argv.has_flag(Some('y'), Some("yes")) || argv.has_flag(None, Some("assume-yes"));
            for (i, w) in args.iter().enumerate() {
                let v: &str = &w.value;
                match v {
                    "--allow-unauthenticated" | "--allow-insecure-repositories" => {
                        flag(w, format!("`{prog} {v}`"), remove_arg_edit(sem, cmd, w));
                    }
                    "--force-yes" => {
                        let fix = if has_yes {
                            remove_arg_edit(sem, cmd, w)
                        } else if !cmd.command.is_nested() {
                            Some(Edit::replace(cmd.span(sem, w.span), "-y"))
                        } else {
                            None
                        };
                        flag(w, format!("`{prog} --force-yes`"), fix);
                    }
                    _ => {
                        // -o APT::Get::AllowUnauthenticated=true, -oAcquire::AllowInsecureRepositories=1
                        let opt = if v == "-o" {
                            args.get(i + 1).map(|n| n.value.to_string())
                        } else {
                            v.strip_prefix("-o")
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                        };
                        if let Some(o) = opt
                            && let Some((k, val)) = o.split_once('=')
                        {
                            let k = k.to_ascii_lowercase();
                            if (k.ends_with("allowunauthenticated")
                                || k.ends_with("allowinsecurerepositories")
                                || k.ends_with("allowdowngradetoinsecurerepositories"))
                                && truthy(val)
                            {
                                flag(w, format!("`{prog} -o {o}`"), None);
                            }
                        }
                    }
                }
            }
        }
        "yum" | "dnf" | "tdnf" | "microdnf" | "dnf-3" | "yum-config-manager" => {
            for (i, w) in args.iter().enumerate() {
                let v: &str = &w.value;
                if v == "--nogpgcheck" || v == "--no-gpgchecks" {
                    flag(w, format!("`{prog} {v}`"), remove_arg_edit(sem, cmd, w));
                    continue;
                }
                let (setting, attached) = match v.strip_prefix("--setopt=") {
                    Some(s) => (Some(s.to_string()), true),
                    None if v == "--setopt" => {
                        (args.get(i + 1).map(|n| n.value.to_string()), false)
                    }
                    None => (None, false),
                };
                if let Some(s) = setting
                    && let Some((k, val)) = s.split_once('=')
                    && k.to_ascii_lowercase().ends_with("gpgcheck")
                    && falsy(val)
                {
                    let fix = if attached {
                        remove_arg_edit(sem, cmd, w)
                    } else {
                        None
                    };
                    flag(w, format!("`{prog} --setopt={s}`"), fix);
                }
            }
        }
        "rpm" => {
            for w in &args {
                let v: &str = &w.value;
                if matches!(
                    v,
                    "--nosignature" | "--nodigest" | "--noverify" | "--nofiledigest"
                ) {
                    flag(w, format!("`rpm {v}`"), remove_arg_edit(sem, cmd, w));
                }
            }
        }
        "zypper" => {
            for w in &args {
                let v: &str = &w.value;
                if v == "--no-gpg-checks" || v == "--no-gpg-check" {
                    flag(w, format!("`zypper {v}`"), remove_arg_edit(sem, cmd, w));
                }
            }
        }
        "echo" | "printf" | "sed" => {
            for w in &args {
                if disabling_config(&w.value) {
                    flag(w, CONFIG.into(), None);
                }
            }
        }
        _ => {}
    }
}

impl Rule for UnverifiedPackages {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let mut hits = Vec::new();
        for cmd in commands_in(sem, 0..sem.instructions.len()) {
            check_cmd(ctx, &cmd, &mut hits);
            for h in hits.drain(..) {
                let fix = h.fix.map(|e| {
                    let title = if e.content.is_empty() {
                        "remove the option"
                    } else {
                        "replace it with `-y`"
                    };
                    Fix::unsafe_(title, vec![e])
                });
                let msg = if h.what == CONFIG {
                    h.what
                } else {
                    format!(
                        "{} installs packages without checking their signatures",
                        h.what
                    )
                };
                ctx.report_fix(
                    cmd.span(sem, h.word.span),
                    msg,
                    "keep signature checks on and import the repository's key instead",
                    fix,
                );
            }
        }
    }
}
