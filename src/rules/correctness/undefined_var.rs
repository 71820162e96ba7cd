use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::rules::closest;
use crate::semantic::{BaseKind, Semantic};
use crate::syntax::vars::{VarRef, var_refs};
use crate::syntax::{Args, Instruction, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a variable used where BuildKit expands it, before any `ARG` or `ENV` of the stage
    /// defines it: in `ENV`, `LABEL`, `ARG` defaults, `COPY`/`ADD` (paths, `--chown`,
    /// `--chmod`, unquoted heredocs), `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL` and
    /// `RUN --mount` options.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to nothing, silently: `COPY app-$VERSION.jar /app.jar`
    /// copies `app-.jar`. The usual causes are a global `ARG` (declared before the first
    /// `FROM`) that the stage never re-declares, a variable used before its `ARG`, one defined
    /// in another stage, a platform argument (`TARGETARCH`) used without `ARG TARGETARCH`, and
    /// typos (`$PAHT`).
    ///
    /// Shell commands (`RUN`, `CMD`, `ENTRYPOINT`) are not checked: their variables belong to
    /// the shell at run time. Variables of base stages are inherited, as in BuildKit. Looks at
    /// every stage.
    ///
    /// ## Differences from BuildKit
    /// BuildKit knows the base image's environment (`PYTHON_VERSION` in `python` images); a
    /// linter does not. So for stages built on a registry image, dockopt only reports a name
    /// the file itself declares elsewhere (a global `ARG`, a later `ARG`, another stage's
    /// `ENV`), a platform argument, or a likely typo of a defined name; names that well-known
    /// official images set (`NODE_VERSION`, `JAVA_HOME`, …) are left alone. Stages built on
    /// `scratch` are checked fully. Special parameters (`$1`, `$@`) are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM eclipse-temurin:21-jre
    /// COPY app-${VERSION}.jar /app.jar
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM eclipse-temurin:21-jre
    /// ARG VERSION
    /// COPY app-${VERSION}.jar /app.jar
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, and only offered in two cases: a global or platform `ARG` is declared in the
    /// stage (`ARG VERSION` right after its `FROM`), or a likely typo is replaced by the defined
    /// name it is closest to. Either way the value used changes (from empty to the intended
    /// one), and the `ARG` also reaches the stage's `RUN`s.
    pub UndefinedVar {
        code: "DO140",
        name: "undefined-var",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["buildkit:UndefinedVar"],
    }
}

