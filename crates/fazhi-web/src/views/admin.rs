//! 系统管理: the organisation (`/admin/org`: regions and units, import and export with
//! `fazhi-sheet`) and the accounts (`/admin/users`).

use super::{
    attachment, fmt_time, html, html_status, see_other, view, view_status, Chrome, Hx, Id, Nav, F,
    Q,
};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::ops::org::UnitInput;
use crate::session::human_size;
use crate::{ops, AppState};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use fazhi_domain::{Grant, Node, RegionLevel, Role, UnitKind};
use fazhi_domain::{RegionId, UnitId, UserId};
use fazhi_store::{ImportSummary, Region, RowError};
use serde::Deserialize;
use std::collections::HashMap;

/// Errors a person can fix on the same page; anything else goes to the error page.
fn fixable(e: &Error) -> bool {
    matches!(
        e,
        Error::BadRequest(_) | Error::Conflict(_) | Error::TooLarge(_)
    )
}

/// The answer to a change: on success `303` to `done_url`; on a fixable error the page again,
/// made by `again` with the message, with the error's status; any other error as it is.
async fn outcome<T, P: Template, Again: std::future::Future<Output = Result<P>>>(
    hx: Hx,
    result: Result<T>,
    done_url: &str,
    again: impl FnOnce(String) -> Again,
) -> Result<Response> {
    match result {
        Ok(_) => Ok(see_other(hx, done_url)),
        Err(e) if fixable(&e) => {
            let page = again(e.to_string()).await?;
            Ok(html_status(e.status(), &page))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Organisation

#[derive(Template)]
#[template(path = "org.html", blocks = ["main", "import"])]
struct OrgPage {
    chrome: Chrome,
    rows: Vec<OrgRowView>,
    /// Regions where units and child regions may be added (id, indented name).
    parents: Vec<(i64, String)>,
    root_admin: bool,
    levels: &'static [RegionLevel],
    kinds: &'static [UnitKind],
    notice: Option<&'static str>,
    error: Option<String>,
    import: ImportResult,
    max_size: String,
}

#[derive(Default)]
struct ImportResult {
    summary: Option<ImportSummary>,
    message: Option<String>,
    rows: Vec<RowError>,
}

/// One line of the tree: a region or a unit, indented by `depth`.
struct OrgRowView {
    depth: usize,
    region: Option<Region>,
    unit: Option<fazhi_store::Unit>,
    editable: bool,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "region_created" => "已新增区域。",
        "region_updated" => "已保存区域的修改。",
        "unit_created" => "已新增单位。",
        "unit_updated" => "已保存单位的修改。",
        "user_disabled" => "已停用该账号，其登录会话和 API 令牌已失效。",
        "user_enabled" => "已启用该账号。",
        "granted" => "已授予角色。",
        "revoked" => "已撤销角色。",
        _ => return None,
    })
}

async fn org_view(
    state: &AppState,
    p: &Principal,
    notice: Option<&'static str>,
    error: Option<String>,
    import: ImportResult,
) -> Result<OrgPage> {
    let tree = ops::org::org_tree(state, p).await?;
    let base = tree
        .regions
        .iter()
        .map(|r| r.region.path.len())
        .min()
        .unwrap_or(1);
    let mut units_of: HashMap<i64, Vec<ops::org::OrgUnit>> = HashMap::new();
    let region_ids: std::collections::HashSet<RegionId> =
        tree.regions.iter().map(|r| r.region.id).collect();
    let mut loose = Vec::new();
    for u in tree.units {
        if region_ids.contains(&u.unit.region_id) {
            units_of.entry(u.unit.region_id.0).or_default().push(u);
        } else {
            loose.push(u);
        }
    }
    let mut rows = Vec::new();
    let mut parents = Vec::new();
    for r in tree.regions {
        let depth = r.region.path.len().saturating_sub(base).min(6);
        parents.push((
            r.region.id.0,
            format!("{}{}", "　".repeat(depth), r.region.name),
        ));
        let id = r.region.id;
        rows.push(OrgRowView {
            depth,
            region: Some(r.region),
            unit: None,
            editable: r.editable,
        });
        for u in units_of.remove(&id.0).unwrap_or_default() {
            rows.push(OrgRowView {
                depth: (depth + 1).min(6),
                region: None,
                unit: Some(u.unit),
                editable: u.editable,
            });
        }
    }
    for u in loose {
        rows.push(OrgRowView {
            depth: 0,
            region: None,
            unit: Some(u.unit),
            editable: u.editable,
        });
    }
    Ok(OrgPage {
        chrome: Chrome::new(state, Some(p), Nav::Org),
        rows,
        parents,
        root_admin: tree.root_admin,
        levels: &RegionLevel::ALL,
        kinds: &UnitKind::ALL,
        notice,
        error,
        import,
        max_size: human_size(state.config.max_upload_bytes),
    })
}

pub async fn org_page(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Q(q): Q<DoneQuery>,
) -> Result<Response> {
    let page = org_view(
        &state,
        &p,
        notice(q.done.as_deref()),
        None,
        ImportResult::default(),
    )
    .await?;
    Ok(view(hx, &page, page.as_main()))
}

/// A change of the organisation: on success back to the page with a notice, on a fixable
/// error the page again with the message.
async fn org_outcome<T>(
    state: &AppState,
    p: &Principal,
    hx: Hx,
    result: Result<T>,
    done: &str,
) -> Result<Response> {
    outcome(hx, result, &format!("/admin/org?done={done}"), |error| {
        org_view(state, p, None, Some(error), ImportResult::default())
    })
    .await
}

#[derive(Deserialize)]
pub struct RegionForm {
    #[serde(default)]
    parent: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: String,
}

fn parse_level(s: &str) -> Result<RegionLevel> {
    RegionLevel::parse(s).ok_or_else(|| Error::BadRequest("请选择区域层级".into()))
}

fn parse_kind(s: &str) -> Result<UnitKind> {
    UnitKind::parse(s).ok_or_else(|| Error::BadRequest("请选择单位类型".into()))
}

fn parse_id(s: &str, what: &str) -> Result<i64> {
    s.trim()
        .parse()
        .map_err(|_| Error::BadRequest(format!("请选择{what}")))
}

pub async fn region_create(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    F(f): F<RegionForm>,
) -> Result<Response> {
    let result = async {
        let parent = match f.parent.trim() {
            "" | "root" => None,
            s => Some(parse_id(s, "上级区域")?),
        };
        ops::org::create_region(
            &state,
            &p,
            parent.map(RegionId),
            &f.code,
            &f.name,
            parse_level(&f.level)?,
        )
        .await
    }
    .await;
    org_outcome(&state, &p, hx, result, "region_created").await
}

pub async fn region_update(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<RegionId>,
    F(f): F<RegionForm>,
) -> Result<Response> {
    let result = ops::org::update_region(&state, &p, id, Some(&f.code), Some(&f.name)).await;
    org_outcome(&state, &p, hx, result, "region_updated").await
}

#[derive(Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    kind: String,
}

