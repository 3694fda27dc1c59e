use crate::{DomainError, Part};
use serde::Deserialize;

/// 报告提纲: the parts a report must contain, per province. Loaded from
/// `frameworks/outlines/*.toml` (flat nodes with stable code, parent and order).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Outline {
    pub code: String,
    pub name: String,
    pub basis: String,
    pub parts: Vec<OutlinePart>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct OutlinePart {
    pub code: String,
    pub parent: String,
    pub order: u32,
    pub part: Part,
    pub title: String,
    pub required: bool,
}

impl Outline {
    pub fn from_toml(text: &str) -> Result<Outline, DomainError> {
        let mut outline: Outline =
            toml::from_str(text).map_err(|e| DomainError::toml("提纲文件", text, e))?;
        if outline.parts.is_empty() {
            return Err(DomainError::Outline("提纲中没有任何事项".into()));
        }
        if let Some(p) = outline.parts.iter().find(|p| p.parent != outline.code) {
            return Err(DomainError::Outline(format!(
                "事项 {} 的 parent “{}” 不是提纲 “{}”",
                p.code, p.parent, outline.code
            )));
        }
        outline.parts.sort_by_key(|p| p.order);
        Ok(outline)
    }

    /// A built-in outline by name (`national`, `guangdong`).
    pub fn builtin(name: &str) -> Result<Outline, DomainError> {
        crate::Frameworks::builtin().outline(name).cloned()
    }

    pub fn builtin_names() -> Vec<&'static str> {
        crate::Frameworks::builtin().outline_names()
    }

    pub fn national() -> Outline {
        crate::Frameworks::builtin().national().clone()
    }

    /// The distinct parts this outline requires, in outline order.
    pub fn required_parts(&self) -> Vec<Part> {
        let mut out = Vec::new();
        for p in self.parts.iter().filter(|p| p.required) {
            if !out.contains(&p.part) {
                out.push(p.part);
            }
        }
        out
    }

    /// How many sections of `part` the outline asks for (Guangdong has two `thought` parts).
    pub fn count_of(&self, part: Part) -> usize {
        self.parts.iter().filter(|p| p.part == part).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load() {
        let n = Outline::national();
        assert_eq!(n.parts.len(), 5);
        assert_eq!(n.required_parts().len(), 5);
        let g = Outline::builtin("guangdong").unwrap();
        assert_eq!(g.parts.len(), 7);
        assert_eq!(g.count_of(Part::Thought), 2);
        assert_eq!(g.parts[0].part, Part::Thought);
    }

    #[test]
    fn unknown_outline_names_the_choices() {
        let e = Outline::builtin("mars").unwrap_err().to_string();
        assert!(e.contains("national") && e.contains("guangdong"), "{e}");
    }

    #[test]
    fn bad_parent_is_refused() {
        let text = "code='x'\nname='n'\nbasis='b'\n[[parts]]\ncode='x.a'\nparent='y'\norder=1\npart='other'\ntitle='t'\nrequired=true\n";
        assert!(Outline::from_toml(text).is_err());
    }
}
