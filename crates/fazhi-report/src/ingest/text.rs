//! Plain text (temporary UTF-8 only path; the full encoding detection lands with the ingest work).
use super::{Format, Hint, Ingested, Layout, Limits, RawBlock};
use crate::{Error, Result};

pub(super) fn ingest_text(bytes: &[u8], limits: &Limits) -> Result<Ingested> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Encoding)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.chars().count() > limits.max_text_chars {
        return Err(Error::TooLarge {
            limit_name: "文字字数",
            size: text.chars().count() as u64,
            limit: limits.max_text_chars as u64,
        });
    }
    Ok(Ingested {
        format: Format::Text { encoding: "UTF-8" },
        layout: Layout::Lines,
        blocks: text
            .lines()
            .map(|l| RawBlock {
                text: l.to_string(),
                hint: Hint::None,
            })
            .collect(),
    })
}
