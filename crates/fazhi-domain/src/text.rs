//! Rules for the text people type into names: organisation names and codes, file names.
//! One place, so the pages, the API, the imports and the CLI refuse the same things.

/// Zero-width characters, bidi controls and other invisible format characters (Unicode
/// category Cf and fillers that render as nothing): they make two names look alike
/// ("青川市司法局" and "青川市司\u{200B}法局") or reverse the text shown after them
/// (U+202E before "xcod.exe" makes "报告" + U+202E + "xcod.exe" read as "报告exe.docx").
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Why a name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong {
        max: usize,
    },
    /// Control characters (line breaks, NUL …) or invisible ones ([`is_invisible`]).
    Hidden,
}

impl NameProblem {
    /// The refusal in Chinese, naming the field (`what`: 区划名称, 单位代码 …).
    pub fn message(self, what: &str) -> String {
        match self {
            NameProblem::Empty => format!("{what}不能为空"),
            NameProblem::TooLong { max } => format!("{what}不能超过 {max} 个字符"),
            NameProblem::Hidden => format!(
                "{what}不能含控制字符或不可见字符（如零宽字符、文字方向控制符），请重新输入"
            ),
        }
    }
}

/// A name as stored: trimmed, not empty, at most `max` characters, without control or
/// invisible characters.
pub fn check_name(value: &str, max: usize) -> Result<String, NameProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(NameProblem::Empty);
    }
    if v.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(NameProblem::Hidden);
    }
    if v.chars().count() > max {
        return Err(NameProblem::TooLong { max });
    }
    Ok(v.to_string())
}

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A received file's name as kept and shown: the last path component, without control or
/// invisible characters, at most [`MAX_FILE_NAME_CHARS`] characters; "未命名文件" when
/// nothing is left. A file name is cleaned rather than refused: the person chose the file,
/// not its name.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "未命名文件".into()
    } else {
        cleaned.to_string()
    }
}

/// A size as people read it in a message: `20 MB`, `1.5 MB`, `256 KB`, `10 字节` (at most
/// one decimal, none when whole; 1 KB = 1,024 bytes). The one wording of every limit the
/// platform names (uploads, bodies, inflated workbooks).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let one_decimal = |v: f64| {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    if bytes >= MB {
        format!("{} MB", one_decimal(bytes as f64 / MB as f64))
    } else if bytes >= KB {
        format!("{} KB", one_decimal(bytes as f64 / KB as f64))
    } else {
        format!("{bytes} 字节")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_with_hidden_characters_are_refused() {
        assert_eq!(check_name(" 青川市 ", 10), Ok("青川市".into()));
        assert_eq!(check_name("  ", 10), Err(NameProblem::Empty));
        assert_eq!(
            check_name("一二三", 2),
            Err(NameProblem::TooLong { max: 2 })
        );
        for bad in [
            "青川\u{202E}市",
            "青川\u{200B}市",
            "青川\u{2066}市",
            "青川\u{FEFF}市",
            "青川\n市",
            "青川\u{0}市",
        ] {
            assert_eq!(check_name(bad, 10), Err(NameProblem::Hidden), "{bad:?}");
        }
        assert!(NameProblem::Hidden
            .message("单位名称")
            .starts_with("单位名称"));
    }

    #[test]
    fn sizes_read_like_people_say_them() {
        assert_eq!(human_size(20 * 1024 * 1024), "20 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(512 * 1024), "512 KB");
        assert_eq!(human_size(256 * 1024), "256 KB");
        assert_eq!(human_size(4096), "4 KB");
        assert_eq!(human_size(1100), "1.1 KB");
        assert_eq!(human_size(10), "10 字节");
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\报告\\年度报告.docx"), "年度报告.docx");
        assert_eq!(clean_file_name("报告\u{202E}xcod.exe"), "报告xcod.exe");
        assert_eq!(clean_file_name("a\u{200B}b\u{0}.txt"), "ab.txt");
        assert_eq!(clean_file_name("\u{200B}"), "未命名文件");
        assert_eq!(clean_file_name(&"长".repeat(300)).chars().count(), 200);
    }

    proptest! {
        #[test]
        fn cleaned_names_hold_nothing_hidden(name in "\\PC{0,40}|[\\s\\S]{0,40}") {
            let c = clean_file_name(&name);
            prop_assert!(!c.is_empty());
            prop_assert!(!c.chars().any(|c| c.is_control() || is_invisible(c)));
            prop_assert!(c.chars().count() <= MAX_FILE_NAME_CHARS);
            if let Ok(n) = check_name(&name, 40) {
                prop_assert!(!n.chars().any(|c| c.is_control() || is_invisible(c)));
            }
        }
    }
}
