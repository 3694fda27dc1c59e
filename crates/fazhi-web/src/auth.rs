//! Who is asking: the session cookie or an API token, resolved once per request into a
//! [`Principal`] (the account and its grants). Logging in and out, CSRF and throttling live
//! in the `session` module; this one only reads.

use crate::error::{Error, Result};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use fazhi_domain::{allows, Action, Grant, Placement};
use fazhi_store::{Actor, User};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// Name of the session cookie (HttpOnly, SameSite=Lax, Path=/; Secure when configured).
pub const SESSION_COOKIE: &str = "fazhi_session";
/// Header carrying the CSRF token on state-changing requests made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token in plain HTML forms.
pub const CSRF_FIELD: &str = "csrf_token";

/// How the principal proved who he is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A browser session (cookie): state-changing requests need the CSRF token.
    Session,
    /// `Authorization: Bearer …` (API clients): no cookie, so no CSRF.
    Token,
}

/// A signed-in account with its grants.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub grants: Vec<Grant>,
    pub via: Via,
    /// The session's CSRF token (`None` for API tokens).
    pub csrf_token: Option<String>,
    /// SHA-256 of the session token (for logout), `None` for API tokens.
    pub session_hash: Option<String>,
    /// The API token's id (logout revokes it), `None` for sessions.
    pub token_id: Option<fazhi_domain::TokenId>,
    /// Client address, for the audit log.
    pub addr: String,
}

impl Principal {
    pub fn can(&self, action: Action, target: &Placement) -> bool {
        allows(&self.grants, action, target)
    }

    /// `Ok(())` when allowed, else [`Error::Forbidden`].
    pub fn require(&self, action: Action, target: &Placement) -> Result<()> {
        if self.can(action, target) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            login: self.user.login.clone(),
            addr: self.addr.clone(),
        }
    }

    pub fn has_role(&self, role: fazhi_domain::Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
}

/// The caller, signed in or not (the public). Resolved once and cached in the request.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<Principal>);

/// Lowercase hex SHA-256 of a secret token; the store keeps only this.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The client address as the audit log records it.
pub fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The account's grants, as its principal carries them.
async fn grants_of(state: &AppState, user: &User) -> Result<Vec<Grant>> {
    Ok(state
        .users()
        .grants(user.id)
        .await?
        .into_iter()
        .map(|g| g.grant)
        .collect())
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<Principal>> {
    let addr = client_addr(parts);
    if let Some(token) = bearer(parts) {
        let Some((api_token, user)) = state.users().api_token_user(&token_hash(token)).await?
        else {
            return Err(Error::Unauthorized);
        };
        let grants = grants_of(state, &user).await?;
        return Ok(Some(Principal {
            user,
            grants,
            via: Via::Token,
            csrf_token: None,
            session_hash: None,
            token_id: Some(api_token.id),
            addr,
        }));
    }
    let Some(token) = crate::session::cookie_value(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let Some((session, user)) = state.sessions().session(&hash, Utc::now()).await? else {
        return Ok(None);
    };
    let grants = grants_of(state, &user).await?;
    Ok(Some(Principal {
        user,
        grants,
        via: Via::Session,
        csrf_token: Some(session.csrf_token),
        session_hash: Some(hash),
        token_id: None,
        addr,
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let viewer = Viewer(resolve(parts, state).await?);
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        Viewer::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(Error::Unauthorized)
    }
}