impl UnitForm {
    fn parse(&self) -> Result<UnitInput> {
        Ok(UnitInput {
            region_id: RegionId(parse_id(&self.region, "所属区域")?),
            code: self.code.clone(),
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            kind: parse_kind(&self.kind)?,
        })
    }
}

pub async fn unit_create(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    F(f): F<UnitForm>,
) -> Result<Response> {
    let result = async { ops::org::create_unit(&state, &p, &f.parse()?).await }.await;
    org_outcome(&state, &p, hx, result, "unit_created").await
}

pub async fn unit_update(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UnitId>,
    F(f): F<UnitForm>,
) -> Result<Response> {
    let result = async {
        let new = f.parse()?;
        ops::org::update_unit(&state, &p, id, |_| new).await
    }
    .await;
    org_outcome(&state, &p, hx, result, "unit_updated").await
}

/// `POST /admin/org/import` (multipart: `csrf_token` first, then `file`): all rows or none;
/// every bad row is listed with its line and reason.
pub async fn org_import(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    // The right first: the form is read only for someone who may import.
    ops::access::require_org_import(&p)?;
    let mut mp = multipart
        .map_err(|_| Error::BadRequest("请使用导入表单（multipart/form-data）提交文件".into()))?;
    let too_large = || {
        Error::TooLarge(format!(
            "文件过大，超过上传大小上限 {}",
            human_size(state.config.max_upload_bytes)
        ))
    };
    let mut file = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => {
                return Err(Error::BadRequest(
                    "上传的表单无法读取，请刷新页面后重新选择文件".into(),
                ))
            }
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    Error::BadRequest("上传的文件无法读取，请重新选择文件".into())
                }
            })?;
            file = Some((name, bytes));
        }
    }
    let result = match file.filter(|(n, b)| !(n.is_empty() && b.is_empty())) {
        None => Err(Error::BadRequest(
            "请选择要导入的 CSV 或 Excel（.xlsx）文件".into(),
        )),
        Some((name, bytes)) => ops::org::import_org_file(&state, &p, &name, bytes.to_vec()).await,
    };
    let (status, import) = match result {
        Ok(summary) => (
            StatusCode::OK,
            ImportResult {
                summary: Some(summary),
                ..ImportResult::default()
            },
        ),
        Err(e) if fixable(&e) || matches!(e, Error::Rows(_)) => {
            let rows = match &e {
                Error::Rows(rows) => rows.clone(),
                _ => Vec::new(),
            };
            (
                e.status(),
                ImportResult {
                    summary: None,
                    message: Some(e.to_string()),
                    rows,
                },
            )
        }
        Err(e) => return Err(e),
    };
    let page = org_view(&state, &p, None, None, import).await?;
    Ok(view_status(hx, status, &page, page.as_import()))
}

