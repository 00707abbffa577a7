//! The bundled fonts (BIZ UD Gothic and Mincho, SIL OFL 1.1, under templates/fonts/), compiled
//! into the binary so every machine typesets with the same glyphs, and the coverage check
//! that keeps a character the fonts lack out of the documents (PDF/A export fails on it).

use std::sync::OnceLock;

/// (file name, bytes) of every bundled font.
pub const FONTS: [(&str, &[u8]); 3] = [
    (
        "BIZUDGothic-Regular.ttf",
        include_bytes!("../templates/fonts/BIZUDGothic-Regular.ttf"),
    ),
    (
        "BIZUDGothic-Bold.ttf",
        include_bytes!("../templates/fonts/BIZUDGothic-Bold.ttf"),
    ),
    (
        "BIZUDMincho-Regular.ttf",
        include_bytes!("../templates/fonts/BIZUDMincho-Regular.ttf"),
    ),
];

fn faces() -> &'static Vec<ttf_parser::Face<'static>> {
    static FACES: OnceLock<Vec<ttf_parser::Face<'static>>> = OnceLock::new();
    FACES.get_or_init(|| {
        FONTS
            .iter()
            .map(|(name, bytes)| {
                ttf_parser::Face::parse(bytes, 0)
                    .unwrap_or_else(|e| panic!("bundled font {name}: {e}"))
            })
            .collect()
    })
}

/// Whether every bundled font has a glyph for `c`. Line breaks and tabs are layout, not glyphs.
pub fn covers(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t') || faces().iter().all(|f| f.glyph_index(c).is_some())
}

/// The characters of `text` the fonts cannot print, each once, in order of appearance.
pub fn missing_chars(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !covers(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Names a character for a message: the character and its code point.
pub fn describe(c: char) -> String {
    format!("「{c}」(U+{:04X})", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_is_covered() {
        assert!(
            missing_chars("東京中高年世代活躍応援プロジェクト協議会 ①②③ 青ヶ島村 髙橋 1,234人")
                .is_empty()
        );
    }

    #[test]
    fn emoji_and_private_use_are_not() {
        assert_eq!(missing_chars("よろしく😀\u{E000}"), vec!['😀', '\u{E000}']);
        assert_eq!(describe('😀'), "「😀」(U+1F600)");
    }
}
