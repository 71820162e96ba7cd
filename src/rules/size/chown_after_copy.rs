use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::common::Cmd;
use crate::rules::paths::{
    Written, commands_with_cwd, copy_writes, resolve, shell_path, shipped_instructions,
    small_copied_files, workdirs,
};
use crate::rules::values;
use crate::semantic::Semantic;
use crate::shell::{Sep, Word};
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a recursive `chown -R` or `chmod -R` in a `RUN` over files an earlier `COPY` or
    /// `ADD` brought in (the same path or a folder above it), in the stages that end up in the
    /// final image (the final stage and the stages it is built `FROM`). Scripts and
    /// configuration files (`.sh`, `.conf`, `.yml`, `.json`, …) copied one by one are left
    /// alone: storing a few kilobytes twice costs nothing worth a finding.
    ///
    /// ## Why is this bad?
    /// A layer stores whole files: there is no "metadata only" entry in the layer format, so a
    /// file whose owner or mode changes is stored again, in full, in the `RUN`'s layer. `COPY
    /// . /app` of a 300 MB tree followed by `RUN chown -R app:app /app` ships 600 MB: 300 MB in
    /// the `COPY` layer that nobody sees any more, and the same 300 MB again with new owners.
    /// It also doubles the time to write, push and pull them.
    ///
    /// `COPY --chown=app:app` and `COPY --chmod=755` write the files with the right owner and
    /// mode the first time. `--chown` works with every builder since Docker 17.09; `--chmod`
    /// needs BuildKit (the default builder since Docker 23), and a mode other than an octal
    /// number needs the Dockerfile frontend 1.14 or newer.
    ///
    /// A `chown -R` of a folder that a later `RUN` also filled (`COPY . /app`,
    /// `RUN npm ci`, `RUN chown -R node /app`) is flagged too: do the `chown` in the `RUN` that
    /// creates the files (or run it as that user), and use `--chown` for the copied ones.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . /app
    /// RUN chown -R node:node /app
    /// USER node
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY --chown=node:node . /app
    /// USER node
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix adds `--chown=` (or `--chmod=` for an octal mode) to the `COPY` and
    /// makes the `RUN` non-recursive, or deletes it when it only changed a single copied file.
    /// The non-recursive `RUN` stays because `COPY --chown` does not change a destination
    /// folder that already exists (one made by `WORKDIR`, say): without it `/app` would stay
    /// owned by root and the app could no longer create files there. What still differs:
    /// files under the folder that the `COPY` did not bring (from the base image or an earlier
    /// instruction) keep their owner, and folders the `COPY` creates above the destination get
    /// the new owner. `chown -R user` (no group) becomes `--chown=user:0`, since copied files
    /// belong to group 0 and `chown` keeps the group.
    ///
    /// The fix is offered only when the `RUN` does nothing but `chown -R`/`chmod -R` of exactly
    /// one `COPY`'s destination, nothing but metadata instructions (`ENV`, `LABEL`, `ARG`, …)
    /// sits between them, no earlier instruction wrote into that path, and the owner uses no
    /// variable that the `COPY` cannot see.
    pub ChownAfterCopy {
        code: "DO221",
        name: "chown-after-copy",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: [],
    }
}

struct Copied {
    ins: usize,
    /// A single script or configuration file: not worth a finding on its own.
    small: bool,
    written: Written,
    chown: bool,
    chmod: bool,
}

/// A `chown -R`/`chmod -R` command: (is chown, the owner/mode word, target words).
fn recursive_change<'s, 'a>(
    c: &Cmd<'s, 'a>,
) -> Option<(bool, &'s Word<'a>, Vec<&'s Word<'a>>, &'s Word<'a>)> {
    let chown = match c.program()? {
        "chown" => true,
        "chmod" => false,
        _ => return None,
    };
    let argv = c.argv();
    let flag = argv.args().iter().find(|w| {
        w.value == "--recursive"
            || (w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('R'))
    })?;
    if argv
        .args()
        .iter()
        .any(|w| w.value.starts_with("--reference") || w.value.starts_with("--from"))
    {
        return None;
    }
    let mut pos = argv.positional();
    let spec = pos.next()?;
    let targets: Vec<&Word<'_>> = pos.collect();
    if targets.is_empty() {
        return None;
    }
    Some((chown, spec, targets, flag))
}

