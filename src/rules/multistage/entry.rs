//! The command an image runs: its `ENTRYPOINT` and `CMD`, read as argument lists.

use crate::data::BuildEcosystem;
use crate::semantic::Semantic;
use crate::shell;
use crate::syntax::{Command, Instruction, Kind};

use super::argv_has;

/// The command of a stage (its last `ENTRYPOINT` and `CMD`).
#[derive(Debug, Default)]
pub struct EntryCommand {
    /// The commands it runs: the exec-form words with init wrappers (`tini --`) removed, or the
    /// commands of a shell-form text or of a `sh -c` script.
    pub argvs: Vec<Vec<String>>,
    /// The exec-form words as written (ENTRYPOINT then CMD), when both are exec form.
    pub words: Vec<String>,
    /// Some part is shell form (run by `/bin/sh -c`).
    pub shell_form: bool,
    /// Instruction indexes.
    pub entrypoint: Option<usize>,
    pub cmd: Option<usize>,
}

/// Programs that only start another one (`tini -- app`).
const INIT_WRAPPERS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit", "exec"];
/// Shells that run a `-c` script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];
/// A command that is only an interactive shell or interpreter (a development image).
const INTERACTIVE: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "fish", "python", "python3", "node", "irb", "jshell",
    "pwsh", "ipython",
];

impl EntryCommand {
    pub fn of(sem: &Semantic<'_>, stage: usize) -> EntryCommand {
        let s = &sem.stages[stage];
        let mut out = EntryCommand::default();
        for i in sem.body(s) {
            match sem.instructions[i].kind {
                Kind::Entrypoint => out.entrypoint = Some(i),
                Kind::Cmd => out.cmd = Some(i),
                _ => {}
            }
        }
        let ep = out.entrypoint.map(|i| sem.instructions[i]);
        let cmd = out.cmd.map(|i| sem.instructions[i]);
        let mut words: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        match (
            ep.and_then(Instruction::command),
            cmd.and_then(Instruction::command),
        ) {
            (Some(Command::Shell(t)), _) => texts.push(ep.map_or("", |e| e.text_of(*t)).into()),
            (Some(Command::Exec { items, .. }), c) => {
                words.extend(items.iter().map(|x| x.value.to_string()));
                match c {
                    Some(Command::Exec { items, .. }) => {
                        words.extend(items.iter().map(|x| x.value.to_string()))
                    }
                    Some(Command::Shell(t)) => {
                        out.shell_form = true;
                        words.extend(["/bin/sh".into(), "-c".into()]);
                        words.push(cmd.map_or("", |c| c.text_of(*t)).into());
                    }
                    None => {}
                }
            }
            (None, Some(Command::Shell(t))) => texts.push(cmd.map_or("", |c| c.text_of(*t)).into()),
            (None, Some(Command::Exec { items, .. })) => {
                words.extend(items.iter().map(|x| x.value.to_string()))
            }
            (None, None) => {}
        }
        if !texts.is_empty() {
            out.shell_form = true;
            for t in &texts {
                out.argvs.extend(script_argvs(t));
            }
        } else if !words.is_empty() {
            out.argvs = exec_argvs(&words);
            out.words = words;
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.entrypoint.is_none() && self.cmd.is_none()
    }

    /// The image needs the toolchain to run (`go run`, `npm run dev`), or only opens a shell.
    pub fn is_dev(&self, eco: &BuildEcosystem) -> bool {
        if self.words.len() == 1 && INTERACTIVE.contains(&shell::basename(&self.words[0])) {
            return true;
        }
        self.argvs.iter().any(|a| {
            let w: Vec<&str> = a.iter().map(String::as_str).collect();
            eco.dev.iter().any(|p| argv_has(&w, p))
                || (w.len() == 1 && INTERACTIVE.contains(&shell::basename(w[0])))
                || matches!(
                    (w.first().map(|x| shell::basename(x)), w.get(1).copied()),
                    (Some("sleep"), Some("infinity")) | (Some("tail"), Some("-f"))
                )
        })
    }

    /// The programs it runs (first word of each command).
    pub fn programs(&self) -> impl Iterator<Item = &str> {
        self.argvs
            .iter()
            .filter_map(|a| a.first().map(String::as_str))
    }
}

/// The commands of a shell script, each with wrappers (`exec`, `sudo`, `env`) removed.
pub fn script_argvs(text: &str) -> Vec<Vec<String>> {
    let script = shell::parse(text);
    script
        .commands
        .iter()
        .map(|c| {
            c.unwrap_wrappers()
                .iter()
                .map(|w| w.value.to_string())
                .collect::<Vec<_>>()
        })
        .filter(|a: &Vec<String>| {
            // the shell that runs a nested `-c` script is not a command of its own
            !(a.is_empty()
                || (SHELLS.contains(&shell::basename(&a[0])) && a.iter().any(|x| x == "-c")))
        })
        .collect()
}

/// The commands an exec-form argv runs: init wrappers skipped, `sh -c` scripts parsed.
pub fn exec_argvs(words: &[String]) -> Vec<Vec<String>> {
    let mut rest = words;
    loop {
        let Some(first) = rest.first() else {
            return Vec::new();
        };
        let name = shell::basename(first);
        if INIT_WRAPPERS.contains(&name) {
            rest = &rest[1..];
            // their options, then an optional `--`
            while rest.first().is_some_and(|w| w.starts_with('-')) {
                let dashdash = rest[0] == "--";
                rest = &rest[1..];
                if dashdash {
                    break;
                }
            }
            continue;
        }
        if matches!(name, "gosu" | "su-exec") && rest.len() > 2 {
            rest = &rest[2..];
            continue;
        }
        if SHELLS.contains(&name)
            && let Some(at) = rest.iter().position(|w| w == "-c")
            && let Some(script) = rest.get(at + 1)
        {
            return script_argvs(script);
        }
        return vec![rest.to_vec()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unwraps() {
        assert_eq!(
            exec_argvs(&v(&["/usr/bin/tini", "--", "node", "server.js"])),
            vec![v(&["node", "server.js"])]
        );
        assert_eq!(
            exec_argvs(&v(&["sh", "-c", "./migrate && exec ./server --port 80"])),
            vec![v(&["./migrate"]), v(&["./server", "--port", "80"])]
        );
        assert_eq!(
            script_argvs("java -jar app.jar"),
            vec![v(&["java", "-jar", "app.jar"])]
        );
    }
}
