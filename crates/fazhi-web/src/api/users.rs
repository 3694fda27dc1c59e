//! Accounts and their roles, for admins.

use super::dto::{
    CreatedUser, ErrorResponse, Grant, NewGrant, NewUser, OneTimePassword, User, UserWithGrants,
};
use super::extract::{ApiJson, ApiPath};
use crate::auth::Principal;
use crate::error::Result;
use crate::{ops, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use fazhi_domain::UserId;

/// 账号列表
///
/// 当前管理员可管理的账号（其全部授权都在管理员的管理范围内），各带授权。
#[utoipa::path(
    get,
    path = "/users",
    tag = "账号管理",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "账号列表", body = Vec<UserWithGrants>))
)]
pub async fn list_users(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<UserWithGrants>>> {
    let users = ops::users::manageable_users(&state, &p).await?;
    let names = ops::org::node_names(&state).await?;
    Ok(Json(
        users
            .iter()
            .map(|(u, grants)| UserWithGrants {
                user: User::from(u),
                grants: Grant::list(grants, &names),
            })
            .collect(),
    ))
}

/// 新建账号
///
/// 创建账号并授予角色；每项授权都须在管理员的管理范围内。系统生成一次性密码，只在此响应中
/// 出现一次，对方首次登录后须修改。
#[utoipa::path(
    post,
    path = "/users",
    tag = "账号管理",
    request_body = NewUser,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已创建", body = CreatedUser),
        (status = 409, description = "登录名已被使用", body = ErrorResponse),
        (status = 422, description = "登录名不符合要求或没有授权", body = ErrorResponse),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUser>)> {
    let grants: Vec<fazhi_domain::Grant> = body.grants.iter().map(|g| (*g).into()).collect();
    let (user, password) =
        ops::users::create_user(&state, &p, &body.login, &body.display_name, &grants).await?;
    let (user, grants) = ops::users::user_with_grants(&state, &p, user.id).await?;
    let names = ops::org::node_names(&state).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: User::from(&user),
            grants: Grant::list(&grants, &names),
            password,
        }),
    ))
}

/// 账号详情
#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "账号管理",
    params(("id" = i64, Path, description = "账号编号")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "账号及其授权", body = UserWithGrants),
        (status = 404, description = "账号不存在", body = ErrorResponse),
    )
)]
pub async fn get_user(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<UserWithGrants>> {
    let (user, grants) = ops::users::user_with_grants(&state, &p, id).await?;
    let names = ops::org::node_names(&state).await?;
    Ok(Json(UserWithGrants {
        user: User::from(&user),
        grants: Grant::list(&grants, &names),
    }))
}

/// 停用账号
///
/// 停用后该账号的会话立即结束，API 令牌全部失效。不能停用自己。
#[utoipa::path(
    post,
    path = "/users/{id}/disable",
    tag = "账号管理",
    params(("id" = i64, Path, description = "账号编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已停用", body = User),
        (status = 404, description = "账号不存在", body = ErrorResponse),
    )
)]
pub async fn disable_user(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>> {
    let user = ops::users::set_user_disabled(&state, &p, id, true).await?;
    Ok(Json(User::from(&user)))
}

/// 启用账号
#[utoipa::path(
    post,
    path = "/users/{id}/enable",
    tag = "账号管理",
    params(("id" = i64, Path, description = "账号编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "已启用", body = User),
        (status = 404, description = "账号不存在", body = ErrorResponse),
    )
)]
pub async fn enable_user(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>> {
    let user = ops::users::set_user_disabled(&state, &p, id, false).await?;
    Ok(Json(User::from(&user)))
}

/// 重置密码
///
/// 生成新的一次性密码，只在此响应中出现一次；对方登录后须修改。
#[utoipa::path(
    post,
    path = "/users/{id}/reset-password",
    tag = "账号管理",
    params(("id" = i64, Path, description = "账号编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 200, description = "新的一次性密码", body = OneTimePassword),
        (status = 404, description = "账号不存在", body = ErrorResponse),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<OneTimePassword>> {
    let password = ops::users::reset_password(&state, &p, id).await?;
    Ok(Json(OneTimePassword { password }))
}

/// 授予角色
///
/// 在某个区划或单位上授予角色；账号和节点都须在管理员的管理范围内。
#[utoipa::path(
    post,
    path = "/users/{id}/grants",
    tag = "账号管理",
    params(("id" = i64, Path, description = "账号编号")),
    request_body = NewGrant,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "已授予", body = Grant),
        (status = 404, description = "账号或节点不存在", body = ErrorResponse),
        (status = 409, description = "已有此授权", body = ErrorResponse),
    )
)]
pub async fn grant_role(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<NewGrant>,
) -> Result<(StatusCode, Json<Grant>)> {
    let grant: fazhi_domain::Grant = body.into();
    let row = ops::users::grant_role(&state, &p, id, grant.role, grant.node).await?;
    let name = ops::org::node_name(&state, grant.node).await?;
    Ok((StatusCode::CREATED, Json(Grant::new(&row, name))))
}

/// 撤销授权
#[utoipa::path(
    delete,
    path = "/grants/{id}",
    tag = "账号管理",
    params(("id" = i64, Path, description = "授权编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 204, description = "已撤销"),
        (status = 404, description = "授权不存在", body = ErrorResponse),
    )
)]
pub async fn revoke_grant(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<fazhi_domain::GrantId>,
) -> Result<StatusCode> {
    ops::users::revoke_role(&state, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
