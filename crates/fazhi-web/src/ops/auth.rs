//! Who is signed in: passwords, one-time passwords, logins and their throttle, sessions and
//! API tokens.

use crate::auth::{token_hash, Principal};
use crate::error::{Error, Result};
use crate::AppState;
use base64::Engine as _;
use chrono::{Duration, Utc};
use fazhi_domain::{policy, TokenId};
use fazhi_store::{Actor, PasswordSet, Session, User};
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use fazhi_domain::password::{hash_password, verify_password};

/// 32 random bytes, URL-safe base64 (no padding), with a prefix saying what it is.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A one-time password people can type: 12 characters from an alphabet without 0/O, 1/l/I,
/// drawn again until it passes the password policy (upper- and lower-case letters and a
/// digit, not repetitive, not common), so it is never weaker than what its owner must pick.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    loop {
        let mut bytes = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let s: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        if policy::check_password(&s, "").is_ok() {
            return s;
        }
    }
}

/// Failed password checks (logins, and the old password of a password change) in a sliding
/// window, counted twice: per (login, address), which waits after [`Self::MAX_FAILURES`],
/// and per address whatever the login, which waits after [`Self::MAX_ADDR_FAILURES`] — so
/// trying a new name each time gains nothing (GB/T 22239-2019 8.1.4.1 b), "应具有登录失败
/// 处理功能"). An IPv6 address counts as its /64. Kept in memory: a restart forgets it, which
/// only helps the legitimate user.
pub struct LoginThrottle {
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    pairs: HashMap<(String, String), Vec<Instant>>,
    addrs: HashMap<String, Vec<Instant>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            failures: Mutex::new(Failures::default()),
        }
    }
}

impl LoginThrottle {
    /// Failures of one login from one address before that pair waits.
    pub const MAX_FAILURES: usize = 5;
    /// Failures from one address, whatever the logins, before the address waits.
    pub const MAX_ADDR_FAILURES: usize = 20;
    pub const WINDOW: StdDuration = StdDuration::from_secs(15 * 60);
    /// Keys kept before old ones are dropped (bounds the memory under a flood).
    const MAX_KEYS: usize = 100_000;

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Seconds to wait before trying again, if the pair or the address is throttled.
    pub fn wait(&self, login: &str, addr: &str) -> Option<u64> {
        let mut f = self.lock();
        let now = Instant::now();
        let pair = f
            .pairs
            .get_mut(&pair_key(login, addr))
            .and_then(|l| waiting(l, Self::MAX_FAILURES, now));
        let address = f
            .addrs
            .get_mut(&addr_key(addr))
            .and_then(|l| waiting(l, Self::MAX_ADDR_FAILURES, now));
        pair.max(address)
    }

    pub fn fail(&self, login: &str, addr: &str) {
        let mut f = self.lock();
        let now = Instant::now();
        if f.pairs.len() > Self::MAX_KEYS || f.addrs.len() > Self::MAX_KEYS {
            let recent = |v: &mut Vec<Instant>| {
                v.last()
                    .is_some_and(|t| now.duration_since(*t) < Self::WINDOW)
            };
            f.pairs.retain(|_, v| recent(v));
            f.addrs.retain(|_, v| recent(v));
        }
        let pair = f.pairs.entry(pair_key(login, addr)).or_default();
        push_bounded(pair, now, Self::MAX_FAILURES);
        let address = f.addrs.entry(addr_key(addr)).or_default();
        push_bounded(address, now, Self::MAX_ADDR_FAILURES);
    }

    /// After a right password: the pair starts afresh. The address keeps its count, or one
    /// account's owner could wipe the traces of guessing at others'.
    pub fn clear(&self, login: &str, addr: &str) {
        self.lock().pairs.remove(&pair_key(login, addr));
    }
}

fn pair_key(login: &str, addr: &str) -> (String, String) {
    (policy::bounded_login(login).to_lowercase(), addr_key(addr))
}

/// The address as counted: an IPv6 address by its /64 (one subscriber's network).
fn addr_key(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => addr.to_string(),
    }
}

/// Drops failures older than the window; seconds until fewer than `max` remain, if not now.
fn waiting(list: &mut Vec<Instant>, max: usize, now: Instant) -> Option<u64> {
    list.retain(|t| now.duration_since(*t) < LoginThrottle::WINDOW);
    if list.len() >= max {
        let deciding = list[list.len() - max];
        let left = LoginThrottle::WINDOW.saturating_sub(now.duration_since(deciding));
        Some(left.as_secs().max(1))
    } else {
        None
    }
}