pub async fn org_export_csv(State(state): State<AppState>, p: Principal) -> Result<Response> {
    let (name, content_type, bytes) =
        ops::org::export_org(&state, &p, fazhi_sheet::Format::Csv).await?;
    Ok(attachment(&name, content_type, bytes))
}

pub async fn org_export_xlsx(State(state): State<AppState>, p: Principal) -> Result<Response> {
    let (name, content_type, bytes) =
        ops::org::export_org(&state, &p, fazhi_sheet::Format::Xlsx).await?;
    Ok(attachment(&name, content_type, bytes))
}

// ---------------------------------------------------------------------------------------
// Accounts

#[derive(Template)]
#[template(path = "users.html", blocks = ["main"])]
struct UsersPage {
    chrome: Chrome,
    accounts: Vec<AccountRow>,
    nodes: Vec<NodeOption>,
    roles: &'static [Role],
    notice: Option<&'static str>,
    error: Option<String>,
    /// A one-time password just made: (login, password, why).
    secret: Option<(String, String, &'static str)>,
}

struct AccountRow {
    id: i64,
    login: String,
    display_name: String,
    disabled: bool,
    must_change: bool,
    created: String,
    is_self: bool,
    grants: Vec<GrantRow>,
}

struct GrantRow {
    id: i64,
    role: &'static str,
    node: String,
}

struct NodeOption {
    value: String,
    label: String,
}

fn node_value(node: Node) -> String {
    match node {
        Node::Region(id) => format!("r{id}"),
        Node::Unit(id) => format!("u{id}"),
    }
}

fn parse_node(s: &str) -> Result<Node> {
    let s = s.trim();
    let bad = || Error::BadRequest("请选择授权的区域或单位".into());
    let id = |rest: &str| rest.parse::<i64>().map_err(|_| bad());
    match s.split_at_checked(1) {
        Some(("r", rest)) => Ok(Node::Region(RegionId(id(rest)?))),
        Some(("u", rest)) => Ok(Node::Unit(UnitId(id(rest)?))),
        _ => Err(bad()),
    }
}

fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| Error::BadRequest("请选择角色".into()))
}

