use std::borrow::Cow;

use super::*;

/// Each command's argv values joined by spaces.
fn argvs(text: &str) -> Vec<String> {
    parse(text)
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| w.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// One line per command: flags, depth, sep, pipeline id and argv.
fn outline(text: &str) -> Vec<String> {
    parse(text)
        .iter()
        .map(|c| {
            let mut flags = String::new();
            for (on, f) in [
                (c.subshell, 's'),
                (c.substitution, '$'),
                (c.condition, 'c'),
                (c.negated, '!'),
                (c.function, 'f'),
                (c.nested_in.is_some(), 'n'),
            ] {
                if on {
                    flags.push(f);
                }
            }
            let argv: Vec<&str> = c.words.iter().map(|w| w.as_str()).collect();
            format!(
                "{}{:?} p{} {}{}",
                c.depth,
                c.sep,
                c.pipeline,
                if flags.is_empty() {
                    String::new()
                } else {
                    format!("[{flags}] ")
                },
                argv.join(" ")
            )
        })
        .collect()
}

fn raw<'t>(text: &'t str, w: &Word) -> &'t str {
    &text[w.span.range()]
}

// ---- words -------------------------------------------------------------------------------------

#[test]
fn plain_words_borrow_and_have_exact_spans() {
    let t = "apt-get install -y curl";
    let s = parse(t);
    assert_eq!(s.len(), 1);
    let c = &s.commands[0];
    let raws: Vec<&str> = c.words.iter().map(|w| raw(t, w)).collect();
    assert_eq!(raws, ["apt-get", "install", "-y", "curl"]);
    for w in &c.words {
        assert!(matches!(w.value, Cow::Borrowed(_)));
        assert!(w.literal && !w.quoted);
    }
    assert_eq!(c.span.text(t), t);
    assert_eq!(c.sep, Sep::Start);
}

#[test]
fn quotes_are_removed_and_spans_keep_them() {
    let t = r#"echo 'a b' "c d" e'f'g "x\"y" "\q" \$HOME ''"#;
    let c = &parse(t).commands[0];
    let vals: Vec<&str> = c.words.iter().map(|w| w.as_str()).collect();
    assert_eq!(
        vals,
        ["echo", "a b", "c d", "efg", "x\"y", "\\q", "$HOME", ""]
    );
    let raws: Vec<&str> = c.words.iter().map(|w| raw(t, w)).collect();
    assert_eq!(
        raws,
        [
            "echo",
            "'a b'",
            "\"c d\"",
            "e'f'g",
            r#""x\"y""#,
            r#""\q""#,
            r"\$HOME",
            "''"
        ]
    );
    // Single-piece quoted values borrow the inside of the quotes.
    assert!(matches!(c.words[1].value, Cow::Borrowed(_)));
    assert!(matches!(c.words[2].value, Cow::Borrowed(_)));
    assert!(matches!(c.words[3].value, Cow::Owned(_)));
    assert!(c.words[1].quoted && c.words[6].quoted && !c.words[0].quoted);
    // An escaped `$` is literal.
    assert!(c.words[6].literal);
}

#[test]
fn double_quote_escapes() {
    let t = r#"printf "a\\b \$x \`y\` \n""#;
    let c = &parse(t).commands[0];
    assert_eq!(c.words[1].value, r"a\b $x `y` \n");
    assert!(c.words[1].literal);
}

#[test]
fn line_continuation_is_removed() {
    let t = "apt-get install \\\n  curl cu\\\nrl";
    let c = &parse(t).commands[0];
    let vals: Vec<&str> = c.words.iter().map(|w| w.as_str()).collect();
    assert_eq!(vals, ["apt-get", "install", "curl", "curl"]);
    assert_eq!(raw(t, &c.words[3]), "cu\\\nrl");
}

#[test]
fn ansi_c_strings() {
    let t = r"echo $'a\tb\n\x41\101\u00e9\'' $'\q'";
    let c = &parse(t).commands[0];
    assert_eq!(c.words[1].value, "a\tb\nAAé'");
    assert!(c.words[1].quoted && c.words[1].literal);
    assert_eq!(c.words[2].value, r"\q");
    assert_eq!(raw(t, &c.words[1]), r"$'a\tb\n\x41\101\u00e9\''");
}

