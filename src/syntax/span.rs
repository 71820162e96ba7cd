//! Byte spans into the source text and the line index that turns them into
//! line/column positions when (and only when) something is rendered.

use serde::Serialize;

/// A half-open byte range `[start, end)` into a file's source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    #[inline]
    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    #[inline]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[inline]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    #[inline]
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    #[inline]
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The text this span covers. Panics only if the span does not belong to `src`.
    #[inline]
    pub fn text(self, src: &str) -> &str {
        &src[self.range()]
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Start offsets of every line, built once per file when positions are needed.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(src.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i as u32 + 1));
        LineIndex { starts }
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line0: usize) -> u32 {
        self.starts[line0]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and column (columns count characters, a tab is one column).
    pub fn position(&self, src: &str, offset: u32) -> LineCol {
        let offset = offset.min(src.len() as u32);
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let mut column = src[start..end].chars().count() as u32 + 1;
        // A byte-order mark is not a column.
        if line == 0 && end >= 3 && src.starts_with('\u{feff}') {
            column -= 1;
        }
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// Position of the last character of a non-empty span (for inclusive end positions),
    /// or of the start for an empty one.
    pub fn end_position(&self, src: &str, span: Span) -> LineCol {
        if span.is_empty() {
            return self.position(src, span.start);
        }
        // Exclusive end column: one past the last character, on the last character's line.
        let mut last = span.end as usize - 1;
        while !src.is_char_boundary(last) {
            last -= 1;
        }
        // Do not let a trailing newline push the end onto the next line.
        let mut end = span.end as usize;
        if src.as_bytes()[last] == b'\n' {
            end = last;
            if end > span.start as usize && src.as_bytes()[end - 1] == b'\r' {
                end -= 1;
            }
        }
        self.position(src, end as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let src = "FROM a\nRUN é x\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.position(src, 7), LineCol { line: 2, column: 1 });
        // "RUN é " : the x is the 7th character, byte 7+7 (é is 2 bytes)
        let x = src.find('x').unwrap() as u32;
        assert_eq!(idx.position(src, x), LineCol { line: 2, column: 7 });
    }

    #[test]
    fn end_position_stays_on_the_line() {
        let src = "FROM a\r\nRUN b\n";
        let idx = LineIndex::new(src);
        let line1 = Span::new(0, 8);
        assert_eq!(idx.end_position(src, line1), LineCol { line: 1, column: 7 });
    }
}
