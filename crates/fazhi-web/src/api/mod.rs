//! The JSON API under `/api/v1` (work in progress).
use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
