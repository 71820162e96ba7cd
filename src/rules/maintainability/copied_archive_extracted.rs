use crate::rule::{Context, Rule};
use crate::rules::common::commands_of;
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` of a local tar archive that a later `RUN` of the same stage unpacks with
    /// `tar -x`.
    ///
    /// ## Why is this bad?
    /// The archive is stored in the `COPY` layer and stays in the image even when the `RUN`
    /// deletes it afterwards: the image carries both the archive and its contents. `ADD
    /// app.tar.gz /opt/` unpacks a local tar archive (plain, gzip, bzip2, xz or zstd) straight
    /// into the directory, in one layer, without the archive.
    ///
    /// Only tar archives are flagged: `ADD` does not unpack zip files or single compressed
    /// files, so `unzip` and `gunzip` after a `COPY` are fine. Archives are matched by file
    /// name, within one stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3010) also flags archives handed to `unzip`, `gunzip`, `zcat` and the like,
    /// which `ADD` would not unpack, and counts any `tar` word containing `x` (even
    /// `--exclude`) as an extraction. dockopt flags only what `ADD` can replace.
    pub CopiedArchiveExtracted {
        code: "DO601",
        name: "copied-archive-extracted",
        category: Maintainability,
        severity: Info,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3010"],
    }
}

/// Names of files `ADD` unpacks: tar, optionally gzip, bzip2, xz or zstd compressed.
const TAR_EXTENSIONS: &[&str] = &[
    ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".tb2", ".xz", ".txz", ".zst", ".tzst",
];

fn basename(p: &str) -> &str {
    let p = p.trim_matches(|c| c == '"' || c == '\'');
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

fn is_tar_name(name: &str) -> bool {
    TAR_EXTENSIONS
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len())
}

/// The archive a `tar` command extracts, if it extracts one from a file (`-xzf file`,
/// `-xzffile`, `--extract --file=file`, or old-style `xzf file` as the first argument).
fn extracted_file<'a>(args: &'a [crate::shell::Word<'_>]) -> Option<&'a str> {
    let mut extract = false;
    let mut file: Option<&str> = None;
    for (k, w) in args.iter().enumerate() {
        let v: &str = &w.value;
        let next = args.get(k + 1).map(|n| &*n.value);
        let cluster = if v == "--extract" || v == "--get" {
            extract = true;
            continue;
        } else if let Some(f) = v.strip_prefix("--file=") {
            file = Some(f);
            continue;
        } else if v == "--file" {
            file = next;
            continue;
        } else if v.starts_with("--") {
            continue;
        } else if let Some(c) = v.strip_prefix('-') {
            c
        } else if k == 0 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
            v
        } else {
            continue;
        };
        for (pos, c) in cluster.char_indices() {
            match c {
                'x' => extract = true,
                'f' => {
                    let rest = &cluster[pos + 1..];
                    file = if rest.is_empty() { next } else { Some(rest) };
                    break;
                }
                c if c.is_ascii_alphabetic() => {}
                _ => break,
            }
        }
    }
    file.filter(|_| extract)
}

impl Rule for CopiedArchiveExtracted {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            // (archive name, COPY span, reported)
            let mut archives: Vec<(&str, Span, bool)> = Vec::new();
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                match ins.kind {
                    Kind::Copy if ins.flag("from").is_none() && ins.heredocs.is_empty() => {
                        let (sources, Some(dest)) = ins.sources_and_dest() else {
                            continue;
                        };
                        let d = basename(ins.word_text(dest));
                        if is_tar_name(d) {
                            archives.push((d, ins.span, false));
                            continue;
                        }
                        for s in sources {
                            let raw = ins.word_text(s);
                            let b = basename(raw);
                            if !raw.contains(['$', '*', '?', '[']) && is_tar_name(b) {
                                archives.push((b, ins.span, false));
                            }
                        }
                    }
                    Kind::Run if !archives.is_empty() => {
                        for cmd in commands_of(sem, i) {
                            if cmd.program() != Some("tar") {
                                continue;
                            }
                            let argv = cmd.argv();
                            let Some(file) = extracted_file(argv.words.get(1..).unwrap_or(&[]))
                            else {
                                continue;
                            };
                            let name = basename(file);
                            for a in archives.iter_mut().filter(|a| !a.2 && a.0 == name) {
                                a.2 = true;
                                let run_span = ins.span;
                                ctx.report(
                                    a.1,
                                    format!("`{}` is copied, then unpacked by a later `RUN`: the archive stays in this layer", a.0),
                                )
                                .help(format!(
                                    "`ADD {} <dir>/` unpacks a local tar archive in one step, without keeping it",
                                    a.0
                                ))
                                .label(run_span, "unpacked here");
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::extracted_file;
    use crate::shell;

    fn file(cmd: &str) -> Option<String> {
        let s = shell::parse(cmd);
        let c = &s.commands[0];
        extracted_file(&c.words[1..]).map(str::to_string)
    }

    #[test]
    fn tar_extractions() {
        assert_eq!(
            file("tar -xzf /tmp/a.tgz -C /opt").as_deref(),
            Some("/tmp/a.tgz")
        );
        assert_eq!(file("tar xzf a.tar.gz").as_deref(), Some("a.tar.gz"));
        assert_eq!(file("tar --extract --file=a.tar").as_deref(), Some("a.tar"));
        assert_eq!(file("tar -x -f a.tar").as_deref(), Some("a.tar"));
        assert_eq!(file("tar -czf a.tgz dir"), None);
        assert_eq!(file("tar --exclude=x -cf a.tar dir"), None);
    }
}