/// Platform arguments BuildKit defines, usable in a stage after `ARG NAME`.
const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Environment variables that well-known base images set (by image short name). A linter
/// cannot read the image config, so these are assumed defined in stages built on the image.
const IMAGE_ENV: &[(&[&str], &[&str])] = &[
    (&["node"], &["NODE_VERSION", "YARN_VERSION"]),
    (
        &["python", "pypy"],
        &[
            "PYTHON_VERSION",
            "PYTHON_SHA256",
            "PYTHON_PIP_VERSION",
            "PYTHON_SETUPTOOLS_VERSION",
            "PYTHON_GET_PIP_URL",
            "PYTHON_GET_PIP_SHA256",
            "GPG_KEY",
            "PYPY_VERSION",
        ],
    ),
    (&["golang"], &["GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"]),
    (
        &[
            "openjdk",
            "eclipse-temurin",
            "amazoncorretto",
            "sapmachine",
            "ibm-semeru-runtimes",
            "maven",
            "gradle",
            "tomcat",
            "jetty",
        ],
        &[
            "JAVA_HOME",
            "JAVA_VERSION",
            "MAVEN_HOME",
            "MAVEN_CONFIG",
            "GRADLE_HOME",
            "GRADLE_VERSION",
            "CATALINA_HOME",
            "TOMCAT_VERSION",
            "TOMCAT_MAJOR",
            "TOMCAT_NATIVE_LIBDIR",
            "JETTY_HOME",
            "JETTY_BASE",
            "JETTY_VERSION",
        ],
    ),
    (
        &["ruby", "jruby"],
        &[
            "RUBY_VERSION",
            "RUBY_MAJOR",
            "RUBY_DOWNLOAD_SHA256",
            "RUBY_DOWNLOAD_URL",
            "GEM_HOME",
            "BUNDLE_SILENCE_ROOT_WARNING",
            "BUNDLE_APP_CONFIG",
            "JRUBY_VERSION",
        ],
    ),
    (
        &[
            "php",
            "wordpress",
            "drupal",
            "joomla",
            "nextcloud",
            "composer",
        ],
        &[
            "PHP_VERSION",
            "PHP_INI_DIR",
            "PHP_URL",
            "PHP_ASC_URL",
            "PHP_SHA256",
            "PHP_CFLAGS",
            "PHP_CPPFLAGS",
            "PHP_LDFLAGS",
            "PHPIZE_DEPS",
            "GPG_KEYS",
            "APACHE_CONFDIR",
            "APACHE_ENVVARS",
            "DRUPAL_VERSION",
            "WORDPRESS_VERSION",
            "COMPOSER_VERSION",
            "COMPOSER_HOME",
            "COMPOSER_ALLOW_SUPERUSER",
        ],
    ),
    (&["rust"], &["RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION"]),
    (
        &["nginx"],
        &[
            "NGINX_VERSION",
            "NJS_VERSION",
            "NJS_RELEASE",
            "PKG_RELEASE",
            "DYNPKG_RELEASE",
        ],
    ),
    (
        &["httpd"],
        &[
            "HTTPD_PREFIX",
            "HTTPD_VERSION",
            "HTTPD_SHA256",
            "HTTPD_PATCHES",
        ],
    ),
    (
        &["haproxy"],
        &["HAPROXY_VERSION", "HAPROXY_URL", "HAPROXY_SHA256"],
    ),
    (
        &["mysql", "mariadb", "percona"],
        &[
            "MYSQL_MAJOR",
            "MYSQL_VERSION",
            "MYSQL_SHELL_VERSION",
            "MARIADB_VERSION",
            "MARIADB_MAJOR",
            "GOSU_VERSION",
        ],
    ),
    (
        &["postgres"],
        &["PG_MAJOR", "PG_VERSION", "PGDATA", "GOSU_VERSION"],
    ),
    (
        &["redis", "valkey"],
        &[
            "REDIS_VERSION",
            "REDIS_DOWNLOAD_URL",
            "REDIS_DOWNLOAD_SHA",
            "VALKEY_VERSION",
        ],
    ),
    (
        &["mongo"],
        &[
            "MONGO_VERSION",
            "MONGO_MAJOR",
            "MONGO_PACKAGE",
            "MONGO_REPO",
            "GOSU_VERSION",
            "JSYAML_VERSION",
        ],
    ),
    (
        &["docker"],
        &[
            "DOCKER_VERSION",
            "DOCKER_TLS_CERTDIR",
            "DOCKER_BUILDX_VERSION",
            "DOCKER_COMPOSE_VERSION",
        ],
    ),
    (
        &["elixir", "erlang"],
        &["ELIXIR_VERSION", "OTP_VERSION", "REBAR3_VERSION"],
    ),
    (
        &["cuda"],
        &[
            "CUDA_VERSION",
            "NVIDIA_VISIBLE_DEVICES",
            "NVIDIA_DRIVER_CAPABILITIES",
            "NV_CUDA_LIB_VERSION",
            "NVIDIA_REQUIRE_CUDA",
            "LD_LIBRARY_PATH",
            "LIBRARY_PATH",
            "CUDNN_VERSION",
        ],
    ),
    (
        &["sdk", "aspnet", "runtime", "runtime-deps"],
        &[
            "DOTNET_VERSION",
            "ASPNET_VERSION",
            "ASPNETCORE_VERSION",
            "DOTNET_SDK_VERSION",
            "ASPNETCORE_HTTP_PORTS",
            "APP_UID",
            "DOTNET_RUNNING_IN_CONTAINER",
            "DOTNET_USE_POLLING_FILE_WATCHER",
            "NUGET_XMLDOC_MODE",
            "POWERSHELL_DISTRIBUTION_CHANNEL",
            "DOTNET_GENERATE_ASPNET_CERTIFICATE",
            "DOTNET_NOLOGO",
        ],
    ),
];

/// Environment almost every image has.
const COMMON_ENV: &[&str] = &["PATH", "LANG", "LC_ALL", "LANGUAGE"];

