//! The operations of the platform, shared by the pages and the JSON API: each asks the
//! domain's access decision, then the store (and the report engine). Handlers only turn
//! requests into calls of these and results into pages or JSON.

use crate::auth::{token_hash, Principal};
use crate::error::{Error, Result};
use crate::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine as _;
use chrono::{Duration, Utc};
use fazhi_domain::policy;
use fazhi_domain::{Action, Grant, Node, Placement, RegionId, Role, UnitId, UserId};
use fazhi_report::check::Severity;
use fazhi_report::Checked;
use fazhi_store::{
    Actor, AuditEntry, AuditFilter, NewUpload, NewUser, Page, PasswordSet, Region, RoleGrant,
    Session, UnitOverviewQuery, UnitOverviewRow, UploadDetail, UploadStatus, UploadSummary, User,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

// ---------------------------------------------------------------------------------------
// Passwords and tokens

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

// ---------------------------------------------------------------------------------------
// Login throttling

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

// ---------------------------------------------------------------------------------------
// Sessions

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
        Some(name) if plausible => state.store.user_by_login(name).await?,
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
        state.store.record_login_failure(&actor, &shown).await?;
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
    state.store.create_session(&actor, &session).await?;
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
        state.store.delete_session(&p.actor(), hash).await?;
    }
    if let Some(id) = p.token_id {
        state.store.revoke_api_token(&p.actor(), id).await?;
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
    policy::check_password(new, login).map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut hashes = vec![p.user.password_hash.clone()];
    hashes.extend(state.store.password_history(p.user.id).await?);
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
        .store
        .set_password(
            &p.actor(),
            p.user.id,
            &hash,
            PasswordSet::Own { revoke_tokens },
        )
        .await?;
    // Whoever else was signed in with the old password is signed out; this browser stays.
    state
        .store
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
        .store
        .create_api_token(&p.actor(), p.user.id, &name, &token_hash(&token))
        .await?;
    Ok((row, token))
}

// ---------------------------------------------------------------------------------------
// Where things sit

pub async fn unit_placement(
    state: &AppState,
    unit_id: UnitId,
) -> Result<(fazhi_store::Unit, Placement)> {
    let unit = state.store.unit(unit_id).await?;
    let placement = Placement::unit(unit.id, unit.region_path.clone());
    Ok((unit, placement))
}

pub async fn region_placement(
    state: &AppState,
    region_id: RegionId,
) -> Result<(Region, Placement)> {
    let region = state.store.region(region_id).await?;
    let placement = Placement::region(region.path.clone());
    Ok((region, placement))
}

pub async fn node_placement(state: &AppState, node: Node) -> Result<Placement> {
    Ok(match node {
        Node::Region(r) => region_placement(state, r).await?.1,
        Node::Unit(u) => unit_placement(state, u).await?.1,
    })
}

/// The units a person may read (his own units; every unit below a supervisor's or admin's
/// region), ordered as the store orders them.
pub async fn readable_units(state: &AppState, p: &Principal) -> Result<Vec<fazhi_store::Unit>> {
    let units = state.store.units(None).await?;
    Ok(units
        .into_iter()
        .filter(|u| p.can(Action::Read, &Placement::unit(u.id, u.region_path.clone())))
        .collect())
}

/// The regions where a person may supervise (not below another one of them).
pub async fn supervised_regions(state: &AppState, p: &Principal) -> Result<Vec<Region>> {
    let regions = state.store.regions().await?;
    let top: Vec<Region> = regions
        .iter()
        .filter(|r| p.can(Action::Supervise, &Placement::region(r.path.clone())))
        .filter(|r| {
            // Drop regions whose parent is also supervised: keep the top ones only.
            r.path.len() < 2 || {
                let parent = r.path[r.path.len() - 2];
                !regions.iter().any(|q| {
                    q.id == parent && p.can(Action::Supervise, &Placement::region(q.path.clone()))
                })
            }
        })
        .cloned()
        .collect();
    Ok(top)
}

// ---------------------------------------------------------------------------------------
// Reports

/// Largest and smallest year accepted on upload and for ledger records.
pub use fazhi_domain::ledger::{year_in_range, YEARS};