async fn users_view(
    state: &AppState,
    p: &Principal,
    notice: Option<&'static str>,
    error: Option<String>,
    secret: Option<(String, String, &'static str)>,
) -> Result<UsersPage> {
    let accounts = ops::users::manageable_users(state, p).await?;
    let (regions, units) = ops::users::grantable_nodes(state, p).await?;
    let base = regions.iter().map(|r| r.path.len()).min().unwrap_or(1);
    let mut names: HashMap<Node, String> = HashMap::new();
    let mut nodes = Vec::new();
    for r in &regions {
        names.insert(Node::Region(r.id), r.name.clone());
        let indent = "　".repeat(r.path.len().saturating_sub(base).min(6));
        nodes.push(NodeOption {
            value: node_value(Node::Region(r.id)),
            label: format!("{indent}[区域] {}", r.name),
        });
        for u in units.iter().filter(|u| u.region_id == r.id) {
            nodes.push(NodeOption {
                value: node_value(Node::Unit(u.id)),
                label: format!("{indent}　[单位] {}", u.name),
            });
        }
    }
    let listed: std::collections::HashSet<RegionId> = regions.iter().map(|r| r.id).collect();
    for u in &units {
        names.insert(Node::Unit(u.id), u.name.clone());
        if !listed.contains(&u.region_id) {
            nodes.push(NodeOption {
                value: node_value(Node::Unit(u.id)),
                label: format!("[单位] {}", u.name),
            });
        }
    }
    let accounts = accounts
        .into_iter()
        .map(|(user, grants)| AccountRow {
            id: user.id.0,
            is_self: user.id == p.user.id,
            login: user.login,
            display_name: user.display_name,
            disabled: user.disabled,
            must_change: user.must_change_password,
            created: fmt_time(&user.created_at),
            grants: grants
                .into_iter()
                .map(|g| GrantRow {
                    id: g.id.0,
                    role: g.grant.role.label(),
                    node: names
                        .get(&g.grant.node)
                        .cloned()
                        .unwrap_or_else(|| match g.grant.node {
                            Node::Region(id) => format!("区域 {id}"),
                            Node::Unit(id) => format!("单位 {id}"),
                        }),
                })
                .collect(),
        })
        .collect();
    Ok(UsersPage {
        chrome: Chrome::new(state, Some(p), Nav::Users),
        accounts,
        nodes,
        roles: &Role::ALL,
        notice,
        error,
        secret,
    })
}

pub async fn users_page(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Q(q): Q<DoneQuery>,
) -> Result<Response> {
    let page = users_view(&state, &p, notice(q.done.as_deref()), None, None).await?;
    Ok(view(hx, &page, page.as_main()))
}

/// A change of an account: on success back to the list with a notice, on a fixable error
/// the list again with the message.
async fn users_outcome<T>(
    state: &AppState,
    p: &Principal,
    hx: Hx,
    result: Result<T>,
    done: &str,
) -> Result<Response> {
    outcome(hx, result, &format!("/admin/users?done={done}"), |error| {
        users_view(state, p, None, Some(error), None)
    })
    .await
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    node: String,
}

pub async fn user_create(
    State(state): State<AppState>,
    p: Principal,
    F(f): F<UserForm>,
) -> Result<Response> {
    let result = async {
        let grant = Grant {
            role: parse_role(&f.role)?,
            node: parse_node(&f.node)?,
        };
        ops::users::create_user(&state, &p, &f.login, &f.display_name, &[grant]).await
    }
    .await;
    match result {
        Ok((user, password)) => {
            let secret = Some((user.login, password, "新账号已创建"));
            Ok(super::no_store(html(
                &users_view(&state, &p, None, None, secret).await?,
            )))
        }
        Err(e) if fixable(&e) => Ok(html_status(
            e.status(),
            &users_view(&state, &p, None, Some(e.to_string()), None).await?,
        )),
        Err(e) => Err(e),
    }
}

/// `POST /admin/users/{id}/disable` (`DISABLE` true) and `POST /admin/users/{id}/enable`.
pub async fn user_set_disabled<const DISABLE: bool>(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UserId>,
) -> Result<Response> {
    let result = ops::users::set_user_disabled(&state, &p, id, DISABLE).await;
    let done = if DISABLE {
        "user_disabled"
    } else {
        "user_enabled"
    };
    users_outcome(&state, &p, hx, result, done).await
}

pub async fn user_reset_password(
    State(state): State<AppState>,
    p: Principal,
    Id(id): Id<UserId>,
) -> Result<Response> {
    let password = ops::users::reset_password(&state, &p, id).await?;
    let (user, _) = ops::users::user_with_grants(&state, &p, id).await?;
    let secret = Some((user.login, password, "密码已重置"));
    Ok(super::no_store(html(
        &users_view(&state, &p, None, None, secret).await?,
    )))
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    node: String,
}

pub async fn user_grant(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<UserId>,
    F(f): F<GrantForm>,
) -> Result<Response> {
    let result = async {
        ops::users::grant_role(&state, &p, id, parse_role(&f.role)?, parse_node(&f.node)?).await
    }
    .await;
    users_outcome(&state, &p, hx, result, "granted").await
}

pub async fn grant_revoke(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<fazhi_domain::GrantId>,
) -> Result<Response> {
    let result = ops::users::revoke_role(&state, &p, id).await;
    users_outcome(&state, &p, hx, result, "revoked").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_round_trip() {
        for n in [Node::Region(RegionId(7)), Node::Unit(UnitId(12))] {
            assert_eq!(parse_node(&node_value(n)).unwrap(), n);
        }
        assert!(parse_node("x1").is_err());
        assert!(parse_node("r").is_err());
        assert!(parse_node("").is_err());
        assert!(parse_node("r一").is_err());
    }
}