/// Is `name` a believable misspelling of `known`? Short names differ from each other by one
/// or two letters without being typos (`UID`/`GID`), so the bar rises with the distance.
fn likely_typo(name: &str, known: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (name.chars().collect(), known.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    let d = prev[b.len()];
    let len = a.len().min(b.len());
    (d == 1 && len >= 4) || (d == 2 && len >= 8)
}

/// How a stage's environment is known.
#[derive(Clone, Copy)]
enum Root<'a> {
    /// Built on `scratch`: nothing but PATH.
    Scratch,
    /// Built on an image whose environment is unknown (short name, when known).
    Image(Option<&'a str>),
}

struct Scope<'a> {
    root: Root<'a>,
    /// Names defined so far (inherited from base stages, then this stage's ARG/ENV).
    defined: Vec<&'a str>,
    /// The same names, for lookups (a file with thousands of ENVs stays linear).
    set: std::collections::HashSet<&'a str>,
}

impl<'a> Scope<'a> {
    fn define(&mut self, names: impl IntoIterator<Item = &'a str>) {
        for n in names {
            self.defined.push(n);
            self.set.insert(n);
        }
    }
}

/// How each stage's environment is known, following base stages (computed in order, so a
/// long chain of stages stays linear).
fn roots<'a>(sem: &'a Semantic<'a>) -> Vec<Root<'a>> {
    let mut out: Vec<Root<'a>> = Vec::with_capacity(sem.stages.len());
    for (k, s) in sem.stages.iter().enumerate() {
        let r = match &s.base.kind {
            BaseKind::Stage(b) if *b < k => out[*b],
            BaseKind::Scratch => Root::Scratch,
            BaseKind::Image(img) => Root::Image(Some(img.short_name())),
            _ => Root::Image(None),
        };
        out.push(r);
    }
    out
}

/// Names an instruction defines (ENV keys, ARG names).
fn defines(ins: &Instruction) -> Vec<&str> {
    match ins.kind {
        Kind::Env => ins
            .key_values()
            .iter()
            .map(|kv| ins.text_of(kv.key))
            .collect(),
        Kind::Arg => ins
            .arg_decls()
            .iter()
            .map(|d| ins.text_of(d.name))
            .collect(),
        _ => Vec::new(),
    }
}

/// Names defined by the end of each stage (base stages included).
fn defined_at_end<'a>(sem: &'a Semantic<'a>) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&'a str>> = Vec::with_capacity(sem.stages.len());
    for stage in &sem.stages {
        let mut d = match stage.base.kind {
            BaseKind::Stage(b) if b < out.len() => out[b].clone(),
            _ => Vec::new(),
        };
        for i in sem.body(stage) {
            d.extend(defines(sem.instructions[i]));
        }
        out.push(d);
    }
    out
}

/// A variable reference to check: its name and where it is in the source.
struct Use<'t> {
    name: &'t str,
    span: Span,
    name_span: Option<Span>,
    /// The ENV key or ARG name whose value holds the reference.
    own_value: Option<&'t str>,
    /// In a heredoc body (expanded at build time because its marker is unquoted).
    heredoc: bool,
}

fn is_plain_name(n: &str) -> bool {
    n.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// References in a logical range of an instruction.
fn refs_in<'t>(ins: &'t Instruction, range: Span, escape: char, out: &mut Vec<Use<'t>>) {
    for r in var_refs(&ins.text, range, escape) {
        push_ref(ins, &r, out);
    }
}

fn push_ref<'t>(ins: &'t Instruction, r: &VarRef, out: &mut Vec<Use<'t>>) {
    let name = &ins.text[r.name.range()];
    if is_plain_name(name) {
        out.push(Use {
            name,
            span: ins.source_span(r.span),
            name_span: Some(ins.source_span(r.name)),
            own_value: None,
            heredoc: false,
        });
    }
}

/// References in a decoded JSON string, reported at the string.
fn refs_in_value<'t>(value: &'t str, at: Span, escape: char, out: &mut Vec<Use<'t>>) {
    for r in var_refs(value, Span::new(0, value.len()), escape) {
        let name = &value[r.name.range()];
        if is_plain_name(name) {
            out.push(Use {
                name,
                span: at,
                name_span: None,
                own_value: None,
                heredoc: false,
            });
        }
    }
}