/// What every received file passes before anything reads it: within the upload limit
/// (the limit named), not empty.
pub(crate) fn check_file(state: &AppState, bytes: &[u8]) -> Result<()> {
    let limit = state.config.max_upload_bytes;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge(format!(
            "文件过大：{} 字节，超过上传大小上限 {limit} 字节",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(Error::BadRequest("文件为空".into()));
    }
    Ok(())
}

/// How many received files are read at once (report checks, organisation and ledger
/// imports). Two: the machines this serves have two to four cores, and each read may take
/// up to the readers' memory limits (see docs/SECURITY.md).
pub const FILE_SLOTS: usize = 2;

/// How long a request waits for a free slot before it is told to come back.
const FILE_SLOT_WAIT: StdDuration = StdDuration::from_secs(20);

/// A permit to read one received file, held while it is parsed; a request that finds every
/// slot taken for [`FILE_SLOT_WAIT`] gets [`Error::Busy`] (503 with `Retry-After`).
pub(crate) async fn file_slot(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit> {
    let slots = state.file_slots.clone();
    match tokio::time::timeout(FILE_SLOT_WAIT, slots.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::Busy(
            "服务器正在处理其他上传的文件，请稍后重试".into(),
        )),
    }
}

/// A unit's staff uploads a report: kept with its SHA-256, checked by the engine, stored
/// with the findings. A file the engine cannot read is kept too, marked failed with why.
pub async fn upload_report(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: i32,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<UploadSummary> {
    let (_, placement) = unit_placement(state, unit_id).await?;
    p.require(Action::Write, &placement)?;
    year_in_range(year).map_err(Error::BadRequest)?;
    check_file(state, &bytes)?;
    let filename = clean_filename(filename);
    if !fazhi_report::is_report_file_name(&filename) {
        return Err(Error::BadRequest(format!(
            "“{filename}”不是年度报告文件：请上传 {} 格式的报告",
            fazhi_report::REPORT_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let engine = state.engine.clone();
    // The permit goes with the work: a request that times out does not free the slot
    // while its file is still being read.
    let slot = file_slot(state).await?;
    let (bytes, checked) = {
        let name = filename.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let checked = engine.check_bytes(&name, &bytes, None);
            (bytes, checked)
        })
        .await
        .map_err(|e| Error::Internal(format!("检查任务异常：{e}")))?
    };
    let new = match checked {
        Ok(checked) => new_upload_checked(
            unit_id,
            year,
            &filename,
            content_type,
            sha256,
            bytes,
            &checked,
        ),
        Err(e) => NewUpload {
            unit_id,
            year,
            filename: filename.clone(),
            content_type: content_type.to_string(),
            sha256,
            bytes,
            status: UploadStatus::Failed,
            error: Some(e.to_string()),
            checked_json: None,
            score: None,
            errors: 0,
            warnings: 0,
            infos: 0,
            title: filename.clone(),
        },
    };
    Ok(state.store.create_upload(&p.actor(), &new).await?)
}

/// The row to store for a report the engine read (also used by the demo).
pub fn new_upload_checked(
    unit_id: UnitId,
    year: i32,
    filename: &str,
    content_type: &str,
    sha256: String,
    bytes: Vec<u8>,
    checked: &Checked,
) -> NewUpload {
    let count = |s: Severity| checked.findings.iter().filter(|f| f.severity == s).count() as i32;
    NewUpload {
        unit_id,
        year,
        filename: filename.to_string(),
        content_type: content_type.to_string(),
        sha256,
        bytes,
        status: UploadStatus::Checked,
        error: None,
        checked_json: Some(serde_json::to_string(checked).expect("a checked report serialises")),
        score: Some(checked.score.total as i32),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        title: checked
            .report
            .title
            .clone()
            .unwrap_or_else(|| filename.to_string()),
    }
}

/// Keeps the last path component, without control characters, at most 200 characters.
pub(crate) fn clean_filename(name: &str) -> String {
    fazhi_domain::text::clean_file_name(name)
}

/// An upload for whoever may read it: the unit's people and supervisors above it, or anyone
/// once it is published. To everyone else it does not exist (404, as a ledger record of
/// another unit), so ids cannot be probed for unpublished reports.
async fn readable_upload(
    state: &AppState,
    viewer: Option<&Principal>,
    id: i64,
) -> Result<UploadDetail> {
    let detail = state.store.upload(id).await?;
    let placement = Placement::unit(detail.unit.id, detail.unit.region_path.clone());
    let allowed = viewer.is_some_and(|p| p.can(Action::Read, &placement))
        || detail.summary.published_at.is_some();
    if allowed {
        Ok(detail)
    } else {
        Err(Error::NotFound("报告"))
    }
}

/// An upload with its checked result, for whoever may read it: the unit's people and
/// supervisors above it, or anyone once it is published.
pub async fn upload_detail(
    state: &AppState,
    viewer: Option<&Principal>,
    id: i64,
) -> Result<(UploadDetail, Option<Checked>)> {
    let detail = readable_upload(state, viewer, id).await?;
    let checked = match &detail.checked_json {
        Some(json) => Some(
            serde_json::from_str::<Checked>(json)
                .map_err(|e| Error::Internal(format!("审查结果无法读取：{e}")))?,
        ),
        None => None,
    };
    Ok((detail, checked))
}

/// The original file of an upload (same access as [`upload_detail`]).
pub async fn upload_original(
    state: &AppState,
    viewer: Option<&Principal>,
    id: i64,
) -> Result<(UploadSummary, String, Vec<u8>)> {
    let detail = readable_upload(state, viewer, id).await?;
    let bytes = state.store.upload_bytes(id).await?;
    Ok((detail.summary, detail.content_type, bytes))
}

pub async fn unit_uploads(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: Option<i32>,
) -> Result<(fazhi_store::Unit, Vec<UploadSummary>)> {
    let (unit, placement) = unit_placement(state, unit_id).await?;
    p.require(Action::Read, &placement)?;
    let uploads = state.store.uploads_of_unit(unit_id, year).await?;
    Ok((unit, uploads))
}

/// 单位负责人 publishes (or withdraws) a report of his unit.
pub async fn set_published(
    state: &AppState,
    p: &Principal,
    id: i64,
    publish: bool,
) -> Result<UploadSummary> {
    let detail = state.store.upload(id).await?;
    let placement = Placement::unit(detail.unit.id, detail.unit.region_path.clone());
    p.require(Action::Approve, &placement)?;
    if publish && detail.summary.status != UploadStatus::Checked {
        return Err(Error::BadRequest("无法读取的文件不能发布".into()));
    }
    let at = publish.then(Utc::now);
    Ok(state.store.set_published(&p.actor(), id, at).await?)
}

/// The supervisor's list of every unit below a region with its latest upload of the year.
pub async fn unit_overview(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<Page<UnitOverviewRow>> {
    let (_, placement) = region_placement(state, q.region_id).await?;
    p.require(Action::Supervise, &placement)?;
    let mut q = q.clone();
    q.limit = q.limit.clamp(1, 500);
    Ok(state.store.unit_overview(&q).await?)
}

// ---------------------------------------------------------------------------------------
// Audit log

/// Entries below a region the person may read the audit log of. Without a region, the
/// person's top region where he holds the right is used.
pub async fn audit(
    state: &AppState,
    p: &Principal,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>> {
    let mut filter = filter.clone();
    let region = match filter.region_id {
        Some(r) => r,
        None => {
            let regions = state.store.regions().await?;
            regions
                .iter()
                .find(|r| p.can(Action::ReadAudit, &Placement::region(r.path.clone())))
                .map(|r| r.id)
                .ok_or(Error::Forbidden)?
        }
    };
    let (_, placement) = region_placement(state, region).await?;
    p.require(Action::ReadAudit, &placement)?;
    filter.region_id = Some(region);
    filter.limit = filter.limit.clamp(1, 10_000);
    Ok(state.store.audit(&filter).await?)
}

// ---------------------------------------------------------------------------------------
// Accounts

/// An admin creates an account with roles; every grant's node must be within the admin's
/// reach. The password is a one-time password the person must change at first login.
pub async fn create_user(
    state: &AppState,
    p: &Principal,
    login: &str,
    display_name: &str,
    grants: &[Grant],
) -> Result<(User, String)> {
    let login = policy::check_login(login.trim())
        .map_err(|e| Error::BadRequest(e.to_string()))?
        .into_string();
    if grants.is_empty() {
        return Err(Error::BadRequest("请至少授予一个角色".into()));
    }
    for g in grants {
        let placement = node_placement(state, g.node).await?;
        p.require(Action::ManageUsers, &placement)?;
    }
    let password = one_time_password();
    let user = state
        .store
        .create_user(
            &p.actor(),
            &NewUser {
                login,
                display_name: display_name.trim().to_string(),
                password_hash: hash_password(&password),
                must_change_password: true,
            },
        )
        .await?;
    for g in grants {
        state.store.grant(&p.actor(), user.id, *g).await?;
    }
    Ok((user, password))
}

/// Whether `p` may manage account `id`: he must reach every node the account holds a role
/// at (an account without roles only a root admin manages).
pub async fn require_manage_user(
    state: &AppState,
    p: &Principal,
    id: UserId,
) -> Result<(User, Vec<RoleGrant>)> {
    let user = state.store.user(id).await?;
    let grants = state.store.grants(id).await?;
    if grants.is_empty() {
        let regions = state.store.regions().await?;
        let root_admin = regions
            .iter()
            .filter(|r| r.parent_id.is_none())
            .any(|r| p.can(Action::ManageUsers, &Placement::region(r.path.clone())));
        if !root_admin {
            return Err(Error::Forbidden);
        }
    }
    for g in &grants {
        p.require(
            Action::ManageUsers,
            &node_placement(state, g.grant.node).await?,
        )?;
    }
    Ok((user, grants))
}

pub async fn set_user_disabled(
    state: &AppState,
    p: &Principal,
    id: UserId,
    disabled: bool,
) -> Result<User> {
    if id == p.user.id && disabled {
        return Err(Error::BadRequest("不能停用自己的账号".into()));
    }
    require_manage_user(state, p, id).await?;
    Ok(state.store.set_disabled(&p.actor(), id, disabled).await?)
}

/// An admin resets a password: a new one-time password, shown once. The account's sessions
/// end and its API tokens are revoked (the store does both with the reset's transaction and
/// audit entry for the tokens): whoever knew the old password may hold them.
pub async fn reset_password(state: &AppState, p: &Principal, id: UserId) -> Result<String> {
    require_manage_user(state, p, id).await?;
    let password = one_time_password();
    state
        .store
        .set_password(
            &p.actor(),
            id,
            &hash_password(&password),
            PasswordSet::Reset,
        )
        .await?;
    state.store.end_sessions(&p.actor(), id, None).await?;
    Ok(password)
}

pub async fn grant_role(
    state: &AppState,
    p: &Principal,
    id: UserId,
    role: Role,
    node: Node,
) -> Result<RoleGrant> {
    require_manage_user(state, p, id).await?;
    p.require(Action::ManageUsers, &node_placement(state, node).await?)?;
    Ok(state
        .store
        .grant(&p.actor(), id, Grant { role, node })
        .await?)
}

pub async fn revoke_role(state: &AppState, p: &Principal, grant_id: i64) -> Result<()> {
    let grant = state
        .store
        .all_grants()
        .await?
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(Error::NotFound("授权"))?;
    p.require(
        Action::ManageUsers,
        &node_placement(state, grant.grant.node).await?,
    )?;
    Ok(state.store.revoke(&p.actor(), grant_id).await?)
}

// =======================================================================================
// API additions: operations the JSON API needs beyond the ones above (the pages may use
// them too). Access is decided here, as above, never in handlers.

/// Whether `p` holds `action` at a top-level region (a root admin): the only people who may
/// touch things that sit above every region, such as a new top-level region.
async fn require_at_root(state: &AppState, p: &Principal, action: Action) -> Result<()> {
    let regions = state.store.regions().await?;
    if regions.is_empty() && action == Action::ManageOrg && p.grants.is_empty() {
        // Bootstrap: on a database without any region, the accounts that exist were made by
        // `fazhi admin create` or the first start (nobody can grant roles without a tree),
        // so such an account may create the first root region and becomes its admin.
        return Ok(());
    }
    let at_root = regions
        .iter()
        .filter(|r| r.parent_id.is_none())
        .any(|r| p.can(action, &Placement::region(r.path.clone())));
    if at_root {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// `ManageOrg` where a region or unit is attached: at the region chain `parent_path` (root
/// first), or at a root region when the thing has no parent.
async fn require_org_parent(
    state: &AppState,
    p: &Principal,
    parent_path: &[RegionId],
) -> Result<()> {
    if parent_path.is_empty() {
        require_at_root(state, p, Action::ManageOrg).await
    } else {
        p.require(Action::ManageOrg, &Placement::region(parent_path.to_vec()))
    }
}

/// A name or code as typed: trimmed, not empty, without control characters, at most `max`.
fn org_text(what: &str, value: &str, max: usize) -> Result<String> {
    fazhi_domain::text::check_name(value, max).map_err(|p| Error::BadRequest(p.message(what)))
}

/// The whole region tree (parents before children) for any signed-in person: the names of
/// administrative divisions are public, and every role needs them to find its way.
pub async fn all_regions(state: &AppState, _signed_in: &Principal) -> Result<Vec<Region>> {
    Ok(state.store.regions().await?)
}

/// An admin adds a region below one he manages (a top-level region: a root admin only).
pub async fn create_region(
    state: &AppState,
    p: &Principal,
    parent_id: Option<RegionId>,
    code: &str,
    name: &str,
    level: fazhi_domain::RegionLevel,
) -> Result<Region> {
    let code = org_text("区划代码", code, 64)?;
    let name = org_text("区划名称", name, 100)?;
    match parent_id {
        Some(parent) => {
            let (_, placement) = region_placement(state, parent).await?;
            p.require(Action::ManageOrg, &placement)?;
        }
        None => require_at_root(state, p, Action::ManageOrg).await?,
    }
    let bootstrap = parent_id.is_none() && p.grants.is_empty();
    let new = fazhi_store::NewRegion {
        parent_id,
        code,
        name,
        level,
    };
    let region = state.store.create_region(&p.actor(), &new).await?;
    if bootstrap {
        let grant = Grant {
            role: Role::Admin,
            node: Node::Region(region.id),
        };
        state.store.grant(&p.actor(), p.user.id, grant).await?;
    }
    Ok(region)
}

/// An admin renames or recodes a region; he must manage its parent (a county admin cannot
/// rename his own county).
/// A field left `None` stays as it is.
pub async fn update_region(
    state: &AppState,
    p: &Principal,
    id: RegionId,
    code: Option<&str>,
    name: Option<&str>,
) -> Result<Region> {
    let region = state.store.region(id).await?;
    require_org_parent(
        state,
        p,
        &region.path[..region.path.len().saturating_sub(1)],
    )
    .await?;
    let code = org_text("区划代码", code.unwrap_or(&region.code), 64)?;
    let name = org_text("区划名称", name.unwrap_or(&region.name), 100)?;
    Ok(state
        .store
        .update_region(&p.actor(), id, &name, &code)
        .await?)
}

/// The units a person may read, at or below `region` when given.
pub async fn units_below(
    state: &AppState,
    p: &Principal,
    region: Option<RegionId>,
) -> Result<Vec<fazhi_store::Unit>> {
    if let Some(r) = region {
        state.store.region(r).await?;
    }
    let units = readable_units(state, p).await?;
    Ok(match region {
        Some(r) => units
            .into_iter()
            .filter(|u| u.region_path.contains(&r))
            .collect(),
        None => units,
    })
}

/// One unit, for whoever may read its data.
pub async fn unit_for(state: &AppState, p: &Principal, id: UnitId) -> Result<fazhi_store::Unit> {
    unit_allowing(state, p, id, Action::Read).await
}

/// A unit the person may do `action` on (403 otherwise).
pub async fn unit_allowing(
    state: &AppState,
    p: &Principal,
    id: UnitId,
    action: Action,
) -> Result<fazhi_store::Unit> {
    let (unit, placement) = unit_placement(state, id).await?;
    p.require(action, &placement)?;
    Ok(unit)
}

fn clean_new_unit(new: &fazhi_store::NewUnit) -> Result<fazhi_store::NewUnit> {
    let short_name = new.short_name.trim();
    if !short_name.is_empty() {
        org_text("单位简称", short_name, 50)?;
    }
    Ok(fazhi_store::NewUnit {
        region_id: new.region_id,
        code: org_text("单位代码", &new.code, 64)?,
        name: org_text("单位名称", &new.name, 100)?,
        short_name: short_name.to_string(),
        kind: new.kind,
    })
}

/// An admin adds a unit to a region he manages.
pub async fn create_unit(
    state: &AppState,
    p: &Principal,
    new: &fazhi_store::NewUnit,
) -> Result<fazhi_store::Unit> {
    let new = clean_new_unit(new)?;
    let (_, placement) = region_placement(state, new.region_id).await?;
    p.require(Action::ManageOrg, &placement)?;
    Ok(state.store.create_unit(&p.actor(), &new).await?)
}

/// An admin changes a unit (`change` turns the unit as it is into the unit as it will be);
/// moving it needs `ManageOrg` at both its old and new region.
pub async fn update_unit(
    state: &AppState,
    p: &Principal,
    id: UnitId,
    change: impl FnOnce(&fazhi_store::Unit) -> fazhi_store::NewUnit,
) -> Result<fazhi_store::Unit> {
    let unit = state.store.unit(id).await?;
    p.require(
        Action::ManageOrg,
        &Placement::region(unit.region_path.clone()),
    )?;
    let new = clean_new_unit(&change(&unit))?;
    if new.region_id != unit.region_id {
        let (_, placement) = region_placement(state, new.region_id).await?;
        p.require(Action::ManageOrg, &placement)?;
    }
    Ok(state.store.update_unit(&p.actor(), id, &new).await?)
}

/// Applies organisation rows (with their line numbers) all together or not at all. Every
/// row that changes something must stay within the importer's reach: where its thing sits
/// now (for an update) and where it will sit (its parent, traced through rows of the same
/// batch to a region that exists). Rows that repeat what is there need no right, so an
/// admin can import his own export again (it names his region under its parent). Rows
/// naming unknown parents reach nothing; the plan refuses them. The plan and its reach are
/// `fazhi_domain::org::plan_import`'s.
pub async fn import_org_rows(
    state: &AppState,
    p: &Principal,
    rows: &[(usize, fazhi_store::OrgRow)],
) -> Result<fazhi_store::ImportSummary> {
    // Only admins import, even a sheet that changes nothing.
    require_org_import(p)?;
    if rows.is_empty() {
        return Err(Error::BadRequest("没有要导入的数据行".into()));
    }
    // One plan against the organisation as it is (names and codes by the same rule as the
    // forms, every bad row at once); rights are checked where the plan reaches before any
    // refused row is shown, then the store applies the plan.
    let snapshot = state.store.org_snapshot().await?;
    let plan = match fazhi_domain::org::plan_import(&snapshot, rows) {
        Ok(plan) => plan,
        Err(refusal) => {
            for path in &refusal.reach {
                require_org_parent(state, p, path).await?;
            }
            return Err(Error::Rows(refusal.errors));
        }
    };
    for path in plan.reach() {
        require_org_parent(state, p, path).await?;
    }
    Ok(state.store.apply_org_plan(&p.actor(), &plan).await?)
}

/// The access check of an organisation import, made before the file is read: only a
/// 系统管理员 somewhere may import (each row is checked against his reach afterwards).
pub fn require_org_import(p: &Principal) -> Result<()> {
    if p.grants.iter().any(|g| g.role.permits(Action::ManageOrg)) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// An organisation sheet (CSV or XLSX) read with `fazhi_sheet` and imported; every bad
/// row of the file is reported at once and nothing is imported.
pub async fn import_org_file(
    state: &AppState,
    p: &Principal,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<fazhi_store::ImportSummary> {
    let limits = fazhi_sheet::Limits {
        max_bytes: state.config.max_upload_bytes,
        ..fazhi_sheet::Limits::default()
    };
    if bytes.is_empty() {
        return Err(Error::BadRequest("文件为空".into()));
    }
    let name = clean_filename(filename);
    let slot = file_slot(state).await?;
    let parsed = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        fazhi_sheet::read(&name, &bytes, &limits).map(fazhi_sheet::org::parse_org)
    })
    .await
    .map_err(|e| Error::Internal(format!("读取表格任务异常：{e}")))?;
    let rows = match parsed {
        Ok(Ok(rows)) => rows,
        Ok(Err(row_errors)) => return Err(Error::Rows(row_errors)),
        Err(e @ fazhi_sheet::SheetError::TooLarge { .. }) => {
            return Err(Error::TooLarge(e.to_string()))
        }
        Err(e) => return Err(Error::BadRequest(e.to_string())),
    };
    import_org_rows(state, p, &rows).await
}

/// The regions (and their units) an admin manages, as an import sheet that recreates them.
/// Returns the file name, its content type and its bytes.
pub async fn export_org(
    state: &AppState,
    p: &Principal,
    format: fazhi_sheet::Format,
) -> Result<(String, &'static str, Vec<u8>)> {
    let regions = state.store.regions().await?;
    let managed: Vec<Region> = regions
        .iter()
        .filter(|r| p.can(Action::ManageOrg, &Placement::region(r.path.clone())))
        .cloned()
        .collect();
    if managed.is_empty() {
        return Err(Error::Forbidden);
    }
    let ids: std::collections::HashSet<RegionId> = managed.iter().map(|r| r.id).collect();
    let units: Vec<fazhi_store::Unit> = state
        .store
        .units(None)
        .await?
        .into_iter()
        .filter(|u| ids.contains(&u.region_id))
        .collect();
    let mut rows = fazhi_sheet::org::org_rows(&managed, &units);
    // A top region of the export keeps its real parent's code, so that importing the file
    // again leaves it where it is rather than making it a root.
    let code_of: HashMap<RegionId, &str> =
        regions.iter().map(|r| (r.id, r.code.as_str())).collect();
    for (row, region) in rows.iter_mut().zip(&managed) {
        if let Some(parent) = region.parent_id.filter(|id| !ids.contains(id)) {
            row[5] = code_of
                .get(&parent)
                .copied()
                .unwrap_or_default()
                .to_string();
        }
    }
    let headers = fazhi_sheet::org::ORG_HEADERS;
    let stamp = Utc::now().format("%Y%m%d");
    let bytes = match format {
        fazhi_sheet::Format::Csv => fazhi_sheet::write_csv(&headers, &rows),
        fazhi_sheet::Format::Xlsx => fazhi_sheet::write_xlsx("机构", &headers, &rows)
            .map_err(|e| Error::Internal(e.to_string()))?,
    };
    Ok((
        format!("机构-{stamp}.{}", format.extension()),
        format.content_type(),
        bytes,
    ))
}

/// The accounts an admin manages (each with its grants): those whose every role sits within
/// his reach; accounts without roles only for a root admin.
pub async fn manageable_users(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(User, Vec<RoleGrant>)>> {
    if !p.grants.iter().any(|g| g.role.permits(Action::ManageUsers)) {
        return Err(Error::Forbidden);
    }
    let regions = state.store.regions().await?;
    let units = state.store.units(None).await?;
    let root_admin = regions
        .iter()
        .filter(|r| r.parent_id.is_none())
        .any(|r| p.can(Action::ManageUsers, &Placement::region(r.path.clone())));
    let region_path: HashMap<RegionId, &Vec<RegionId>> =
        regions.iter().map(|r| (r.id, &r.path)).collect();
    let unit_path: HashMap<UnitId, &Vec<RegionId>> =
        units.iter().map(|u| (u.id, &u.region_path)).collect();
    let reach = |node: Node| match node {
        Node::Region(r) => region_path
            .get(&r)
            .is_some_and(|path| p.can(Action::ManageUsers, &Placement::region(path.to_vec()))),
        Node::Unit(u) => unit_path
            .get(&u)
            .is_some_and(|path| p.can(Action::ManageUsers, &Placement::unit(u, path.to_vec()))),
    };
    let mut by_user: HashMap<UserId, Vec<RoleGrant>> = HashMap::new();
    for g in state.store.all_grants().await? {
        by_user.entry(g.user_id).or_default().push(g);
    }
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let grants = by_user.remove(&u.id).unwrap_or_default();
            let visible = if grants.is_empty() {
                root_admin
            } else {
                grants.iter().all(|g| reach(g.grant.node))
            };
            visible.then_some((u, grants))
        })
        .collect())
}

/// The grants of one account, for whoever manages it.
pub async fn user_with_grants(
    state: &AppState,
    p: &Principal,
    id: UserId,
) -> Result<(User, Vec<RoleGrant>)> {
    require_manage_user(state, p, id).await
}

/// The name of the region or unit a grant sits at (`区划 12` when it vanished).
pub async fn node_name(state: &AppState, node: Node) -> Result<String> {
    Ok(match node {
        Node::Region(id) => match state.store.region(id).await {
            Ok(r) => r.name,
            Err(fazhi_store::StoreError::NotFound(_)) => format!("区划 {id}"),
            Err(e) => return Err(e.into()),
        },
        Node::Unit(id) => match state.store.unit(id).await {
            Ok(u) => u.name,
            Err(fazhi_store::StoreError::NotFound(_)) => format!("单位 {id}"),
            Err(e) => return Err(e.into()),
        },
    })
}

/// The name of every region and unit by node (for lists of grants).
pub async fn node_names(state: &AppState) -> Result<HashMap<Node, String>> {
    let mut names: HashMap<Node, String> = state
        .store
        .regions()
        .await?
        .into_iter()
        .map(|r| (Node::Region(r.id), r.name))
        .collect();
    names.extend(
        state
            .store
            .units(None)
            .await?
            .into_iter()
            .map(|u| (Node::Unit(u.id), u.name)),
    );
    Ok(names)
}

/// Whether the viewer reads a unit's data as one of its people or supervisors (rather than
/// as the public reading what was published): decides e.g. whether the uploader is shown.
pub fn reads_unit(viewer: Option<&Principal>, unit: &fazhi_store::Unit) -> bool {
    viewer.is_some_and(|p| {
        p.can(
            Action::Read,
            &Placement::unit(unit.id, unit.region_path.clone()),
        )
    })
}

/// The signed-in person's own grants, each with the name of its node.
pub async fn my_grants(state: &AppState, p: &Principal) -> Result<Vec<(RoleGrant, String)>> {
    let mut out = Vec::new();
    for g in state.store.grants(p.user.id).await? {
        let name = node_name(state, g.grant.node).await?;
        out.push((g, name));
    }
    Ok(out)
}

/// The signed-in person's API tokens (their hashes never leave the store).
pub async fn my_api_tokens(state: &AppState, p: &Principal) -> Result<Vec<fazhi_store::ApiToken>> {
    Ok(state.store.api_tokens(p.user.id).await?)
}

/// Revokes one of the signed-in person's own API tokens; others' tokens are not found.
pub async fn revoke_my_api_token(state: &AppState, p: &Principal, id: i64) -> Result<()> {
    let mine = state
        .store
        .api_tokens(p.user.id)
        .await?
        .into_iter()
        .any(|t| t.id == id && !t.revoked);
    if !mine {
        return Err(Error::NotFound("令牌"));
    }
    Ok(state.store.revoke_api_token(&p.actor(), id).await?)
}

/// Published reports, newest first, for everyone (the public portal).
pub async fn published_reports(
    state: &AppState,
    offset: u32,
    limit: u32,
) -> Result<Page<UploadSummary>> {
    Ok(state
        .store
        .published_uploads(offset, limit.clamp(1, 100))
        .await?)
}

/// The report year lists open on: the newest year with an upload, else last year (reports
/// are written in the first months of the year after the one they report on).
pub async fn default_report_year(state: &AppState) -> Result<i32> {
    use chrono::Datelike;
    Ok(match state.store.upload_years().await?.first() {
        Some(y) => *y,
        None => Utc::now().year() - 1,
    })
}

// =======================================================================================
// Page additions: what the server-rendered pages need beyond the operations above.

/// What a person may do to one unit's reports, for the buttons a page shows (the
/// operations check again when the button is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitRights {
    pub read: bool,
    /// Upload a report.
    pub write: bool,
    /// Publish or withdraw a report (单位负责人).
    pub approve: bool,
}

pub fn unit_rights(p: Option<&Principal>, unit: &fazhi_store::Unit) -> UnitRights {
    let Some(p) = p else {
        return UnitRights::default();
    };
    let placement = Placement::unit(unit.id, unit.region_path.clone());
    UnitRights {
        read: p.can(Action::Read, &placement),
        write: p.can(Action::Write, &placement),
        approve: p.can(Action::Approve, &placement),
    }
}

/// The units a person holds a role at directly (his own units, for the dashboard), in the
/// order the store lists units.
pub async fn my_units(state: &AppState, p: &Principal) -> Result<Vec<fazhi_store::Unit>> {
    let mine: Vec<UnitId> = p
        .grants
        .iter()
        .filter_map(|g| match g.node {
            Node::Unit(u) => Some(u),
            Node::Region(_) => None,
        })
        .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let units = state.store.units(None).await?;
    Ok(units.into_iter().filter(|u| mine.contains(&u.id)).collect())
}

/// A region of the organisation page with what the admin may do to it.
#[derive(Debug, Clone)]
pub struct OrgRegion {
    pub region: Region,
    /// Rename or recode it (needs `ManageOrg` at its parent, or a root admin for a root).
    pub editable: bool,
}

/// A unit of the organisation page with what the admin may do to it.
#[derive(Debug, Clone)]
pub struct OrgUnit {
    pub unit: fazhi_store::Unit,
    pub editable: bool,
}

/// The part of the organisation an admin manages: the regions where he holds `ManageOrg`
/// (parents before children) and their units, plus whether he may add top-level regions.
pub struct OrgTree {
    pub regions: Vec<OrgRegion>,
    pub units: Vec<OrgUnit>,
    pub root_admin: bool,
}

pub async fn org_tree(state: &AppState, p: &Principal) -> Result<OrgTree> {
    let regions = state.store.regions().await?;
    // On an empty tree the first admin (without roles yet) may add the first region.
    let bootstrap = regions.is_empty() && p.grants.is_empty();
    if !bootstrap && !p.grants.iter().any(|g| g.role.permits(Action::ManageOrg)) {
        return Err(Error::Forbidden);
    }
    let root_admin = bootstrap
        || regions
            .iter()
            .filter(|r| r.parent_id.is_none())
            .any(|r| p.can(Action::ManageOrg, &Placement::region(r.path.clone())));
    let managed: Vec<OrgRegion> = regions
        .into_iter()
        .filter(|r| p.can(Action::ManageOrg, &Placement::region(r.path.clone())))
        .map(|r| {
            let parent = &r.path[..r.path.len().saturating_sub(1)];
            let editable = if parent.is_empty() {
                root_admin
            } else {
                p.can(Action::ManageOrg, &Placement::region(parent.to_vec()))
            };
            OrgRegion {
                region: r,
                editable,
            }
        })
        .collect();
    let units = state
        .store
        .units(None)
        .await?
        .into_iter()
        .filter(|u| {
            p.can(
                Action::ManageOrg,
                &Placement::unit(u.id, u.region_path.clone()),
            )
        })
        .map(|u| {
            let editable = p.can(Action::ManageOrg, &Placement::region(u.region_path.clone()));
            OrgUnit { unit: u, editable }
        })
        .collect();
    Ok(OrgTree {
        regions: managed,
        units,
        root_admin,
    })
}

/// The regions and units where an admin may grant roles (for the account forms).
pub async fn grantable_nodes(
    state: &AppState,
    p: &Principal,
) -> Result<(Vec<Region>, Vec<fazhi_store::Unit>)> {
    if !p.grants.iter().any(|g| g.role.permits(Action::ManageUsers)) {
        return Err(Error::Forbidden);
    }
    let regions: Vec<Region> = state
        .store
        .regions()
        .await?
        .into_iter()
        .filter(|r| p.can(Action::ManageUsers, &Placement::region(r.path.clone())))
        .collect();
    let units = state
        .store
        .units(None)
        .await?
        .into_iter()
        .filter(|u| {
            p.can(
                Action::ManageUsers,
                &Placement::unit(u.id, u.region_path.clone()),
            )
        })
        .collect();
    Ok((regions, units))
}

/// The top regions whose audit log a person may read (for the audit page's region choice).
pub async fn audit_regions(state: &AppState, p: &Principal) -> Result<Vec<Region>> {
    let regions = state.store.regions().await?;
    let readable = |r: &Region| p.can(Action::ReadAudit, &Placement::region(r.path.clone()));
    let top: Vec<Region> = regions
        .iter()
        .filter(|r| readable(r))
        .filter(|r| {
            r.path.len() < 2 || {
                let parent = r.path[r.path.len() - 2];
                !regions.iter().any(|q| q.id == parent && readable(q))
            }
        })
        .cloned()
        .collect();
    if top.is_empty() {
        return Err(Error::Forbidden);
    }
    Ok(top)
}

/// The supervisor's list of units below a region, with the region itself (for the page's
/// heading): one access check, one query.
pub async fn region_unit_overview(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<(Region, Page<UnitOverviewRow>)> {
    let (region, placement) = region_placement(state, q.region_id).await?;
    p.require(Action::Supervise, &placement)?;
    let mut q = q.clone();
    q.limit = q.limit.clamp(1, 500);
    Ok((region, state.store.unit_overview(&q).await?))
}

/// How many units below the region have uploaded for the query's year (same access as
/// [`region_unit_overview`]).
pub async fn region_units_uploaded(
    state: &AppState,
    p: &Principal,
    q: &UnitOverviewQuery,
) -> Result<i64> {
    let (_, placement) = region_placement(state, q.region_id).await?;
    p.require(Action::Supervise, &placement)?;
    Ok(state.store.count_units_uploaded(q).await?)
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
        assert!(PasswordHash::new(dummy_hash()).is_ok());
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

    #[test]
    fn filenames_are_cleaned() {
        assert_eq!(clean_filename("C:\\Users\\x\\报告.docx"), "报告.docx");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b.txt"), "ab.txt");
        assert_eq!(clean_filename("  "), "未命名文件");
        assert_eq!(clean_filename("报告\u{202E}xcod.exe"), "报告xcod.exe");
    }
}
