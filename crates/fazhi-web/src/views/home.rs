//! `/`: for the public a portal of published reports; for a signed-in person, above it, a
//! dashboard of what he can do.

use super::units::UploadRow;
use super::{fmt_time, html, last_year, page_count, Chrome, Hx, Nav, Q};
use crate::auth::Viewer;
use crate::error::Result;
use crate::{ops, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use fazhi_store::Region;
use serde::Deserialize;

const PORTAL_PAGE: u32 = 20;

#[derive(Template)]
#[template(path = "home.html", blocks = ["portal"])]
struct HomePage {
    chrome: Chrome,
    dash: Option<Dashboard>,
    portal: Portal,
}

struct Dashboard {
    name: String,
    year: i32,
    units: Vec<DashUnit>,
    regions: Vec<Region>,
    org: bool,
    users: bool,
    audit: bool,
}

struct DashUnit {
    id: i64,
    name: String,
    uploads: Vec<UploadRow>,
}

struct Portal {
    rows: Vec<PortalRow>,
    total: i64,
    page: u32,
    pages: u32,
}

struct PortalRow {
    n: u32,
    id: i64,
    unit_name: String,
    year: i32,
    title: String,
    published: String,
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    #[serde(default)]
    page: Option<String>,
}

pub async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    hx: Hx,
    Q(q): Q<HomeQuery>,
) -> Result<Response> {
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let published =
        ops::reports::published_reports(&state, (page - 1) * PORTAL_PAGE, PORTAL_PAGE).await?;
    let pages = page_count(published.total, PORTAL_PAGE);
    let portal = Portal {
        rows: published
            .items
            .into_iter()
            .enumerate()
            .map(|(i, u)| PortalRow {
                n: (page - 1) * PORTAL_PAGE + i as u32 + 1,
                id: u.id.0,
                unit_name: u.unit_name,
                year: u.year,
                title: u.title,
                published: u.published_at.as_ref().map(fmt_time).unwrap_or_default(),
            })
            .collect(),
        total: published.total,
        page,
        pages,
    };
    let chrome = Chrome::of(&state, &viewer, Nav::Home);
    let page = HomePage {
        dash: None,
        portal,
        chrome,
    };
    if hx.0 {
        return Ok(html(&page.as_portal()));
    }
    let dash = match viewer.0.as_ref() {
        None => None,
        Some(p) => {
            let year = last_year();
            let mut units = Vec::new();
            for u in ops::org::my_units(&state, p).await? {
                let (_, uploads) = ops::reports::unit_uploads(&state, p, u.id, Some(year)).await?;
                units.push(DashUnit {
                    id: u.id.0,
                    name: u.name,
                    uploads: uploads.iter().map(UploadRow::from).collect(),
                });
            }
            Some(Dashboard {
                name: page.chrome.user_name.clone().unwrap_or_default(),
                year,
                units,
                regions: ops::access::supervised_regions(&state, p).await?,
                org: page.chrome.show_org,
                users: page.chrome.show_users,
                audit: page.chrome.show_audit,
            })
        }
    };
    Ok(html(&HomePage { dash, ..page }))
}
