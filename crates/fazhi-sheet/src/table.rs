//! A sheet as a header and data rows, with columns found by name.

use crate::Row;

/// The first non-blank row is the header; the rest are data rows. Columns are found by
/// name, tolerant of white space (also full-width), a required-field star and letter case,
/// so people may reorder columns, add their own, or type `代 码 *`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Row,
    pub rows: Vec<Row>,
}

impl Table {
    /// `None` when there is no non-blank row at all.
    pub fn from_rows(rows: Vec<Row>) -> Option<Table> {
        let mut it = rows.into_iter().skip_while(Row::is_blank);
        let header = it.next()?;
        Some(Table {
            header,
            rows: it.filter(|r| !r.is_blank()).collect(),
        })
    }

    /// The 0-based index of the first column whose header reads as `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = normalize_header(name);
        self.header
            .cells
            .iter()
            .position(|h| normalize_header(h) == wanted)
    }

    /// Indices of `names`, or the names not found (in the order asked).
    pub fn columns(&self, names: &[&str]) -> Result<Vec<usize>, Vec<String>> {
        let mut found = Vec::with_capacity(names.len());
        let mut missing = Vec::new();
        for n in names {
            match self.column(n) {
                Some(i) => found.push(i),
                None => missing.push(n.to_string()),
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(missing)
        }
    }
}

/// A header cell as compared: no white space (ASCII, full-width, no-break), no `*` / `＊`
/// marks, ASCII letters lower-cased.
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '\u{feff}'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn header_by_name() {
        let t = Table::from_rows(vec![
            row(1, &[" ", ""]),
            row(2, &[" 名称 ", "代\u{3000}码*", "Remark"]),
            row(3, &["青川市", "991000"]),
        ])
        .unwrap();
        assert_eq!(t.header.line, 2);
        assert_eq!(t.column("代码"), Some(1));
        assert_eq!(t.column("remark"), Some(2));
        assert_eq!(
            t.columns(&["名称", "类别", "上级代码"]).unwrap_err(),
            vec!["类别", "上级代码"]
        );
        assert_eq!(t.rows.len(), 1);
        assert!(Table::from_rows(vec![row(1, &[""])]).is_none());
    }
}
