use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Args, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port with an IP address or a host port (`EXPOSE 8080:80`,
    /// `EXPOSE 127.0.0.1:80:80`).
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only records which container ports the image listens on; it never publishes a
    /// port on the host. BuildKit drops the address and the host port and keeps the container
    /// port, so the line does not do what it seems to, and a future BuildKit will reject it.
    /// Publish ports when running the container (`docker run -p 8080:80`).
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080:80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the container port (and protocol) is kept, which is all BuildKit writes to
    /// the image config. Not offered when the port is not valid (BuildKit rejects it anyway).
    pub ExposeInvalidFormat {
        code: "DO145",
        name: "expose-invalid-format",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["buildkit:ExposeInvalidFormat"],
    }
}

/// BuildKit's `splitParts`: (ip, host port, container port).
fn split_parts(raw: &str) -> (String, &str, &str) {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.len() {
        1 => (String::new(), "", parts[0]),
        2 => (String::new(), parts[0], parts[1]),
        n => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    }
}

fn port_range(s: &str) -> Option<(u32, u32)> {
    let num = |p: &str| p.parse::<u32>().ok().filter(|n| *n <= 65535);
    match s.split_once('-') {
        None => num(s).map(|n| (n, n)),
        Some((a, b)) if a == b => num(a).map(|n| (n, n)),
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b)?);
            (b >= a).then_some((a, b))
        }
    }
}

/// Would BuildKit accept this port spec? Then keeping the container part changes nothing.
fn valid(ip: &str, host: &str, container: &str) -> bool {
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if !matches!(
        proto.to_ascii_lowercase().as_str(),
        "" | "tcp" | "udp" | "sctp"
    ) {
        return false;
    }
    let Some((c0, c1)) = port_range(port) else {
        return false;
    };
    if !ip.is_empty() {
        let bare = ip
            .strip_prefix('[')
            .and_then(|i| i.strip_suffix(']'))
            .unwrap_or(ip);
        if bare.parse::<std::net::IpAddr>().is_err() {
            return false;
        }
    }
    if !host.is_empty() {
        let Some((h0, h1)) = port_range(host) else {
            return false;
        };
        if h1 - h0 != c1 - c0 && c1 != c0 {
            return false;
        }
    }
    true
}

impl Rule for ExposeInvalidFormat {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let escape = ctx.semantic.escape();
        for ins in &ctx.semantic.instructions {
            let ins = match ins.trigger() {
                Some(t) => t,
                None => *ins,
            };
            if ins.kind != Kind::Expose {
                continue;
            }
            let Args::Words(words) = &ins.args else {
                continue;
            };
            for w in words {
                let text = ins.text_of(*w);
                if text.contains(['$', '"', '\'', escape]) {
                    continue;
                }
                let (ip, host, container) = split_parts(text);
                if ip.is_empty() && host.is_empty() {
                    continue;
                }
                let what = if ip.is_empty() {
                    "a host port"
                } else {
                    "an IP address"
                };
                let fix = valid(&ip, host, container).then(|| {
                    Fix::safe(
                        format!("keep only `{container}`"),
                        vec![Edit::replace(w.span, container)],
                    )
                });
                ctx.report_fix(
                    w.span,
                    format!("`EXPOSE {text}` has {what}, which EXPOSE ignores"),
                    format!(
                        "write `EXPOSE {container}` and publish ports at run time (`docker run -p`)"
                    ),
                    fix,
                );
            }
        }
    }
}