/// The references BuildKit expands in an instruction, in the order it expands them.
fn uses<'t>(src: &'t str, ins: &'t Instruction, escape: char) -> Vec<Use<'t>> {
    let mut out = Vec::new();
    let flag_values = |names: &[&str], out: &mut Vec<Use<'t>>| {
        for f in &ins.flags {
            if names.iter().any(|n| f.name().eq_ignore_ascii_case(n)) {
                refs_in(ins, f.token.logical, escape, out);
            }
        }
    };
    match ins.kind {
        Kind::Env | Kind::Label => {
            for kv in ins.key_values() {
                refs_in(ins, kv.key.logical, escape, &mut out);
                let from = out.len();
                refs_in(ins, kv.value.logical, escape, &mut out);
                for u in &mut out[from..] {
                    u.own_value = Some(ins.text_of(kv.key));
                }
            }
        }
        Kind::Copy | Kind::Add => {
            let names: &[&str] = if ins.kind == Kind::Add {
                &["chown", "chmod", "checksum"]
            } else {
                &["chown", "chmod"]
            };
            flag_values(names, &mut out);
            for w in ins.paths() {
                match &w.json {
                    Some(v) => refs_in_value(v, w.token.span, escape, &mut out),
                    None => refs_in(ins, w.token.logical, escape, &mut out),
                }
            }
            // unquoted heredocs are expanded as text: quotes do not protect anything there
            for h in ins.heredocs.iter().filter(|h| h.expand) {
                let body = &src[h.body.range()];
                if !body.contains('$') {
                    continue;
                }
                let neutral: String = body
                    .chars()
                    .map(|c| if c == '\'' || c == '"' { ' ' } else { c })
                    .collect();
                for r in var_refs(&neutral, Span::new(0, neutral.len()), '\\') {
                    let name = &body[r.name.range()];
                    if is_plain_name(name) {
                        let at = |s: Span| Span {
                            start: h.body.start + s.start,
                            end: h.body.start + s.end,
                        };
                        out.push(Use {
                            name,
                            span: at(r.span),
                            name_span: Some(at(r.name)),
                            own_value: None,
                            heredoc: true,
                        });
                    }
                }
            }
        }
        Kind::Workdir | Kind::User | Kind::Stopsignal => {
            if let Args::Text(t) = ins.args {
                refs_in(ins, t.logical, escape, &mut out);
            }
        }
        Kind::Volume => {
            for w in ins.paths() {
                match &w.json {
                    Some(v) => refs_in_value(v, w.token.span, escape, &mut out),
                    None => refs_in(ins, w.token.logical, escape, &mut out),
                }
            }
        }
        Kind::Run => flag_values(&["mount"], &mut out),
        _ => {}
    }
    out
}

impl Rule for UndefinedVar {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        let escape = sem.escape();
        let at_end = defined_at_end(sem);
        let roots = roots(sem);
        // every name the file declares somewhere
        let mut declared: Vec<&str> = sem.global_args.iter().map(|a| a.0).collect();
        for ins in &sem.instructions {
            declared.extend(defines(ins));
        }
        let globals: Vec<&str> = sem.global_args.iter().map(|a| a.0).collect();
        for stage in &sem.stages {
            let root = roots[stage.index];
            let image_env: &[&str] = match root {
                Root::Image(Some(short)) => IMAGE_ENV
                    .iter()
                    .find(|(imgs, _)| imgs.contains(&short))
                    .map_or(&[], |(_, env)| env),
                _ => &[],
            };
            let mut scope = Scope {
                root,
                defined: Vec::new(),
                set: Default::default(),
            };
            if let BaseKind::Stage(b) = stage.base.kind
                && b < at_end.len()
            {
                scope.define(at_end[b].iter().copied());
            }
            let mut fixed: Vec<&str> = Vec::new();
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                match ins.kind {
                    Kind::Arg => {
                        // each default sees the names declared before it, in this ARG too
                        for d in ins.arg_decls() {
                            if let Some(def) = d.default {
                                let mut u = Vec::new();
                                refs_in(ins, def.logical, escape, &mut u);
                                for x in &mut u {
                                    x.own_value = Some(ins.text_of(d.name));
                                }
                                self.report_uses(
                                    ctx,
                                    stage.index,
                                    i,
                                    &u,
                                    &scope,
                                    image_env,
                                    &declared,
                                    &globals,
                                    &mut fixed,
                                );
                            }
                            scope.define([ins.text_of(d.name)]);
                        }
                    }
                    _ => {
                        // no `$`, no reference (most instructions)
                        let u = if ins.text.contains('$') || !ins.heredocs.is_empty() {
                            uses(ctx.src, ins, escape)
                        } else {
                            Vec::new()
                        };
                        self.report_uses(
                            ctx,
                            stage.index,
                            i,
                            &u,
                            &scope,
                            image_env,
                            &declared,
                            &globals,
                            &mut fixed,
                        );
                        scope.define(defines(ins));
                    }
                }
            }
        }
    }
}

