use crate::rule::{Context, Rule};
use crate::syntax::{Args, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port BuildKit rejects: a number outside 0–65535, a range whose end is
    /// below its start, something that is not a number, or a protocol other than `tcp`, `udp`
    /// and `sctp`. Ports written with variables (`EXPOSE $PORT`) are not checked.
    ///
    /// ## Why is this bad?
    /// The build fails at that instruction ("invalid containerPort"), after every step before it
    /// has run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3011) checks only the range of the numbers; dockopt reports every port spec
    /// BuildKit would refuse. Like hadolint, it reports an instruction once, however many of its
    /// ports are wrong.
    pub InvalidExposePort {
        code: "DO102",
        name: "invalid-expose-port",
        category: Correctness,
        severity: Error,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3011"],
    }
}

/// A port number as BuildKit reads one.
fn port_number(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Err("an empty port".into());
    }
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a port number"));
    }
    match digits.trim_start_matches('0').len() {
        0 => Ok(0),
        n if n > 5 => Err(format!("port {s} is out of range (0–65535)")),
        _ => match digits.parse::<u32>() {
            Ok(p) if p <= 65535 => Ok(p),
            _ => Err(format!("port {s} is out of range (0–65535)")),
        },
    }
}

fn port_range(s: &str) -> Result<(), String> {
    let (start, end) = match s.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let a = port_number(start)?;
    if let Some(end) = end.filter(|e| *e != start) {
        let b = port_number(end)?;
        if b < a {
            return Err(format!("range {s} ends before it starts"));
        }
    }
    Ok(())
}

/// Why BuildKit would reject one EXPOSE word, if it would.
pub fn problem(word: &str) -> Option<String> {
    let parts: Vec<&str> = word.split(':').collect();
    let container = parts[parts.len() - 1];
    let host = (parts.len() >= 2).then(|| parts[parts.len() - 2]);
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Some("no port given".into());
    }
    if !matches!(
        proto.to_ascii_lowercase().as_str(),
        "" | "tcp" | "udp" | "sctp"
    ) {
        return Some(format!("`{proto}` is not a protocol (tcp, udp or sctp)"));
    }
    if let Err(e) = port_range(port) {
        return Some(e);
    }
    if let Some(h) = host.filter(|h| !h.is_empty()) {
        return port_range(h).err().map(|e| format!("host part: {e}"));
    }
    None
}

impl Rule for InvalidExposePort {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for ins in &ctx.semantic.instructions {
            let Args::Words(words) = &ins.args else {
                continue;
            };
            if ins.kind != Kind::Expose {
                continue;
            }
            let mut bad = words.iter().filter_map(|t| {
                let raw = ins.text_of(*t);
                if raw.contains('$') {
                    return None;
                }
                let w = raw.trim_matches(|c| c == '"' || c == '\'');
                problem(w).map(|p| (t.span, p))
            });
            let Some((span, first)) = bad.next() else {
                continue;
            };
            let more = bad.count();
            let msg = if more == 0 {
                format!("invalid `EXPOSE` port: {first}")
            } else {
                format!("invalid `EXPOSE` port: {first} (and {more} more in this instruction)")
            };
            ctx.report(span, msg).help(
                "use a port number from 0 to 65535, optionally with `/tcp`, `/udp` or `/sctp`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn ports() {
        for ok in [
            "80",
            "80/tcp",
            "53/UDP",
            "8000-8010",
            "0",
            "65535",
            "1-1",
            "8080:80",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "65536",
            "80/http",
            "x",
            "90-80",
            "/tcp",
            "1-99999",
            "999999999999",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