impl Rule for ChownAfterCopy {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        // only files with a recursive chown/chmod (found through the program index)
        let mut runs: Vec<usize> = sem
            .commands_running(&["chown", "chmod"])
            .filter(|(_, _, c)| {
                c.unwrapped().args().iter().any(|w| {
                    w.value == "--recursive"
                        || (w.value.starts_with('-')
                            && !w.value.starts_with("--")
                            && w.value.contains('R'))
                })
            })
            .map(|(i, _, _)| i)
            .collect();
        if runs.is_empty() {
            return;
        }
        runs.sort_unstable();
        let last = runs[runs.len() - 1];
        let wd = workdirs(sem);
        let order = shipped_instructions(sem);
        let mut copies: Vec<Copied> = Vec::new();
        for (pos, &i) in order.iter().enumerate() {
            let ins = sem.instructions[i];
            if i > last {
                break;
            }
            match ins.kind {
                // only the RUNs with a recursive chown/chmod, once something was copied
                Kind::Run if copies.is_empty() || runs.binary_search(&i).is_err() => {}
                Kind::Copy | Kind::Add => {
                    let chown = ins.flag("chown").is_some();
                    let chmod = ins.flag("chmod").is_some();
                    let writes = copy_writes(sem, i, wd.at(i));
                    let small = small_copied_files(sem, i, &writes);
                    for (w, small) in writes.into_iter().zip(small) {
                        copies.push(Copied {
                            ins: i,
                            written: w,
                            chown,
                            chmod,
                            small,
                        });
                    }
                }
                Kind::Run => {
                    let cmds = commands_with_cwd(sem, i, wd.at(i));
                    let mut found: Vec<(usize, Vec<usize>, String)> = Vec::new();
                    for (k, (c, cwd)) in cmds.iter().enumerate() {
                        let Some((chown, _, targets, _)) = recursive_change(c) else {
                            continue;
                        };
                        let mut hits = Vec::new();
                        let mut path = String::new();
                        for t in targets {
                            let Some(p) =
                                shell_path(sem, i, t).and_then(|p| resolve(cwd.as_deref(), &p))
                            else {
                                continue;
                            };
                            for (n, cp) in copies.iter().enumerate() {
                                let already = if chown { cp.chown } else { cp.chmod };
                                if !already
                                    && !cp.small
                                    && cp.written.hit_by(&p)
                                    && !hits.contains(&n)
                                {
                                    hits.push(n);
                                    path.clone_from(&p);
                                }
                            }
                        }
                        if !hits.is_empty() {
                            found.push((k, hits, path));
                        }
                    }
                    if found.is_empty() {
                        continue;
                    }
                    let fix = fix_for(ctx, &order[..pos], i, &cmds, &found, &copies);
                    for (k, hits, _) in &found {
                        let c = &cmds[*k].0;
                        let what = if c.program() == Some("chown") {
                            "chown -R"
                        } else {
                            "chmod -R"
                        };
                        let opt = if c.program() == Some("chown") {
                            "--chown=<user>:<group>"
                        } else {
                            "--chmod=<mode>"
                        };
                        let d = ctx.report(
                            c.span(sem, c.command.span),
                            format!(
                                "`{what}` rewrites files an earlier COPY added: each one is stored again in this layer"
                            ),
                        );
                        d.help(format!("set owner and mode when copying: `COPY {opt} …`"))
                            .set_fix(fix.clone());
                        let mut seen = Vec::new();
                        for &n in hits {
                            let ci = copies[n].ins;
                            if !seen.contains(&ci) {
                                seen.push(ci);
                                d.label(sem.instructions[ci].span, "copied here");
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Instructions that change no file: they may sit between the COPY and the RUN.
fn metadata_only(k: Kind) -> bool {
    matches!(
        k,
        Kind::Arg
            | Kind::Env
            | Kind::Label
            | Kind::Expose
            | Kind::Stopsignal
            | Kind::Healthcheck
            | Kind::Cmd
            | Kind::Entrypoint
            | Kind::Maintainer
    )
}

/// The `--chown=` value for a `chown` owner word, if it can be moved to the COPY.
fn chown_value(sem: &Semantic<'_>, copy: usize, run: usize, spec: &str) -> Option<String> {
    if spec.is_empty()
        || spec.starts_with(':')
        || spec.contains('.')
        || !spec
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:${}".contains(&b))
    {
        return None;
    }
    // variables must mean the same at the COPY
    for r in crate::syntax::vars::var_refs(spec, Span::new(0, spec.len()), '\\') {
        let name = &spec[r.name.range()];
        values::lookup(sem, copy, name)?;
        let redefined = (copy + 1..run).any(|j| {
            let l = sem.instructions[j];
            l.arg_decls().iter().any(|d| l.text_of(d.name) == name)
                || l.key_values().iter().any(|kv| l.text_of(kv.key) == name)
        });
        if redefined {
            return None;
        }
    }
    Some(match spec.split_once(':') {
        Some((user, "")) => {
            // `user:` is the user's login group, which is what `--chown=user` looks up, but
            // only for a name (a bare number gets gid = uid)
            if user.bytes().all(|b| b.is_ascii_digit()) || user.contains('$') {
                return None;
            }
            user.to_string()
        }
        Some(_) => spec.to_string(),
        // copied files belong to group 0 and `chown user` keeps the group
        None => format!("{spec}:0"),
    })
}

/// An octal mode `chmod` and `COPY --chmod` read the same way.
fn octal_mode(spec: &str) -> bool {
    (3..=4).contains(&spec.len()) && spec.bytes().all(|b| (b'0'..=b'7').contains(&b))
}

fn fix_for(
    ctx: &Context<'_>,
    before: &[usize],
    run: usize,
    cmds: &[(Cmd<'_, '_>, Option<std::rc::Rc<str>>)],
    found: &[(usize, Vec<usize>, String)],
    copies: &[Copied],
) -> Option<Fix> {
    let sem = ctx.semantic;
    // every command of the RUN is a flagged chown/chmod, joined by `&&`, at the top level
    if found.len() != cmds.len() || cmds.len() > 2 {
        return None;
    }
    let first_hits = &found[0].1;
    let path = &found[0].2;
    let copy = copies[*first_hits.first()?].ins;
    for (k, hits, p) in found {
        let c = &cmds[*k].0;
        if p != path
            || c.command.depth != 0
            || c.command.subshell
            || c.command.is_nested()
            || !matches!(c.command.sep, Sep::Start | Sep::And)
            || !c.command.redirects.is_empty()
            || hits.iter().any(|&n| copies[n].ins != copy)
        {
            return None;
        }
        let (_, _, targets, _) = recursive_change(c)?;
        if targets.len() != 1 {
            return None;
        }
    }
    // one chown and one chmod at most
    let chowns = found
        .iter()
        .filter(|(k, _, _)| cmds[*k].0.program() == Some("chown"))
        .count();
    if chowns > 1 || found.len() - chowns > 1 {
        return None;
    }
    // what the COPY wrote is the path itself or lies in it, and nothing else wrote there
    let writes: Vec<&Written> = copies
        .iter()
        .filter(|c| c.ins == copy)
        .map(|c| &c.written)
        .collect();
    if !writes.iter().any(|w| w.path() == path)
        || !writes
            .iter()
            .all(|w| crate::rules::paths::covers(path, w.path()))
        || copies
            .iter()
            .any(|c| c.ins != copy && c.written.hit_by(path))
    {
        return None;
    }
    let earlier_run_mentions = before.iter().any(|&j| {
        j < copy
            && sem.instructions[j].kind == Kind::Run
            && sem.instructions[j].text.contains(path.as_str())
    });
    if earlier_run_mentions {
        return None;
    }
    if (copy + 1..run).any(|j| !metadata_only(sem.instructions[j].kind))
        || sem.stage_of[copy] != sem.stage_of[run]
    {
        return None;
    }
    let copy_ins = sem.instructions[copy];
    let mut flags = String::new();
    let mut run_edits = Vec::new();
    for (k, _, _) in found {
        let c = &cmds[*k].0;
        let (chown, spec, _, flag) = recursive_change(c)?;
        if chown {
            let v = chown_value(sem, copy, run, &spec.value)?;
            flags.push_str(&format!(" --chown={v}"));
        } else {
            if !octal_mode(&spec.value) {
                return None;
            }
            flags.push_str(&format!(" --chmod={}", spec.value));
        }
        // the RUN keeps a non-recursive change of the folder itself
        let fspan = c.span(sem, flag.span);
        if flag.value == "-R" || flag.value == "--recursive" {
            run_edits.push(crate::rules::common::remove_arg_edit(sem, c, flag)?);
        } else {
            let at = flag.value.find('R')?;
            if fspan.len() != flag.value.len() {
                return None;
            }
            let start = fspan.start + at as u32;
            run_edits.push(Edit::delete(Span {
                start,
                end: start + 1,
            }));
        }
    }
    // a single copied file: the RUN has nothing left to do
    let single_file = writes.len() == 1
        && matches!(writes[0], Written::Exactly(p) if p == path)
        && copy_ins.sources_and_dest().0.len() == 1
        && copy_ins.sources_and_dest().0.iter().all(|w| {
            let t = copy_ins.word_text(w);
            let base = t.rsplit('/').next().unwrap_or(t);
            !t.ends_with('/')
                && !t.contains(['*', '?', '[', '$'])
                && base.contains('.')
                && !base.starts_with('.')
        });
    // after the COPY's own flags
    let at = copy_ins
        .flags
        .last()
        .map_or(copy_ins.keyword.span.end, |f| f.token.span.end);
    let mut edits = vec![Edit::insert(at, flags)];
    let title = if single_file {
        edits.push(Edit::delete(sem.instructions[run].line_span));
        "set the owner/mode in the COPY and drop the RUN"
    } else {
        edits.extend(run_edits);
        "set the owner/mode in the COPY; keep the RUN for the folder itself"
    };
    Some(Fix::unsafe_(title, edits))
}
