//! `word/document.xml`: paragraphs and tables in body order.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    P,
    PPr,
    NumPr,
    R,
    RPr,
    T,
    Other,
}

#[derive(Default)]
pub(super) struct Para {
    pub(super) text: String,
    /// Byte offsets in `text` where a page break (`w:br w:type="page"`) stood.
    pub(super) breaks: Vec<usize>,
    pub(super) style: Option<String>,
    pub(super) num_id: Option<i64>,
    pub(super) ilvl: Option<u8>,
    pub(super) outline: Option<u8>,
    pub(super) page_break_before: bool,
}

#[derive(Default)]
pub(super) struct Table {
    pub(super) row: Option<Vec<String>>,
    pub(super) cell: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StyleInfo {
    pub(super) heading: Option<u8>,
    pub(super) numbering: Option<(i64, Option<u8>)>,
}

pub(super) struct Body<'a> {
    pub(super) styles: &'a Styles,
    pub(super) numbering: &'a Numbering,
    pub(super) counters: Counters,
    pub(super) blocks: Vec<RawBlock>,
    pub(super) stack: Vec<Tag>,
    pub(super) paras: Vec<Para>,
    pub(super) tables: Vec<Table>,
    pub(super) hidden: Vec<bool>,
    pub(super) style_cache: Option<(String, StyleInfo)>,
}

impl<'a> Body<'a> {
    pub(super) fn new(styles: &'a Styles, numbering: &'a Numbering) -> Self {
        Body {
            styles,
            numbering,
            counters: Counters::default(),
            blocks: Vec::new(),
            stack: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            hidden: Vec::new(),
            style_cache: None,
        }
    }

    pub(super) fn top(&self) -> Option<Tag> {
        self.stack.last().copied()
    }

