//! Generated documentation: `docs/rules/<CODE>.md` and the index `docs/rules/README.md`, rendered
//! from the rules' metadata. `tests/docs.rs` fails when the files on disk are stale
//! (`DOCKOPT_UPDATE_DOCS=1 cargo test --test docs` rewrites them).

use crate::rule::FixKind;
use crate::rules;

/// The rule page (same text as `dockopt rules CODE --format markdown`).
pub fn rule_page(m: &crate::rule::RuleMeta) -> String {
    crate::commands::rules::markdown_page(m)
}

/// The index of every rule.
pub fn rules_index() -> String {
    let all = rules::all();
    let fixable = all.iter().filter(|r| r.meta().fix != FixKind::None).count();
    let mut s = format!(
        "# Rules\n\n{} rules; {} of them can fix what they find (the Fix column). Generated from \
         the rules' metadata: do not edit by hand.\n\n\
         | Code | Name | Category | Severity | Fix | Looks at | Aliases |\n\
         |---|---|---|---|---|---|---|\n",
        all.len(),
        fixable
    );
    for r in all {
        let m = r.meta();
        let fix = match m.fix {
            FixKind::None => "",
            FixKind::Sometimes => "sometimes",
            FixKind::Always => "yes",
        };
        let scope = match m.scope {
            crate::rule::Scope::EveryStage => "every stage",
            crate::rule::Scope::FinalStage => "final stage",
            crate::rule::Scope::File => "file",
        };
        s.push_str(&format!(
            "| [{code}]({code}.md) | {name} | {cat} | {sev} | {fix} | {scope} | {aliases} |\n",
            code = m.code,
            name = m.name,
            cat = m.category.as_str(),
            sev = m.severity.as_str(),
            aliases = m
                .aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" "),
        ));
    }
    s
}

/// hadolint's rule codes (the rule table of its README, and DL3064–DL3067 of hadolint 2.15), for
/// the migration guide: the codes dockopt has no alias for are listed there as not covered.
/// (DL1000, hadolint's code for a parse error, is not a rule.)
pub const HADOLINT_RULES: &[&str] = &[
    "DL1001", "DL3000", "DL3001", "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3008",
    "DL3009", "DL3010", "DL3011", "DL3012", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018",
    "DL3019", "DL3020", "DL3021", "DL3022", "DL3023", "DL3024", "DL3025", "DL3026", "DL3027",
    "DL3028", "DL3029", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036", "DL3037",
    "DL3038", "DL3040", "DL3041", "DL3042", "DL3043", "DL3044", "DL3045", "DL3046", "DL3047",
    "DL3048", "DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056",
    "DL3057", "DL3058", "DL3059", "DL3060", "DL3061", "DL3062", "DL3063", "DL3064", "DL3065",
    "DL3066", "DL3067", "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
];

/// The hadolint → dockopt code table of `docs/migrating-from-hadolint.md`, from the rules'
/// `DL` aliases, and the hadolint rules no dockopt rule covers.
pub fn hadolint_mapping() -> String {
    let mut by_code: std::collections::BTreeMap<&str, Vec<&crate::rule::RuleMeta>> =
        std::collections::BTreeMap::new();
    for r in rules::all() {
        let m = r.meta();
        for a in m.aliases.iter().filter(|a| a.starts_with("DL")) {
            by_code.entry(a).or_default().push(m);
        }
    }
    let mut s =
        String::from("| hadolint | dockopt | Name | Severity | Fix |\n|---|---|---|---|---|\n");
    for (dl, metas) in &by_code {
        for m in metas {
            let fix = match m.fix {
                FixKind::None => "",
                FixKind::Sometimes => "sometimes",
                FixKind::Always => "yes",
            };
            s.push_str(&format!(
                "| {dl} | [{code}](rules/{code}.md) | {name} | {sev} | {fix} |\n",
                code = m.code,
                name = m.name,
                sev = m.severity.as_str(),
            ));
        }
    }
    let missing: Vec<&str> = HADOLINT_RULES
        .iter()
        .filter(|c| !by_code.contains_key(*c))
        .copied()
        .collect();
    s.push_str(&format!(
        "\n{} of hadolint's {} `DL` rules have a dockopt equivalent. Not covered: {}.\n",
        HADOLINT_RULES.len() - missing.len(),
        HADOLINT_RULES.len(),
        missing
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s
}

/// The Dockerfile the examples of `docs/output-formats.md` are made from.
pub const FORMAT_EXAMPLE: &str =
    "FROM python\nRUN pip install flask==3.0.3\nUSER 10001\nCMD python app.py\n";

/// `dockopt lint --format <format> Dockerfile` on [`FORMAT_EXAMPLE`], as the docs show it.
pub fn format_example(format: crate::output::Format) -> String {
    let diags = crate::linter::lint(
        FORMAT_EXAMPLE,
        Some(std::path::Path::new("Dockerfile")),
        &crate::linter::BuildContext::default(),
        &crate::settings::Settings::default(),
    )
    .diagnostics;
    let files = [crate::output::FileReport::new(
        "Dockerfile".into(),
        FORMAT_EXAMPLE.to_string(),
        diags,
    )];
    let mut out = Vec::new();
    // writing to a Vec cannot fail
    let _ = crate::output::write(format, &files, false, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