#[test]
fn expansions_are_kept_verbatim() {
    let t = r#"echo $HOME "$HOME" ${A:-"x y"} $(date +%s) `id -u` $((1 + 2)) $1 $@ $"loc" a$ "$""#;
    let s = parse(t);
    let c = &s.commands[0];
    let vals: Vec<&str> = c.words.iter().map(|w| w.as_str()).collect();
    assert_eq!(
        vals,
        [
            "echo",
            "$HOME",
            "$HOME",
            r#"${A:-"x y"}"#,
            "$(date +%s)",
            "`id -u`",
            "$((1 + 2))",
            "$1",
            "$@",
            "loc",
            "a$",
            "$"
        ]
    );
    let literal: Vec<bool> = c.words.iter().map(|w| w.literal).collect();
    assert_eq!(
        literal,
        [
            true, false, false, false, false, false, false, false, false, true, true, true
        ]
    );
    // `"$HOME"` borrows `$HOME` from inside the quotes.
    assert!(matches!(c.words[2].value, Cow::Borrowed(_)));
}

#[test]
fn globs_tilde_and_braces_are_not_literal() {
    let t = "ls *.txt a? [ab] [ ] '*' \\* ~/x a~b {a,b} {1..3} {} x=1";
    let c = &parse(t).commands[0];
    let lit: Vec<(&str, bool)> = c.words[1..]
        .iter()
        .map(|w| (raw(t, w), w.literal))
        .collect();
    assert_eq!(
        lit,
        [
            ("*.txt", false),
            ("a?", false),
            ("[ab]", false),
            ("[", true),
            ("]", true),
            ("'*'", true),
            ("\\*", true),
            ("~/x", false),
            ("a~b", true),
            ("{a,b}", false),
            ("{1..3}", false),
            ("{}", true),
            ("x=1", true),
        ]
    );
}

