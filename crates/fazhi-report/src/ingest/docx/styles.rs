//! `word/styles.xml`: paragraph styles, their heading level and numbering.

use super::*;

#[derive(Debug, Default, Clone)]
pub(super) struct StyleDef {
    pub(super) name: Option<String>,
    pub(super) based_on: Option<String>,
    pub(super) outline: Option<u8>,
    pub(super) num_id: Option<i64>,
    pub(super) ilvl: Option<u8>,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    pub(super) map: HashMap<String, StyleDef>,
    pub(super) default_paragraph: Option<String>,
}

impl Styles {
    pub(super) fn parse(xml: &[u8]) -> std::result::Result<Styles, String> {
        let mut s = Styles::default();
        let mut r = DocxXml::new(xml)?;
        let mut cur: Option<(String, StyleDef)> = None;
        // Depth of skipped subtrees (rPr, tblPr, *Change …) inside a style.
        let mut skip = 0usize;
        let mut in_ppr = false;
        let mut in_numpr = false;
        while let Some((ns, tag)) = r.next_tag()? {
            let (e, empty) = match &tag {
                Tag::Open(e, empty) => (e, *empty),
                Tag::Close(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    if !is_w(&ns) {
                        continue;
                    }
                    match e.local_name().as_ref() {
                        b"style" => {
                            if let Some((id, def)) = cur.take() {
                                s.map.insert(id, def);
                            }
                            in_ppr = false;
                        }
                        b"pPr" => in_ppr = false,
                        b"numPr" => in_numpr = false,
                        _ => {}
                    }
                    continue;
                }
            };
            if skip > 0 {
                if !empty {
                    skip += 1;
                }
                continue;
            }
            if !is_w(&ns) {
                continue;
            }
            let local = e.local_name();
            let local = local.as_ref();
            if cur.is_none() {
                if local == b"style" && !empty {
                    let id = attr(e, b"styleId").unwrap_or_default();
                    let is_para = attr(e, b"type").as_deref().is_none_or(|t| t == "paragraph");
                    let is_default =
                        matches!(attr(e, b"default").as_deref(), Some("1" | "true" | "on"));
                    if is_para && is_default {
                        s.default_paragraph = Some(id.clone());
                    }
                    cur = Some((id, StyleDef::default()));
                } else if !empty && local != b"styles" {
                    // docDefaults, latentStyles …
                    skip = 1;
                }
                continue;
            }
            let Some((_, def)) = cur.as_mut() else {
                continue;
            };
            match local {
                b"name" => def.name = attr(e, b"val"),
                b"basedOn" => def.based_on = attr(e, b"val"),
                b"pPr" if !empty => in_ppr = true,
                b"numPr" if in_ppr && !empty => in_numpr = true,
                b"numId" if in_numpr => def.num_id = attr(e, b"val").and_then(|v| parse_int(&v)),
                b"ilvl" if in_numpr => {
                    def.ilvl = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 8) as u8)
                }
                b"outlineLvl" if in_ppr => {
                    def.outline = attr(e, b"val")
                        .and_then(|v| parse_int(&v))
                        .map(|v| v.clamp(0, 9) as u8)
                }
                _ if !empty
                    && (local.ends_with(b"Change")
                        || local == b"rPr"
                        || local.starts_with(b"tbl")
                        || local == b"trPr"
                        || local == b"tcPr") =>
                {
                    skip = 1;
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// Styles from `id` up the `w:basedOn` chain (cycle-safe).
    pub(super) fn chain<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s StyleDef> + 's {
        let mut next = Some(id);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let id = next?;
            steps += 1;
            if steps > 32 {
                return None;
            }
            let def = self.map.get(id)?;
            next = def.based_on.as_deref();
            Some(def)
        })
    }

    pub(super) fn heading_level(&self, id: &str) -> Option<u8> {
        let own_name = self.map.get(id).and_then(|d| d.name.as_deref());
        if let Some(level) = own_name.and_then(heading_from_name) {
            return Some(level);
        }
        if !self.map.contains_key(id) {
            if let Some(level) = heading_from_name(id) {
                return Some(level);
            }
        }
        for def in self.chain(id) {
            if let Some(o) = def.outline {
                return (o < 9).then_some(o + 1);
            }
        }
        None
    }

    /// Numbering a paragraph style carries (`w:numPr` in the style or a style it is based on).
    pub(super) fn numbering(&self, id: &str) -> Option<(i64, Option<u8>)> {
        let mut ilvl = None;
        for def in self.chain(id) {
            if ilvl.is_none() {
                ilvl = def.ilvl;
            }
            if let Some(n) = def.num_id {
                return Some((n, ilvl));
            }
        }
        None
    }
}

/// "heading 1", "Heading1", "标题 1", "标题1", "标题１" → 1.
pub(super) fn heading_from_name(name: &str) -> Option<u8> {
    let compact: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let rest = compact
        .strip_prefix("heading")
        .or_else(|| compact.strip_prefix("标题"))?;
    match rest.as_bytes() {
        [d @ b'1'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}
