//! Reading stored results back: rule ids, legal bases, score keys and encodings are
//! `&'static str` in the engine (they come from the rule table). A stored result read back
//! from the database gets its strings interned here, so the types stay as they are and a
//! long-running server does not allocate the same few dozen strings for every page.
//!
//! The set is bounded by the distinct strings the engine ever produced (rule ids, bases,
//! labels), so leaking each distinct string once is the right trade.

use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// `&'static str` under another name: serde borrows a field spelled `&str` from the input
/// (demanding `'de: 'static`), which would make the containing types impossible to read
/// from a transient buffer. Under this alias the field goes through [`de`] instead.
pub type StaticStr = &'static str;

/// Returns a `'static` copy of `s`, allocating only the first time a string is seen.
pub fn intern(s: &str) -> &'static str {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let set = SET.get_or_init(|| Mutex::new(HashSet::new()));
    let mut set = set.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = set.get(s) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    leaked
}

/// `#[serde(deserialize_with = "crate::intern::de")]` for `&'static str` fields.
pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
    Ok(intern(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_string_same_pointer() {
        let a = intern(&String::from("part-missing"));
        let b = intern(&String::from("part-missing"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "part-missing");
    }
}