#[test]
fn words_end_at_operators() {
    assert_eq!(argvs("a&&b||c;d|e&f"), ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(argvs("echo a>b"), ["echo a"]);
}

#[test]
fn comments() {
    let t = "echo a # not an arg && rm -rf /\necho b#c";
    assert_eq!(argvs(t), ["echo a", "echo b#c"]);
    assert_eq!(argvs("# only a comment"), Vec::<String>::new());
    assert_eq!(argvs("echo $# ${#x}"), ["echo $# ${#x}"]);
}

// ---- lists and pipelines -----------------------------------------------------------------------

#[test]
fn separators_and_pipelines() {
    let t = "a && b || c; d | e |& f & g\nh";
    let s = parse(t);
    let seps: Vec<Sep> = s.iter().map(|c| c.sep).collect();
    use Sep::*;
    assert_eq!(seps, [Start, And, Or, Seq, Pipe, Pipe, Background, Seq]);
    let ids: Vec<u32> = s.iter().map(|c| c.pipeline).collect();
    assert_eq!(ids[3], ids[4]);
    assert_eq!(ids[4], ids[5]);
    let mut distinct = vec![ids[0], ids[1], ids[2], ids[3], ids[6], ids[7]];
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{ids:?}");
}

#[test]
fn newlines_after_and_or_keep_the_operator() {
    let t = "a &&\n  b ||\n\n c |\n d";
    let seps: Vec<Sep> = parse(t).iter().map(|c| c.sep).collect();
    assert_eq!(seps, [Sep::Start, Sep::And, Sep::Or, Sep::Pipe]);
}

#[test]
fn assignments_and_redirects() {
    let t = "FOO=bar B+=1 A[2]=x env >out 2>&1 <in 3<>f &>>log cat <<<str >|clob";
    let c = &parse(t).commands[0];
    let asg: Vec<&str> = c.assignments.iter().map(|w| raw(t, w)).collect();
    assert_eq!(asg, ["FOO=bar", "B+=1", "A[2]=x"]);
    assert_eq!(argvs(t), ["env cat"]);
    let r: Vec<(&str, Option<&str>, &str)> = c
        .redirects
        .iter()
        .map(|r| (r.op, r.target.as_ref().map(|w| w.as_str()), r.span.text(t)))
        .collect();
    assert_eq!(
        r,
        [
            (">", Some("out"), ">out"),
            ("2>&", Some("1"), "2>&1"),
            ("<", Some("in"), "<in"),
            ("3<>", Some("f"), "3<>f"),
            ("&>>", Some("log"), "&>>log"),
            ("<<<", Some("str"), "<<<str"),
            (">|", Some("clob"), ">|clob"),
        ]
    );
    assert_eq!(c.redirects[1].fd(), Some(2));
    assert_eq!(c.redirects[1].operator(), ">&");
    assert_eq!(c.span.text(t), t);
}

#[test]
fn bare_assignment_and_bare_redirect() {
    let s = parse("X=1; > file; Y=$(id -u)");
    assert_eq!(s.len(), 4);
    assert!(s.commands[0].words.is_empty() && s.commands[0].assignments.len() == 1);
    assert!(s.commands[1].words.is_empty() && s.commands[1].redirects.len() == 1);
    assert_eq!(s.commands[2].assignments[0].value, "Y=$(id -u)");
    assert_eq!(argvs("X=1; > file; Y=$(id -u)")[3], "id -u");
    // After the command name, `a=b` is an argument.
    let c = &parse("make CC=gcc").commands[0];
    assert_eq!(c.words.len(), 2);
    assert!(c.assignments.is_empty());
}

#[test]
fn bash_arrays() {
    let t = "a=(one \"two three\" $(seq 2)) && echo ${a[@]}";
    let s = parse(t);
    assert_eq!(
        raw(t, &s.commands[0].assignments[0]),
        "a=(one \"two three\" $(seq 2))"
    );
    assert_eq!(argvs(t), ["", "seq 2", "echo ${a[@]}"]);
    assert_eq!(s.commands[2].sep, Sep::And);
}

#[test]
fn dup_and_read_write_redirections() {
    let t = "exec 3<&0 4>&- 5<>/dev/tcp/x/80 <&3";
    let c = &parse(t).commands[0];
    let r: Vec<(&str, &str)> = c
        .redirects
        .iter()
        .map(|r| (r.op, r.target.as_ref().unwrap().as_str()))
        .collect();
    assert_eq!(
        r,
        [
            ("3<&", "0"),
            ("4>&", "-"),
            ("5<>", "/dev/tcp/x/80"),
            ("<&", "3")
        ]
    );
    assert_eq!(argvs(t), ["exec"]);
}

#[test]
fn fd_digits_only_before_redirection() {
    let t = "echo 2 2>x 10>y";
    let c = &parse(t).commands[0];
    assert_eq!(c.words.len(), 2);
    assert_eq!(c.redirects[0].op, "2>");
    assert_eq!(c.redirects[1].op, "10>");
    assert_eq!(c.redirects[1].fd(), Some(10));
}

// ---- compound commands -------------------------------------------------------------------------

#[test]
fn subshells_groups_and_substitutions() {
    let t = "a && (b; c) | { d; } ; echo $(e | f) `g`";
    assert_eq!(
        outline(t),
        [
            "0Start p0 a",
            "1And p1 [s] b",
            "1Seq p2 [s] c",
            "1Pipe p1 d",
            "0Seq p3 echo $(e | f) `g`",
            "1Start p4 [s$] e",
            "1Pipe p4 [s$] f",
            "1Start p5 [s$] g",
        ]
    );
    let s = parse(t);
    assert_eq!(s.commands[5].span.text(t), "e");
    assert_eq!(s.commands[7].span.text(t), "g");
}

#[test]
fn nested_substitutions_in_quotes_and_params() {
    let t = r#"echo "$(basename "$(pwd)")" ${X:-$(id)} "${Y:-`whoami`}""#;
    assert_eq!(
        argvs(t),
        [
            r#"echo $(basename "$(pwd)") ${X:-$(id)} ${Y:-`whoami`}"#,
            "basename $(pwd)",
            "pwd",
            "id",
            "whoami"
        ]
    );
    let s = parse(t);
    let depths: Vec<u16> = s.iter().map(|c| c.depth).collect();
    assert_eq!(depths, [0, 1, 2, 1, 1]);
}

#[test]
fn process_substitution() {
    let t = "diff <(sort a) >(tee b)";
    let s = parse(t);
    assert_eq!(argvs(t), ["diff <(sort a) >(tee b)", "sort a", "tee b"]);
    assert!(s.commands[1].substitution && s.commands[1].subshell);
    assert_eq!(s.commands[1].depth, 1);
    assert!(!s.commands[0].words[1].literal);
    assert_eq!(raw(t, &s.commands[0].words[2]), ">(tee b)");
}

#[test]
fn if_elif_else_conditions() {
    let t = "if [ -f x ] && ! grep -q y x; then a; elif b; then c; else d; fi; e";
    assert_eq!(
        outline(t),
        [
            "1Start p0 [c] [ -f x ]",
            "1And p1 [c!] grep -q y x",
            "1Start p2 a",
            "1Start p3 [c] b",
            "1Start p4 c",
            "1Start p5 d",
            "0Seq p6 e",
        ]
    );
}

#[test]
fn while_until_loops() {
    let t = "while read -r l; do echo \"$l\"; done < f\nuntil false\ndo x\ndone";
    assert_eq!(
        outline(t),
        [
            "1Start p0 [c] read -r l",
            "1Start p1 echo $l",
            "1Seq p2 [c] false",
            "1Start p3 x",
        ]
    );
}

#[test]
fn for_header_is_not_a_command() {
    let t = "for f in a b $(ls /x); do rm \"$f\"; done; for ((i=0;i<3;i++)); do echo $i; done";
    assert_eq!(argvs(t), ["ls /x", "rm $f", "echo $i"]);
    let t = "for x\ndo y; done; select s in a b; do z; done";
    assert_eq!(argvs(t), ["y", "z"]);
}

#[test]
fn case_patterns_are_not_commands() {
    let t = "case \"$1\" in\n  start|run) exec app ;;\n  (stop) kill 1 ;&\n  *.tar.gz) tar xf \"$1\";;\n  *) echo usage\nesac; done_cmd";
    assert_eq!(
        argvs(t),
        ["exec app", "kill 1", "tar xf $1", "echo usage", "done_cmd"]
    );
    let s = parse(t);
    assert!(s.iter().take(4).all(|c| c.depth == 1));
    assert_eq!(s.commands[4].depth, 0);
    // `case` inside `$( )`: the `)` of a pattern does not close the substitution.
    let t = "x=$(case a in a) echo 1;; esac) && y";
    assert_eq!(argvs(t), ["", "echo 1", "y"]);
    assert_eq!(parse(t).commands[2].sep, Sep::And);
}

#[test]
fn function_definitions() {
    let t = "f() { a; b; }\nfunction g { c; }\nfunction h() ( d )\nf && g";
    assert_eq!(
        outline(t),
        [
            "1Start p1 [f] a",
            "1Seq p2 [f] b",
            "1Start p4 [f] c",
            "1Start p6 [sf] d",
            "0Seq p7 f",
            "0And p8 g",
        ]
    );
}

#[test]
fn reserved_words_only_at_command_position() {
    assert_eq!(
        argvs("echo if then fi do done { } esac; X=1 if"),
        ["echo if then fi do done { } esac", "if"]
    );
    assert_eq!(argvs("{echo a;}"), ["{echo a"]);
}

#[test]
fn double_brackets_keep_operators_as_words() {
    let t = "[[ -n $x && ( $y < 3 || -f z ) ]] && echo ok";
    let s = parse(t);
    assert_eq!(argvs(t), ["[[ -n $x && ( $y < 3 || -f z ) ]]", "echo ok"]);
    assert!(s.commands[0].redirects.is_empty());
    assert_eq!(s.commands[1].sep, Sep::And);
}

#[test]
fn arithmetic_command_is_skipped() {
    assert_eq!(argvs("(( i += (2*3) )) && echo $((i))"), ["echo $((i))"]);
}

#[test]
fn heredoc_bodies_are_skipped() {
    let t = "cat <<EOF > /etc/x && echo done\nrm -rf /\n  EOF\nEOF\ncat <<-'E' | sort\n\tnot a command\n\tE\nls";
    let s = parse(t);
    assert_eq!(argvs(t), ["cat", "echo done", "cat", "sort", "ls"]);
    let h = s.commands[0].redirects[0].heredoc.unwrap();
    assert_eq!(h.text(t), "rm -rf /\n  EOF\n");
    let h = s.commands[2].redirects[0].heredoc.unwrap();
    assert_eq!(h.text(t), "\tnot a command\n");
    assert_eq!(s.commands[4].sep, Sep::Seq);
}

#[test]
fn heredoc_without_body_is_a_plain_redirect() {
    // What a Dockerfile `RUN <<EOF` leaves in the instruction text.
    let s = parse("cat <<EOF > /x\necho hi");
    assert_eq!(argvs("cat <<EOF > /x\necho hi"), ["cat", "echo hi"]);
    assert_eq!(s.commands[0].redirects[0].heredoc, None);
    assert_eq!(
        s.commands[0].redirects[0].target.as_ref().unwrap().value,
        "EOF"
    );
    let s = parse("<<EOF");
    assert_eq!(s.len(), 1);
    assert!(s.commands[0].words.is_empty());
}

#[test]
fn heredoc_after_compound_and_in_substitution() {
    let t = "while read l; do echo $l; done <<X\nnot run\nX\nafter";
    assert_eq!(argvs(t), ["read l", "echo $l", "after"]);
    let t = "v=$(cat <<X\nbody\nX\n) && next";
    assert_eq!(argvs(t), ["", "cat", "next"]);
}

// ---- nested scripts ----------------------------------------------------------------------------

#[test]
fn sh_c_single_quoted_is_exact() {
    let t = "sh -c 'apt-get update && apt-get install -y x' && bash -ex -c \"make; make install\"";
    let s = parse(t);
    assert_eq!(
        outline(t),
        [
            "0Start p0 sh -c apt-get update && apt-get install -y x",
            "1Start p1 [sn] apt-get update",
            "1And p2 [sn] apt-get install -y x",
            "0And p3 bash -ex -c make; make install",
            "1Start p4 [sn] make",
            "1Seq p5 [sn] make install",
        ]
    );
    assert_eq!(s.commands[1].nested_in, Some(0));
    assert_eq!(s.commands[4].nested_in, Some(3));
    assert_eq!(s.commands[2].span.text(t), "apt-get install -y x");
    assert_eq!(raw(t, &s.commands[2].words[3]), "x");
    assert_eq!(s.commands[5].span.text(t), "make install");
}

#[test]
fn sh_c_with_escapes_maps_to_the_argument() {
    let t = r#"su app -c "echo \"hi\" > /tmp/x""#;
    let s = parse(t);
    assert_eq!(s.len(), 2);
    let n = &s.commands[1];
    assert_eq!(n.nested_in, Some(0));
    assert_eq!(n.words[1].value, "hi");
    assert_eq!(n.span.text(t), r#""echo \"hi\" > /tmp/x""#);
    assert_eq!(n.redirects[0].op, ">");
    assert_eq!(n.redirects[0].target.as_ref().unwrap().value, "/tmp/x");
}

#[test]
fn sh_c_flag_forms() {
    for t in [
        "sh -lc 'x y'",
        "bash -o pipefail -c 'x y'",
        "/bin/bash --login -c 'x y'",
        "sudo -u app sh -c 'x y'",
        "busybox sh -c 'x y'",
        "su - app -c 'x y'",
        "su -c 'x y' app",
        "env A=1 dash -ec 'x y' arg0",
        "find / -type f -exec sh -euxc 'x y' -- '{}' +",
        "find . -name '*.so' -execdir sudo bash -c 'x y' \\;",
        "xargs -n1 sh -c 'x y'",
    ] {
        let s = parse(t);
        assert_eq!(s.len(), 2, "{t}");
        assert_eq!(argvs(t)[1], "x y", "{t}");
        assert_eq!(s.commands[1].span.text(t), "x y", "{t}");
    }
    // `--command='x y'` has the value `--command=x y`: not one piece of the text, so the
    // nested spans are the whole word.
    let t = "su --command='x y' app";
    let s = parse(t);
    assert_eq!(argvs(t)[1], "x y");
    assert_eq!(s.commands[1].span.text(t), "--command='x y'");
    // Not a script: a file argument, or `-c` after it; `find` without `-exec`.
    assert_eq!(parse("sh run.sh -c x").len(), 1);
    assert_eq!(parse("find . -name sh -c x").len(), 1);
    assert_eq!(parse("bash -x script").len(), 1);
}

#[test]
fn sh_c_double_quoted_substitutions_are_not_doubled() {
    let t = r#"sh -c "echo $(date)" && sh -c 'echo $(id)'"#;
    assert_eq!(
        argvs(t),
        [
            "sh -c echo $(date)",
            "date",
            "echo $(date)",
            "sh -c echo $(id)",
            "echo $(id)",
            "id"
        ]
    );
}

#[test]
fn nested_sh_c_levels_are_bounded() {
    // Quoting grows threefold per level; 11 levels is about 100 KB.
    let mut t = String::from("x");
    for _ in 0..11 {
        t = format!("sh -c {}", shell_quote(&t));
    }
    let s = parse(&t);
    // The outer command plus MAX_NESTED_SCRIPTS nested levels.
    assert_eq!(s.len(), 1 + MAX_NESTED_SCRIPTS as usize);
    for (i, c) in s.iter().enumerate().skip(1) {
        assert_eq!(c.nested_in, Some(i - 1));
    }
}

#[test]
fn many_sh_c_at_every_level_stay_linear() {
    // `sh -c "$(sh -c "$(…)")"`: each level holds the next in a substitution, so every nested
    // script has a `sh -c` at each of its levels. Without the work budget the parses multiply
    // (about 64^8 of them); with it this returns at once.
    let n = 200;
    let t = format!(
        "{}apt-get install curl{}",
        "sh -c \"$(".repeat(n),
        ")\"".repeat(n)
    );
    let s = parse(&t);
    assert!(s.iter().filter(|c| c.name() == Some("sh")).count() >= 32);
    // within the nesting bound the innermost command is found
    let n = 20;
    let t = format!(
        "{}apt-get install curl{}",
        "sh -c \"$(".repeat(n),
        ")\"".repeat(n)
    );
    assert!(parse(&t).iter().any(|c| c.name() == Some("apt-get")));
    // and a plain nested script is still read
    let s = parse("sh -c 'apt-get update && apt-get install -y curl'");
    assert_eq!(s.commands_running("apt-get").count(), 2);
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

// ---- argv helpers -------------------------------------------------------------------------------

#[test]
fn name_and_flags() {
    let t = "/usr/bin/apt-get -qy --no-install-recommends -o Dpkg::Options=x install --target-release=bookworm curl -- -z";
    let c = &parse(t).commands[0];
    assert_eq!(c.name(), Some("apt-get"));
    assert_eq!(c.args().len(), 9);
    assert!(c.has_flag(Some('y'), Some("yes")));
    assert!(c.has_flag(Some('q'), None));
    assert!(c.has_flag(None, Some("no-install-recommends")));
    assert!(c.has_flag(None, Some("target-release")));
    assert!(!c.has_flag(Some('z'), None), "stops at --");
    assert!(!c.has_flag(Some('x'), Some("assume-yes")));
    let v = c.flag_value(Some('o'), Some("option")).unwrap();
    assert_eq!(v.value, "Dpkg::Options=x");
    let v = c.flag_value(Some('t'), Some("target-release")).unwrap();
    assert_eq!(v.value, "bookworm");
    assert_eq!(v.span.text(t), "bookworm");
    assert_eq!(c.subcommand(), Some("Dpkg::Options=x"));
    let pos: Vec<&str> = c
        .positional_skipping(&["-o", "-t"])
        .map(|w| w.as_str())
        .collect();
    assert_eq!(pos, ["install", "curl", "-z"]);
}

#[test]
fn attached_short_values() {
    let t = "tar -xzf a.tgz -C/opt && curl -fsSLo out http://x && pip install -rreq.txt";
    let s = parse(t);
    assert_eq!(
        s.commands[0].flag_value(Some('f'), None).unwrap().value,
        "a.tgz"
    );
    let c = s.commands[0].flag_value(Some('C'), None).unwrap();
    assert_eq!((c.value.as_ref(), c.span.text(t)), ("/opt", "/opt"));
    assert_eq!(
        s.commands[1]
            .flag_value(Some('o'), Some("output"))
            .unwrap()
            .value,
        "out"
    );
    assert_eq!(
        s.commands[2].flag_value(Some('r'), None).unwrap().value,
        "req.txt"
    );
    assert_eq!(s.commands[2].subcommand(), Some("install"));
    let pos: Vec<&str> = s.commands[1]
        .positional_skipping(&["-o"])
        .map(|w| w.as_str())
        .collect();
    assert_eq!(pos, ["http://x"]);
    let pos: Vec<&str> = s.commands[0].positional().map(|w| w.as_str()).collect();
    assert_eq!(pos, ["a.tgz"], "naive: cannot know -f takes a value");
    // A lone `-` (stdin) is positional; everything after `--` is.
    let c = &parse("tar -xf - -- -weird").commands[0];
    let pos: Vec<&str> = c.positional().map(|w| w.as_str()).collect();
    assert_eq!(pos, ["-", "-weird"]);
}

#[test]
fn unwrap_wrappers_finds_the_program() {
    for (t, prog) in [
        ("sudo -E -u root apt-get update", "apt-get"),
        (
            "sudo DEBIAN_FRONTEND=noninteractive apt-get update",
            "apt-get",
        ),
        ("env -i PATH=/bin FOO=1 make", "make"),
        ("exec -a name gosu app:app nice -n 5 time -p make", "make"),
        ("nohup timeout -s KILL 10s ./run.sh", "run.sh"),
        ("command -p ls", "ls"),
        ("command -v ls", "command"),
        ("env", "env"),
        ("find . | xargs -0 -n 1 -I {} rm -f {}", "rm"),
        (
            "chroot /mnt su-exec nobody stdbuf -oL eatmydata apt-get x",
            "apt-get",
        ),
    ] {
        let s = parse(t);
        let c = s.iter().last().unwrap();
        assert_eq!(c.program(), Some(prog), "{t}");
    }
    let s = parse("sudo apt-get install -y x && apt-get update");
    assert_eq!(s.commands_named("apt-get").count(), 1);
    assert_eq!(s.commands_running("apt-get").count(), 2);
    let c = &s.commands[0];
    assert_eq!(c.unwrap_wrappers()[0].value, "apt-get");
    assert!(c.unwrapped().has_flag(Some('y'), None));
    assert_eq!(c.unwrapped().subcommand(), Some("install"));
}

// ---- recovery and hostile input ----------------------------------------------------------------

#[test]
fn stray_closers_are_skipped() {
    assert_eq!(argvs("a; fi; b ) c; done"), ["a", "b", "c"]);
    assert_eq!(argvs("} ;; esac then x"), ["x"]);
    // An inner construct missing its closer is ended by the outer one's.
    assert_eq!(
        argvs("while a; do if b; then c; done; d"),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        parse("while a; do if b; then c; done; d").commands[3].depth,
        0
    );
}

#[test]
fn unterminated_constructs_end_at_the_end() {
    assert_eq!(argvs("echo 'abc"), ["echo abc"]);
    assert_eq!(parse("echo 'abc").commands[0].words[1].value, "abc");
    assert_eq!(argvs("echo \"abc $(x"), ["echo abc $(x", "x"]);
    assert_eq!(argvs("echo `ls"), ["echo `ls", "ls"]);
    assert_eq!(argvs("if a; then b"), ["a", "b"]);
    assert_eq!(argvs("echo ${x"), ["echo ${x"]);
    assert_eq!(argvs("echo $((1+"), ["echo $((1+"]);
    assert_eq!(argvs("echo \\"), ["echo \\"]);
    assert_eq!(argvs("case x in a) b"), ["b"]);
    assert_eq!(argvs("(a; (b"), ["a", "b"]);
    assert_eq!(argvs("a |"), ["a"]);
    assert_eq!(argvs("&& a"), ["a"]);
}

#[test]
fn deep_nesting_does_not_overflow() {
    for open in [
        "$(",
        "(",
        "{ ",
        "if a; then ",
        "`",
        "${x:-",
        "\"$(",
        "<(",
        "sh -c '",
    ] {
        let mut t = String::new();
        for _ in 0..10_000 {
            t.push_str(open);
        }
        t.push_str("echo hi");
        let s = parse(&t);
        assert!(s.len() <= 10_001, "{open}");
    }
    let t = "$(".repeat(10_000) + &")".repeat(10_000);
    parse(&t);
    let t = "a=(".repeat(10_000);
    parse(&t);
}

#[test]
fn big_and_odd_input_does_not_panic() {
    let big = "x".repeat(1 << 20);
    let s = parse(&big);
    assert_eq!(s.commands[0].words[0].value.len(), 1 << 20);
    assert!(matches!(s.commands[0].words[0].value, Cow::Borrowed(_)));
    parse(&format!("echo \"{big}"));
    parse("echo a\0b \0 '\0'");
    assert_eq!(parse("echo a\0b").commands[0].words[1].value, "a\0b");
    parse("échο 'ü' \"ß\" $'\\xff' \\é");
    assert_eq!(parse("echo \\é").commands[0].words[1].value, "é");
    parse("\r\n\r\n;;;&&&|||)))(((");
    parse("$");
    parse("\\");
    parse("<<");
    parse("2>&");
    parse("cat <<\n");
    parse("'");
    parse("\"");
    parse("`");
    parse("$'\\");
    parse("$'\\x");
    parse("$'\\u");
    parse("$'\\c");
    parse("function");
    parse("f(");
    parse("for");
    parse("for x in");
    parse("case");
    parse("[[");
    parse("sh -c");
    parse("sh -c ''");
    parse("su -c");
}

#[test]
fn hostile_repetitions_stay_linear() {
    // Each of these was, or could easily become, quadratic; at 100 KB a quadratic pass takes
    // minutes in a debug build, so a regression shows as a hanging test.
    let n = 100_000;
    for t in [
        format!("a[{}", "=".repeat(n)),
        format!("{{{}", "}".repeat(n)),
        format!("x{}", "=".repeat(n)),
        "`\\`".repeat(n / 3),
        "fi ".repeat(n / 3),
        "[[ ".repeat(n / 3),
        "case x in ".repeat(n / 10),
        "f() ".repeat(n / 4),
        format!("sh -c \"{}\"", "$(x <<E\nE\n)".repeat(n / 12)),
    ] {
        parse(&t);
    }
}

#[test]
fn many_unterminated_heredocs_stay_linear() {
    let t = "cat <<X\n".repeat(50_000);
    let s = parse(&t);
    assert_eq!(s.len(), 50_000);
}

#[test]
fn random_bytes_do_not_panic() {
    // A small xorshift generator: deterministic, no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[u8] = b" \t\n;&|<>()'\"\\$`{}[]*?#=!-019aAcEiFf:~,.";
    for round in 0..2000 {
        let len = (next() % 200) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if round % 3 == 0 {
                    r as u8
                } else {
                    alphabet[(r % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let s = parse(&text);
        // Every span lies in the text and on character boundaries.
        for c in &s {
            let _ = c.span.text(&text);
            for w in c.words.iter().chain(&c.assignments) {
                let _ = w.span.text(&text);
            }
            for r in &c.redirects {
                let _ = r.span.text(&text);
            }
            if let Some(p) = c.nested_in {
                assert!(p < s.len());
            }
        }
    }
}

#[test]
fn commands_are_in_source_order() {
    let t = "a $(b $(c)) `d` && e <(f) | g; for x in $(h); do i; done";
    let s = parse(t);
    let starts: Vec<u32> = s.iter().map(|c| c.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert_eq!(argvs(t).len(), 9);
}

#[test]
fn script_runner_prefilter_covers_every_wrapper() {
    // `nested_script` skips commands `may_run_script` rejects; it must know every wrapper.
    for name in [
        "sudo",
        "doas",
        "env",
        "exec",
        "nice",
        "ionice",
        "time",
        "command",
        "builtin",
        "nohup",
        "timeout",
        "stdbuf",
        "chroot",
        "gosu",
        "su-exec",
        "eatmydata",
        "fakeroot",
        "tini",
        "dumb-init",
        "xargs",
    ] {
        assert!(argv::is_wrapper(name), "{name}");
        assert!(parser::may_run_script(name), "{name}");
    }
    for name in [
        "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "su", "runuser",
    ] {
        assert!(parser::may_run_script(name), "{name}");
    }
}

#[test]
fn word_at_offset_zero_with_a_gap() {
    assert_eq!(argvs("a'b' c"), ["ab c"]);
    assert_eq!(argvs("'a'b"), ["ab"]);
    assert_eq!(parse("x").commands[0].words[0].value, "x");
}
