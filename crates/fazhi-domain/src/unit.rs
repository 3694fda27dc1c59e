use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 单位简称表: short department names and their full form (frameworks/unit_aliases.toml).
#[derive(Debug, Clone)]
pub struct UnitAliases {
    /// (short, full), longest short name first so that 科工信局 wins over 工信局.
    pairs: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct RawAliases {
    aliases: BTreeMap<String, String>,
}

/// Administrative-division suffixes that may stand right before a department name.
const REGION_SUFFIXES: &[char] = &['省', '市', '区', '县', '州', '旗', '盟', '镇', '乡'];

impl UnitAliases {
    pub fn from_toml(text: &str) -> Result<UnitAliases, DomainError> {
        let raw: RawAliases =
            toml::from_str(text).map_err(|e| DomainError::toml("单位简称表", text, e))?;
        let mut pairs: Vec<(String, String)> = raw.aliases.into_iter().collect();
        pairs.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Ok(UnitAliases { pairs })
    }

    /// The full form of a department name, if `name` ends with a known short form that stands
    /// alone or right after an administrative-division suffix (解放区|科工局).
    fn expand(&self, name: &str) -> Option<String> {
        for (short, full) in &self.pairs {
            if let Some(prefix) = name.strip_suffix(short.as_str()) {
                let at_boundary = prefix.is_empty()
                    || prefix.ends_with(REGION_SUFFIXES)
                    || prefix.ends_with("自治");
                if at_boundary {
                    return Some(format!("{prefix}{full}"));
                }
            }
        }
        None
    }
}

impl Default for UnitAliases {
    fn default() -> Self {
        crate::Frameworks::builtin().aliases.clone()
    }
}

/// A unit's name as written and its normalised form, so that one unit's reports of
/// different years match (解放区科工局 ≡ 解放区科技和工业信息化局).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitName {
    pub written: String,
    pub normalized: String,
}

impl UnitName {
    /// Returns `None` when nothing of a name is left after cleaning.
    pub fn parse(written: &str, aliases: &UnitAliases) -> Option<UnitName> {
        let written: String = written
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '#' | '\u{3000}'))
            .collect();
        let core = written
            .strip_suffix("文件")
            .unwrap_or(&written)
            .trim_start_matches("中共")
            .to_string();
        if core.is_empty() {
            return None;
        }
        let mut normalized = aliases.expand(&core).unwrap_or_else(|| core.clone());
        // A bare region stands for its government: 白沙镇 ≡ 白沙镇人民政府.
        if normalized.ends_with("街道") {
            normalized.push_str("办事处");
        } else if normalized.chars().count() <= 8
            && normalized.ends_with(REGION_SUFFIXES)
            && !normalized.ends_with("政府")
        {
            normalized.push_str("人民政府");
        }
        Some(UnitName {
            written: written.strip_suffix("文件").unwrap_or(&written).to_string(),
            normalized,
        })
    }

    /// True when both names denote the same unit. A name without its region
    /// (县科工信局) matches the full one (古丈县科技和工业信息化局) when the rest agrees.
    pub fn same_unit(&self, other: &UnitName) -> bool {
        let (a, b) = (&self.normalized, &other.normalized);
        if a == b {
            return true;
        }
        let (short, long) = if a.chars().count() <= b.chars().count() {
            (a, b)
        } else {
            (b, a)
        };
        // Only a bare region level (县/区/市 …) may be missing, not a differing name.
        let mut chars = short.chars();
        match chars.next() {
            Some(first) if REGION_SUFFIXES.contains(&first) => {
                long.ends_with(short.as_str())
                    && long[..long.len() - short.len()].chars().count() >= 1
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> UnitName {
        UnitName::parse(s, &UnitAliases::default()).unwrap()
    }

    #[test]
    fn short_and_full_names_match() {
        assert_eq!(n("解放区科工局").normalized, "解放区科技和工业信息化局");
        assert_eq!(
            n("解放区科技和工业信息化局").normalized,
            "解放区科技和工业信息化局"
        );
        assert_eq!(n("古丈县科工信局").normalized, "古丈县科技和工业信息化局");
        assert_eq!(n("某某市科技局").normalized, "某某市科学技术局");
        assert_eq!(n("科工局").normalized, "科技和工业信息化局");
    }

    #[test]
    fn header_suffix_and_spaces_are_dropped() {
        let u = n("古丈县科技和工业信息化局文件");
        assert_eq!(u.written, "古丈县科技和工业信息化局");
        assert_eq!(
            n("吴川市 科工贸和信息化局").written,
            "吴川市科工贸和信息化局"
        );
    }

    #[test]
    fn a_bare_region_is_its_government() {
        assert_eq!(n("白沙镇").normalized, "白沙镇人民政府");
        assert!(n("白沙镇").same_unit(&n("白沙镇人民政府")));
        assert_eq!(n("东城街道").normalized, "东城街道办事处");
    }

    #[test]
    fn alias_needs_a_boundary() {
        // 农科工局 is not 农 + 科工局.
        assert_eq!(n("某县农科工局").normalized, "某县农科工局");
    }

    #[test]
    fn different_regions_differ() {
        assert!(!n("古丈县科技和工业信息化局").same_unit(&n("古文县科技和工业信息化局")));
        assert!(n("县科工信局").same_unit(&n("古丈县科技和工业信息化局")));
        assert!(n("解放区科工局").same_unit(&n("解放区科技和工业信息化局")));
    }
}
