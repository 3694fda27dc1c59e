//! Password hashing: argon2id PHC strings, next to the password policy ([`crate::policy`]).
//!
//! The one place that knows how a password is kept, for the web's logins, the CLI's admin
//! accounts and the demo's generated accounts. Drawing a salt reads the system's random
//! source; nothing else here touches the outside world.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// argon2id with the crate's default parameters (19 MiB, 2 passes), as a PHC string.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a generated salt")
        .to_string()
}

/// Constant-time verification against a PHC string; a malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Whether `hash` is a well-formed PHC string (what [`hash_password`] makes).
pub fn is_phc_string(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("Fazhi-2025");
        assert!(h.starts_with("$argon2id$"));
        assert!(is_phc_string(&h));
        assert!(verify_password(&h, "Fazhi-2025"));
        assert!(!verify_password(&h, "fazhi-2025"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!is_phc_string("not a hash"));
    }
}
