//! `.dockerignore` reading and matching never panic, whatever the patterns and the paths.
#![no_main]

use dockopt::dockerignore::DockerIgnore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let ignore = DockerIgnore::parse(&src);
    let _ = ignore.problems().count();
    let _ = ignore.patterns().count();
    for path in [
        "",
        ".",
        "a",
        "a/b/c",
        "./x//y/",
        "../up",
        "/abs",
        ".git/HEAD",
        "é/ü",
    ] {
        let _ = ignore.is_excluded(path);
    }
    // the lines themselves as paths
    for line in src.lines().take(8) {
        let _ = ignore.is_excluded(line);
    }
});
