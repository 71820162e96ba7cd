//! Rules: metadata, the [`Rule`] trait, and the [`Context`] a rule reports through.

use std::path::Path;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Fix};
use crate::linter::BuildContext;
use crate::semantic::Semantic;
use crate::settings::Settings;
use crate::syntax::Span;

/// How serious a finding is. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Style,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Style,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// What a rule is about. The code's first digit says the category: `DO1xx` correctness, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// BuildKit would reject the file.
    Syntax,
    /// The build fails or behaves differently from what the file suggests.
    Correctness,
    /// Bigger images than needed.
    Size,
    /// Builds that redo work: cache busting, layer order.
    Cache,
    /// Risky images or builds.
    Security,
    /// Builds that can change without the file changing: unpinned versions.
    Reproducibility,
    /// Deprecated or confusing constructs.
    Maintainability,
    /// Casing and formatting.
    Style,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Correctness => "correctness",
            Category::Size => "size",
            Category::Cache => "cache",
            Category::Security => "security",
            Category::Reproducibility => "reproducibility",
            Category::Maintainability => "maintainability",
            Category::Style => "style",
        }
    }
}

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    None,
    Sometimes,
    Always,
}

impl FixKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::None => "none",
            FixKind::Sometimes => "sometimes",
            FixKind::Always => "always",
        }
    }
}

/// Which part of the build a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Every stage: the problem costs build time or breaks the build wherever it is.
    EveryStage,
    /// Only the final image (what ships): builder stages are fine.
    FinalStage,
    /// The file as a whole (directives, stage graph, build context).
    File,
}

impl Scope {
    pub fn describe(self) -> &'static str {
        match self {
            Scope::EveryStage => "every stage",
            Scope::FinalStage => "the final stage only (builder stages are not flagged)",
            Scope::File => "the whole file",
        }
    }
}

/// Everything known about a rule, next to its check.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub fix: FixKind,
    pub scope: Scope,
    /// Other tools' codes for the same check: hadolint (`DL3008`), BuildKit
    /// (`buildkit:JSONArgsRecommended`), Trivy (`trivy:DS002`), Checkov (`checkov:CKV_DOCKER_2`).
    pub aliases: &'static [&'static str],
    /// The doc comment: markdown with fixed sections (What it does, Why…, Example, Use instead,
    /// Fix safety).
    #[serde(skip)]
    pub raw_docs: &'static str,
}

impl RuleMeta {
    /// The rule's documentation (markdown), from its doc comment.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// First sentence of "What it does".
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = docs
            .split_once("## What it does")
            .map_or(docs.as_str(), |(_, b)| b)
            .trim_start();
        let para = body.split("\n\n").next().unwrap_or("").trim();
        let para = para.split("\n#").next().unwrap_or(para);
        let sentence = match para.find(". ") {
            Some(i) => &para[..=i],
            None => para,
        };
        sentence.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// A markdown section of the docs by heading ("Example", "Use instead").
    pub fn section(&self, heading: &str) -> Option<String> {
        let docs = self.docs();
        let marker = format!("## {heading}\n");
        let start = docs.find(&marker)? + marker.len();
        let rest = &docs[start..];
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].trim().to_string())
    }

    /// The first fenced dockerfile block of a section.
    pub fn example(&self, heading: &str) -> Option<String> {
        let sec = self.section(heading)?;
        let start = sec.find("```dockerfile\n")? + "```dockerfile\n".len();
        let end = sec[start..].find("```")? + start;
        Some(sec[start..end].to_string())
    }

    pub fn url(&self) -> String {
        format!(
            "https://github.com/dockopt/dockopt/blob/main/docs/rules/{}.md",
            self.code
        )
    }

    /// Does a selector (code, code prefix, name, alias, category) pick this rule?
    pub fn matches(&self, selector: &str) -> bool {
        let s = selector.trim();
        if s.eq_ignore_ascii_case("ALL") {
            return true;
        }
        self.code.eq_ignore_ascii_case(s)
            || (s.len() >= 2
                && s.len() < self.code.len()
                && self.code[..s.len()].eq_ignore_ascii_case(s))
            || self.name.eq_ignore_ascii_case(s)
            || self.category.as_str().eq_ignore_ascii_case(s)
            || self.aliases.iter().any(|a| {
                a.eq_ignore_ascii_case(s)
                    || a.split_once(':')
                        .is_some_and(|(_, n)| n.eq_ignore_ascii_case(s))
            })
    }
}

/// A lint rule. Rules see the whole file through the [`Context`]; most walk
/// `ctx.semantic` (stages, instructions, shell commands).
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &mut Context<'_>);
}

/// What a rule sees, and where it reports.
pub struct Context<'a> {
    pub src: &'a str,
    pub path: Option<&'a Path>,
    /// Facts about the build context (ignore file, top-level entries) gathered by the caller.
    pub build_context: &'a BuildContext,
    pub semantic: &'a Semantic<'a>,
    pub settings: &'a Settings,
    pub(crate) meta: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(
        src: &'a str,
        path: Option<&'a Path>,
        semantic: &'a Semantic<'a>,
        settings: &'a Settings,
        meta: &'static RuleMeta,
    ) -> Context<'a> {
        static NO_CONTEXT: std::sync::OnceLock<BuildContext> = std::sync::OnceLock::new();
        Context {
            src,
            path,
            build_context: NO_CONTEXT.get_or_init(BuildContext::default),
            semantic,
            settings,
            meta,
            severity: settings.severity_of(meta),
            diagnostics: Vec::new(),
        }
    }

    /// Report a finding of the current rule.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic {
            code: self.meta.code,
            name: self.meta.name,
            severity: self.severity,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            fix: None,
        });
        self.diagnostics.last_mut().unwrap()
    }

    /// Report with a fix in one go.
    pub fn report_fix(
        &mut self,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
        fix: Option<Fix>,
    ) -> &mut Diagnostic {
        let d = self.report(span, message);
        d.help(help);
        d.set_fix(fix);
        d
    }

    pub fn text(&self, span: Span) -> &'a str {
        &self.src[span.range()]
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Declare a rule: its doc comment (the rule's documentation) and metadata, in one place.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub AptListsNotRemoved {
///         code: "DO201", name: "apt-lists-not-removed", category: Size,
///         severity: Warning, fix: Sometimes, scope: EveryStage, aliases: ["DL3009"],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident {
            code: $code:literal,
            name: $rname:literal,
            category: $cat:ident,
            severity: $sev:ident,
            fix: $fix:ident,
            scope: $scope:ident,
            aliases: [$($alias:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $rname,
                category: $crate::rule::Category::$cat,
                severity: $crate::rule::Severity::$sev,
                fix: $crate::rule::FixKind::$fix,
                scope: $crate::rule::Scope::$scope,
                aliases: &[$($alias),*],
                raw_docs: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// Implement `Rule::meta` for a declared rule (used inside `impl Rule for X`).
#[macro_export]
macro_rules! rule_meta {
    () => {
        fn meta(&self) -> &'static $crate::rule::RuleMeta {
            &Self::META
        }
    };
}