    pub(super) fn run(mut self, xml: &[u8]) -> std::result::Result<Vec<RawBlock>, String> {
        let mut r = DocxXml::new(xml)?;
        // Depth inside a skipped subtree (deleted text, tracked-change records, fallbacks …).
        let mut skip = 0usize;
        loop {
            let (ns, ev) = r.next()?;
            match ev {
                Event::Start(e) => {
                    if skip > 0 {
                        skip += 1;
                        continue;
                    }
                    if skipped(ns, e.local_name().as_ref(), self.top()) {
                        skip = 1;
                        continue;
                    }
                    let tag = self.start(ns, &e, false);
                    self.stack.push(tag);
                }
                Event::Empty(e) => {
                    if skip > 0 || skipped(ns, e.local_name().as_ref(), self.top()) {
                        continue;
                    }
                    self.start(ns, &e, true);
                }
                Event::End(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    self.stack.pop();
                    if ns == Ns::W {
                        self.end(e.local_name().as_ref());
                    }
                }
                Event::Text(t) if skip == 0 && self.top() == Some(Tag::T) && !self.is_hidden() => {
                    let s = match t.unescape() {
                        Ok(s) => s,
                        Err(_) => String::from_utf8_lossy(&t).into_owned().into(),
                    };
                    if let Some(p) = self.paras.last_mut() {
                        p.text.push_str(&s);
                    }
                }
                Event::CData(t) if skip == 0 && self.top() == Some(Tag::T) && !self.is_hidden() => {
                    if let Some(p) = self.paras.last_mut() {
                        p.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        while self
            .blocks
            .last()
            .is_some_and(|b| b.hint == Hint::PageBreak)
        {
            self.blocks.pop();
        }
        Ok(self.blocks)
    }

    pub(super) fn is_hidden(&self) -> bool {
        self.hidden.last().copied().unwrap_or(false)
    }

    /// Handles an opening (or empty) element; returns its tag for the stack.
    pub(super) fn start(&mut self, ns: Ns, e: &BytesStart<'_>, empty: bool) -> Tag {
        if ns != Ns::W {
            return Tag::Other;
        }
        let top = self.top();
        match e.local_name().as_ref() {
            b"p" if !empty => {
                self.paras.push(Para::default());
                return Tag::P;
            }
            b"pPr" if top == Some(Tag::P) => return Tag::PPr,
            b"pStyle" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = attr(e, b"val");
                }
            }
            b"numPr" if top == Some(Tag::PPr) => return Tag::NumPr,
            b"numId" if top == Some(Tag::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, b"val").and_then(|v| parse_int(&v));
                }
            }
            b"ilvl" if top == Some(Tag::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 8) as u8);
                }
            }
            b"outlineLvl" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 9) as u8);
                }
            }
            b"pageBreakBefore" if top == Some(Tag::PPr) => {
                if let Some(p) = self.paras.last_mut() {
                    p.page_break_before = parse_bool(attr(e, b"val").as_deref());
                }
            }
            b"r" if !empty => {
                self.hidden.push(false);
                return Tag::R;
            }
            b"rPr" if top == Some(Tag::R) => return Tag::RPr,
            b"vanish" | b"specVanish" if top == Some(Tag::RPr) => {
                if let Some(h) = self.hidden.last_mut() {
                    *h = parse_bool(attr(e, b"val").as_deref());
                }
            }
            b"t" if top == Some(Tag::R) => return Tag::T,
            b"tab" | b"ptab" if top == Some(Tag::R) => self.push_text("\t"),
            b"br" if top == Some(Tag::R) => {
                if attr(e, b"type").as_deref() == Some("page") {
                    let hidden = self.is_hidden();
                    if let Some(p) = self.paras.last_mut().filter(|_| !hidden) {
                        p.breaks.push(p.text.len());
                    }
                } else {
                    self.push_text("\n");
                }
            }
            b"cr" if top == Some(Tag::R) => self.push_text("\n"),
            b"noBreakHyphen" if top == Some(Tag::R) => self.push_text("-"),
            b"tbl" if !empty => self.tables.push(Table::default()),
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Vec::new());
                    if empty {
                        t.row = None;
                    }
                }
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    if empty {
                        if let Some(row) = t.row.as_mut() {
                            row.push(String::new());
                        }
                    } else {
                        t.cell = Some(String::new());
                    }
                }
            }
            _ => {}
        }
        Tag::Other
    }

    pub(super) fn push_text(&mut self, s: &str) {
        if self.is_hidden() {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    pub(super) fn end(&mut self, local: &[u8]) {
        match local {
            b"p" => {
                if let Some(p) = self.paras.pop() {
                    self.finish_paragraph(p);
                }
            }
            b"r" => {
                self.hidden.pop();
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    let cell = t.cell.take().unwrap_or_default();
                    if let Some(row) = t.row.as_mut() {
                        row.push(cell);
                    }
                }
            }
            b"tr" => {
                let Some(cells) = self.tables.last_mut().and_then(|t| t.row.take()) else {
                    return;
                };
                if cells.iter().all(|c| c.trim().is_empty()) {
                    return;
                }
                let n = self.tables.len();
                if n >= 2 {
                    // Nested table: flatten its row into the enclosing cell.
                    let joined = cells
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if let Some(cell) = self.tables[n - 2].cell.as_mut() {
                        append_spaced(cell, &joined);
                    }
                } else {
                    self.blocks.push(RawBlock {
                        text: cells.join("\t"),
                        hint: Hint::TableRow,
                    });
                }
            }
            b"tbl" => {
                self.tables.pop();
            }
            _ => {}
        }
    }

    /// Heading level and numbering of a paragraph style (consecutive paragraphs mostly
    /// share one style, so the last answer is kept).
    pub(super) fn style_info(&mut self, id: &str) -> StyleInfo {
        if let Some((cached, info)) = &self.style_cache {
            if cached == id {
                return *info;
            }
        }
        let info = StyleInfo {
            heading: self.styles.heading_level(id),
            numbering: self.styles.numbering(id),
        };
        self.style_cache = Some((id.to_owned(), info));
        info
    }

    pub(super) fn finish_paragraph(&mut self, p: Para) {
        let style = p
            .style
            .as_deref()
            .or(self.styles.default_paragraph.as_deref());
        let styles = self.styles;
        let info = style.map(|s| self.style_info(s)).unwrap_or_default();
        let style_num = |s: &str| styles.numbering(s).map(|(n, _)| n);
        let from_style = info.numbering;
        let num_id = p.num_id.or(from_style.map(|(n, _)| n));
        let label = num_id.and_then(|num_id| {
            let ilvl = p
                .ilvl
                .or(from_style.and_then(|(_, l)| l))
                .or_else(|| {
                    // Numbering from the style: the level that links back to it.
                    let s = style.filter(|_| p.num_id.is_none())?;
                    self.numbering.level_for_style(num_id, s, &style_num)
                })
                .unwrap_or(0);
            self.numbering
                .next_label(&mut self.counters, num_id, ilvl, &style_num)
        });
        let heading = match p.outline {
            Some(o) if o < 9 => Some(o + 1),
            Some(_) => None,
            None => info.heading,
        };
        let label = label.unwrap_or_default();

        // Inside a table cell: everything joins the cell's text.
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            let mut text = label;
            text.push_str(&p.text);
            append_spaced(cell, text.trim());
            return;
        }
        if p.page_break_before {
            self.page_break();
        }
        let hint = heading.map_or(Hint::None, Hint::Heading);
        let mut first = true;
        let mut last = 0;
        let segments = p
            .breaks
            .iter()
            .map(|&b| (b, true))
            .chain(std::iter::once((p.text.len(), false)));
        for (end, is_break) in segments {
            let seg = p.text.get(last..end).unwrap_or("");
            if !seg.trim().is_empty() {
                let mut text = String::with_capacity(label.len() + seg.len());
                if first {
                    text.push_str(&label);
                }
                text.push_str(seg);
                self.blocks.push(RawBlock {
                    text,
                    hint: if first { hint } else { Hint::None },
                });
                first = false;
            }
            if is_break {
                self.page_break();
            }
            last = end;
        }
    }

    pub(super) fn page_break(&mut self) {
        if self
            .blocks
            .last()
            .is_some_and(|b| b.hint != Hint::PageBreak)
        {
            self.blocks.push(RawBlock {
                text: String::new(),
                hint: Hint::PageBreak,
            });
        }
    }
}

pub(super) fn append_spaced(buf: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !buf.is_empty() {
        buf.push(' ');
    }
    buf.push_str(s);
}

/// Subtrees whose text must not be read.
pub(super) fn skipped(ns: Ns, local: &[u8], top: Option<Tag>) -> bool {
    match ns {
        Ns::Mc => local == b"Fallback",
        Ns::W => {
            matches!(
                local,
                b"del" | b"moveFrom" | b"sectPr" | b"sdtPr" | b"instrText" | b"delText"
                    | b"delInstrText" | b"tblPr" | b"tblGrid" | b"trPr" | b"tcPr"
            ) || local.ends_with(b"Change")
                // Run properties of the paragraph mark.
                || (local == b"rPr" && top == Some(Tag::PPr))
        }
        Ns::Other => false,
    }
}