/// Records a failure, keeping no more entries than decide the wait.
fn push_bounded(list: &mut Vec<Instant>, now: Instant, max: usize) {
    list.push(now);
    if list.len() > max {
        let extra = list.len() - max;
        list.drain(..extra);
    }
}

/// A new session: the token for the cookie (shown once) and what the store keeps.
pub struct NewLogin {
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// Checks a login and password and opens a session, throttled per (login, address) and per
/// address ([`LoginThrottle`]). A name that cannot be an account's
/// ([`policy::lookup_login`]: longer than the login policy allows, hidden characters) and a
/// password longer than the password policy allows fail like a wrong password without a
/// lookup; the throttle and the audit entry keep only the bounded form of the name
/// ([`policy::bounded_login`]), so an anonymous request writes a few hundred bytes at most.
pub async fn login(state: &AppState, login: &str, password: &str, addr: &str) -> Result<NewLogin> {
    let login = login.trim();
    let shown = policy::bounded_login(login);
    if let Some(wait) = state.throttle.wait(&shown, addr) {
        return Err(Error::Throttled(wait));
    }
    let actor = Actor {
        user_id: None,
        login: shown.clone(),
        addr: addr.to_string(),
    };
    // A password of more than MAX_PASSWORD_CHARS characters has more than 4 bytes each.
    let plausible = password.len() <= 4 * policy::MAX_PASSWORD_CHARS;
    let user = match policy::lookup_login(login) {
        Some(name) if plausible => state.users().user_by_login(name).await?,
        _ => None,
    };
    let ok = match &user {
        Some(u) => verify_password(&u.password_hash, password) && !u.disabled,
        None => {
            // Spend the same time as a real check so logins cannot be probed by timing.
            verify_password(dummy_hash(), password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.fail(&shown, addr);
        state
            .sessions()
            .record_login_failure(&actor, &shown)
            .await?;
        return Err(Error::BadRequest("登录名或密码不正确，或账号已停用".into()));
    };
    state.throttle.clear(&shown, addr);
    let token = random_token("");
    let now = Utc::now();
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: random_token(""),
        created_at: now,
        expires_at: now + Duration::hours(state.config.session_hours),
        addr: addr.to_string(),
    };
    let actor = Actor {
        user_id: Some(user.id),
        ..actor
    };
    state.sessions().create_session(&actor, &session).await?;
    Ok(NewLogin {
        token,
        session,
        user,
    })
}

/// A valid argon2id hash of a random string, verified against when the login is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token("")))
}

/// Ends what the request came with: the browser session, or — for `Authorization: Bearer` —
/// the API token used (revoked and audited; logging out is how a script says it is done).
pub async fn logout(state: &AppState, p: &Principal) -> Result<()> {
    if let Some(hash) = &p.session_hash {
        state.sessions().delete_session(&p.actor(), hash).await?;
    }
    if let Some(id) = p.token_id {
        state.users().revoke_api_token(&p.actor(), id).await?;
    }
    Ok(())
}

/// The signed-in person changes his own password. The old one is checked first, throttled
/// like a login for his account and address (a stolen session or token cannot be used to
/// guess it); the new one must pass the password policy and differ from the current one and
/// the last [`policy::PASSWORD_HISTORY`]. His other sessions end; with `revoke_tokens` every
/// API token of his is revoked too (in the store's transaction of the change).
pub async fn change_password(
    state: &AppState,
    p: &Principal,
    old: &str,
    new: &str,
    revoke_tokens: bool,
) -> Result<()> {
    let login = p.user.login.as_str();
    if let Some(wait) = state.throttle.wait(login, &p.addr) {
        return Err(Error::Throttled(wait));
    }
    if !verify_password(&p.user.password_hash, old) {
        state.throttle.fail(login, &p.addr);
        return Err(Error::BadRequest("原密码不正确".into()));
    }
    state.throttle.clear(login, &p.addr);
    if old == new {
        return Err(Error::BadRequest("新密码不能与原密码相同".into()));
    }
    policy::check_password_with(new, login, &state.frameworks.passwords)
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut hashes = vec![p.user.password_hash.clone()];
    hashes.extend(state.users().password_history(p.user.id).await?);
    let candidate = new.to_string();
    // Up to six argon2 verifications and a hash: off the async threads.
    let hash = tokio::task::spawn_blocking(move || {
        policy::check_not_reused(hashes.iter().map(String::as_str), |h| {
            verify_password(h, &candidate)
        })
        .map(|()| hash_password(&candidate))
    })
    .await
    .map_err(|e| Error::Internal(format!("密码校验任务异常：{e}")))?
    .map_err(|e| Error::BadRequest(e.to_string()))?;
    state
        .users()
        .set_password(
            &p.actor(),
            p.user.id,
            &hash,
            PasswordSet::Own { revoke_tokens },
        )
        .await?;
    // Whoever else was signed in with the old password is signed out; this browser stays.
    state
        .sessions()
        .end_sessions(&p.actor(), p.user.id, p.session_hash.as_deref())
        .await?;
    Ok(())
}

/// A new API token for the signed-in person; the token is returned once and never stored.
pub async fn create_api_token(
    state: &AppState,
    p: &Principal,
    name: &str,
) -> Result<(fazhi_store::ApiToken, String)> {
    let name =
        policy::check_token_name(name).map_err(|e| Error::BadRequest(e.message("令牌名称")))?;
    let token = random_token("fz_");
    let row = state
        .users()
        .create_api_token(&p.actor(), p.user.id, &name, &token_hash(&token))
        .await?;
    Ok((row, token))
}

/// The signed-in person's API tokens (their hashes never leave the store).
pub async fn my_api_tokens(state: &AppState, p: &Principal) -> Result<Vec<fazhi_store::ApiToken>> {
    Ok(state.users().api_tokens(p.user.id).await?)
}

/// Revokes one of the signed-in person's own API tokens; others' tokens are not found.
pub async fn revoke_my_api_token(state: &AppState, p: &Principal, id: TokenId) -> Result<()> {
    let mine = state
        .users()
        .api_tokens(p.user.id)
        .await?
        .into_iter()
        .any(|t| t.id == id && !t.revoked);
    if !mine {
        return Err(Error::NotFound("令牌"));
    }
    Ok(state.users().revoke_api_token(&p.actor(), id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_and_rejects() {
        let h = hash_password("Fazhi-2025");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "Fazhi-2025"));
        assert!(!verify_password(&h, "fazhi-2025"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(dummy_hash(), "anything"));
        assert!(fazhi_domain::password::is_phc_string(dummy_hash()));
    }

    #[test]
    fn one_time_passwords_pass_the_policy() {
        for _ in 0..2000 {
            let p = one_time_password();
            assert_eq!(p.chars().count(), 12);
            assert_eq!(policy::check_password(&p, ""), Ok(()), "{p}");
        }
    }

    #[test]
    fn throttle_after_five_failures() {
        let t = LoginThrottle::default();
        for _ in 0..LoginThrottle::MAX_FAILURES {
            assert!(t.wait("a", "1.2.3.4").is_none());
            t.fail("A", "1.2.3.4");
        }
        assert!(t.wait("a", "1.2.3.4").is_some());
        assert!(
            t.wait("a", "5.6.7.8").is_none(),
            "another address is not throttled"
        );
        t.clear("a", "1.2.3.4");
        assert!(t.wait("a", "1.2.3.4").is_none());
    }

    #[test]
    fn throttle_per_address_whatever_the_login() {
        let t = LoginThrottle::default();
        for i in 0..LoginThrottle::MAX_ADDR_FAILURES {
            assert!(t.wait(&format!("guess{i}"), "1.2.3.4").is_none(), "{i}");
            t.fail(&format!("guess{i}"), "1.2.3.4");
        }
        let wait = t.wait("someone-new", "1.2.3.4").expect("the address waits");
        assert!((1..=15 * 60).contains(&wait), "{wait}");
        // A right password for one account does not wipe the address's count.
        t.clear("guess0", "1.2.3.4");
        assert!(t.wait("guess0", "1.2.3.4").is_some());
        assert!(t.wait("someone-new", "5.6.7.8").is_none());
        // An IPv6 subscriber's /64 is one address; another /64 is not.
        for i in 0..LoginThrottle::MAX_ADDR_FAILURES {
            t.fail(&format!("v6-{i}"), &format!("2001:db8:1:2::{i:x}"));
        }
        assert!(t.wait("x", "2001:db8:1:2:ffff::1").is_some());
        assert!(t.wait("x", "2001:db8:1:3::1").is_none());
    }

    #[test]
    fn throttle_keys_of_huge_logins_are_bounded() {
        let t = LoginThrottle::default();
        let huge = "x".repeat(900_000);
        t.fail(&huge, "1.2.3.4");
        let f = t.lock();
        let key = &f.pairs.keys().next().unwrap().0;
        assert!(
            key.len() <= 4 * policy::MAX_LOGIN_CHARS + 3,
            "{}",
            key.len()
        );
    }
}