impl UndefinedVar {
    #[allow(clippy::too_many_arguments)]
    fn report_uses<'a>(
        &self,
        ctx: &mut Context<'_>,
        stage: usize,
        index: usize,
        uses: &[Use<'a>],
        scope: &Scope<'_>,
        image_env: &[&str],
        declared: &[&str],
        globals: &[&str],
        fixed: &mut Vec<&'a str>,
    ) {
        let sem = ctx.semantic;
        for u in uses {
            let name = u.name;
            if scope.set.contains(name) || COMMON_ENV.contains(&name) {
                continue;
            }
            let own = defines(sem.instructions[index]);
            // `ENV PATH=$PATH:/x`, `ENV X=${X:+$X:}/y`: the inherited value, on purpose
            let self_ref = own.contains(&name) && u.own_value == Some(name);
            let same = own.contains(&name) && !self_ref;
            let mut candidates: Vec<&str> = scope.defined.clone();
            candidates.extend_from_slice(COMMON_ENV);
            let typo = closest(name, &candidates).filter(|t| likely_typo(name, t));
            let platform = PLATFORM_ARGS.contains(&name);
            let global = globals.contains(&name);
            // declared by another instruction of the file
            let in_file =
                declared.iter().filter(|d| **d == name).count() > usize::from(own.contains(&name));
            let image_may_set = image_env.contains(&name);
            let report = match scope.root {
                Root::Scratch => true,
                Root::Image(_) => {
                    !image_may_set && (platform || typo.is_some() || same || (in_file && !self_ref))
                }
            };
            if !report {
                continue;
            }
            let st = &sem.stages[stage];
            let later = sem
                .body(st)
                .skip_while(|&j| j <= index)
                .find(|&j| defines(sem.instructions[j]).contains(&name));
            let (msg, help) = if same {
                (
                    format!(
                        "`${name}` is set by this same instruction, which expands every value before setting any"
                    ),
                    format!("set `{name}` in an earlier instruction"),
                )
            } else if let Some(j) = later {
                let line = crate::syntax::LineIndex::new(ctx.src)
                    .position(ctx.src, sem.instructions[j].span.start)
                    .line;
                (
                    format!("`${name}` is used before it is defined (line {line})"),
                    "move the definition above its first use".to_string(),
                )
            } else if global || platform {
                (
                    format!(
                        "`${name}` is not declared in this stage: {} need `ARG {name}` in each stage that uses them",
                        if global {
                            "global ARGs"
                        } else {
                            "platform arguments"
                        }
                    ),
                    format!("add `ARG {name}` after the stage's FROM"),
                )
            } else if let Some(t) = typo {
                (
                    format!("`${name}` is not defined (did you mean `${t}`?)"),
                    format!("write `${t}`"),
                )
            } else if in_file {
                (
                    format!("`${name}` is defined in another stage, not in this one"),
                    format!("declare `ARG {name}` or `ENV {name}=…` in this stage"),
                )
            } else if u.heredoc {
                (
                    format!("`${name}` is not defined, and this heredoc is expanded at build time"),
                    format!(
                        "quote the heredoc marker (`<<'EOF'`) to keep `${name}` literal, or declare `ARG {name}`"
                    ),
                )
            } else {
                (
                    format!("`${name}` is not defined"),
                    format!("declare `ARG {name}` or `ENV {name}=…` before using it"),
                )
            };
            let mut fix = None;
            if !same && later.is_none() && (global || platform) {
                if !fixed.contains(&name) {
                    fixed.push(name);
                    let from = st.from_ins;
                    let at = from.line_span.end;
                    let nl = sem.style().newline;
                    let prefix = if ctx.src[..at as usize].ends_with('\n') {
                        ""
                    } else {
                        nl
                    };
                    fix = Some(Fix::unsafe_(
                        format!("declare `ARG {name}` in the stage"),
                        vec![Edit::insert(
                            at,
                            format!("{prefix}{} {name}{nl}", sem.style().keyword(Kind::Arg)),
                        )],
                    ));
                }
            } else if let (Some(t), Some(ns)) = (typo, u.name_span) {
                fix = Some(Fix::unsafe_(
                    format!("use `${t}`"),
                    vec![Edit::replace(ns, t)],
                ));
            }
            ctx.report_fix(u.span, msg, help, fix);
        }
    }
}
