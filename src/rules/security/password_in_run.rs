use crate::rule::{Context, Rule};
use crate::rules::common::{Cmd, commands_in};
use crate::shell::Sep;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `RUN` commands that set or remove account passwords: `chpasswd`,
    /// `echo … | passwd`, `passwd --stdin`, `passwd -d`, `useradd`/`usermod -p <hash>`,
    /// and `htpasswd -b` with the password on the command line.
    ///
    /// ## Why is this bad?
    /// The password (or its hash) is written in the Dockerfile and in the image history, so
    /// everyone who can pull the image can read it, and every container of the image shares
    /// it. An empty password (`passwd -d`) lets anyone log in. Give users no password
    /// (`useradd` without `-p`, login disabled) and pass credentials at run time as secrets.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN useradd -m app && echo "app:s3cret" | chpasswd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN useradd -m app
    /// ```
    pub PasswordInRun {
        code: "DO407",
        name: "password-in-run",
        category: Security,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["checkov:CKV2_DOCKER_17"],
    }
}

/// Values of `-p` that lock an account rather than set a password.
const LOCKED: &[&str] = &["*", "!", "!!", "x", ""];

fn finding(cmd: &Cmd<'_, '_>, piped_in: bool) -> Option<&'static str> {
    let prog = cmd.program()?;
    let argv = cmd.argv();
    match prog {
        "chpasswd" => Some("`chpasswd` sets a password written in the build"),
        "passwd" => {
            if argv.has_flag(Some('d'), Some("delete")) {
                Some("`passwd -d` leaves the account without a password")
            } else if argv.has_flag(None, Some("stdin")) || piped_in {
                Some("`passwd` sets a password written in the build")
            } else {
                None
            }
        }
        "useradd" | "usermod" | "adduser" => {
            let v = argv.flag_value(Some('p'), Some("password"))?;
            (!LOCKED.contains(&&*v.value)).then_some("a password hash is given on the command line")
        }
        "htpasswd" => argv
            .args()
            .iter()
            .any(|w| {
                w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('b')
            })
            .then_some("`htpasswd -b` takes the password on the command line"),
        _ => None,
    }
}

impl Rule for PasswordInRun {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let cmds: Vec<Cmd<'_, '_>> = commands_in(sem, 0..sem.instructions.len()).collect();
        for (k, cmd) in cmds.iter().enumerate() {
            // `echo … | passwd`: fed by a command of the same pipeline
            let piped_in = cmd.command.sep == Sep::Pipe
                && k > 0
                && cmds[k - 1].index == cmd.index
                && matches!(cmds[k - 1].program(), Some("echo" | "printf" | "cat"));
            let Some(what) = finding(cmd, piped_in) else {
                continue;
            };
            ctx.report(cmd.span(sem, cmd.command.span), what.to_string())
                .help("do not bake passwords into images; create users without one and pass credentials at run time (secrets)");
        }
    }
}
