//! Signing in and out, the signed-in person's own account and API tokens.

use super::dto::{
    ApiToken, ChangePassword, CreatedApiToken, ErrorResponse, Grant, LoginRequest, LoginResponse,
    Me, NewApiToken, Region, Unit, User,
};
use super::extract::{ApiJson, ApiPath, ClientAddr};
use crate::auth::Principal;
use crate::error::Result;
use crate::{ops, session, AppState};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// 登录
///
/// 校验登录名和密码，开启会话：通过 Set-Cookie 设置会话 Cookie（与网页登录相同），并在
/// 响应中返回 CSRF 令牌，供脚本以 Cookie 方式调用修改类接口时放入 X-CSRF-Token 请求头。
/// 同一登录名在同一地址 15 分钟内失败 5 次、或同一地址 15 分钟内（不论登录名）失败 20 次后
/// 暂停登录，返回 429 及 Retry-After。超过 64 个字符或含不可见字符的登录名按登录失败处理。
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "账号",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "登录成功", body = LoginResponse,
            headers(("set-cookie" = String, description = "会话 Cookie（fazhi_session）"))),
        (status = 422, description = "登录名或密码不正确，或账号已停用", body = ErrorResponse),
        (status = 429, description = "登录尝试过于频繁", body = ErrorResponse,
            headers(("retry-after" = u64, description = "需等待的秒数"))),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response> {
    let new = ops::auth::login(&state, &body.login, &body.password, &addr).await?;
    // The same cookie the login page sets.
    let cookie = session::session_cookie(&state.config, &new.token);
    let body = LoginResponse {
        user: User::from(&new.user),
        csrf_token: new.session.csrf_token,
        expires_at: new.session.expires_at,
    };
    Ok(([(SET_COOKIE, cookie)], Json(body)).into_response())
}

/// 退出登录
///
/// 以会话 Cookie 认证时：结束当前会话并清除会话 Cookie。以 API 令牌（Bearer）认证时：
/// 吊销本次请求所用的令牌（记入审计日志），此后该令牌不能再使用；其他令牌不受影响。
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "账号",
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses((status = 204, description = "已退出（会话已结束，或所用的 API 令牌已吊销）"))
)]
pub async fn logout(State(state): State<AppState>, p: Principal) -> Result<Response> {
    ops::auth::logout(&state, &p).await?;
    let cookie = session::clear_session_cookie(&state.config);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// 当前账号
///
/// 当前登录的账号、认证方式、授权（含节点名称）、可查看的单位和可督察的区划。
#[utoipa::path(
    get,
    path = "/me",
    tag = "账号",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "当前账号", body = Me))
)]
pub async fn me(State(state): State<AppState>, p: Principal) -> Result<Json<Me>> {
    let grants = ops::users::my_grants(&state, &p).await?;
    let units = ops::access::readable_units(&state, &p).await?;
    let regions = ops::access::supervised_regions(&state, &p).await?;
    let all_regions = ops::org::all_regions(&state, &p).await?;
    let names = all_regions
        .iter()
        .map(|r| (r.id, r.name.as_str()))
        .collect();
    Ok(Json(Me {
        user: User::from(&p.user),
        via: p.via.into(),
        csrf_token: p.csrf_token.clone(),
        grants: grants
            .into_iter()
            .map(|(g, name)| Grant::new(&g, name))
            .collect(),
        units: units.iter().map(Unit::from).collect(),
        supervised_regions: regions
            .iter()
            .map(|r| Region::with_names(r, &names))
            .collect(),
    }))
}

/// 修改密码
///
/// 修改自己的密码：须提供原密码；原密码错误按登录失败计数，同一账号在同一地址 15 分钟内
/// 错误 5 次后暂停，返回 429 及 Retry-After。新密码 10～128 个字符，须包含大写字母、小写字母、
/// 数字、符号（含汉字等其他文字）中的至少 3 类（16 个字符以上的长密码不限类别），至少 5 个
/// 不同的字符，不能以空格开头或结尾，不能包含登录名，不能是常见的弱密码，也不能与当前密码或
/// 最近 5 次用过的密码相同。修改后，本账号的其他会话随即结束；revoke_tokens 为 true 时同时吊销
/// 本账号的全部 API 令牌（包括本次请求所用的令牌）。使用初始密码或管理员重置的密码时，只能
/// 调用本接口、/me 和退出登录，其他接口返回 403。
#[utoipa::path(
    post,
    path = "/me/password",
    tag = "账号",
    request_body = ChangePassword,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 204, description = "密码已修改"),
        (status = 422, description = "原密码不正确，或新密码不符合要求", body = ErrorResponse),
        (status = 429, description = "原密码错误次数过多", body = ErrorResponse,
            headers(("retry-after" = u64, description = "需等待的秒数"))),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<StatusCode> {
    ops::auth::change_password(
        &state,
        &p,
        &body.old_password,
        &body.new_password,
        body.revoke_tokens,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// API 令牌列表
///
/// 自己的 API 令牌（不含令牌本身）。
#[utoipa::path(
    get,
    path = "/me/tokens",
    tag = "账号",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "令牌列表", body = Vec<ApiToken>))
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ApiToken>>> {
    let tokens = ops::auth::my_api_tokens(&state, &p).await?;
    Ok(Json(tokens.iter().map(ApiToken::from).collect()))
}

/// 新建 API 令牌
///
/// 令牌只在此响应中出现一次（响应带 Cache-Control: no-store），服务器只保存其摘要。令牌与
/// 账号权限相同；账号停用、管理员重置密码后令牌随即失效，修改自己的密码时可选择一并吊销。
#[utoipa::path(
    post,
    path = "/me/tokens",
    tag = "账号",
    request_body = NewApiToken,
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 201, description = "令牌已创建", body = CreatedApiToken),
        (status = 422, description = "名称为空、过长或含控制字符、不可见字符", body = ErrorResponse),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<NewApiToken>,
) -> Result<(StatusCode, Json<CreatedApiToken>)> {
    let (row, secret) = ops::auth::create_api_token(&state, &p, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiToken {
            token: ApiToken::from(&row),
            secret,
        }),
    ))
}

/// 撤销 API 令牌
#[utoipa::path(
    delete,
    path = "/me/tokens/{id}",
    tag = "账号",
    params(("id" = i64, Path, description = "令牌编号")),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
    responses(
        (status = 204, description = "已撤销"),
        (status = 404, description = "没有这个令牌（或已撤销）", body = ErrorResponse),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<fazhi_domain::TokenId>,
) -> Result<StatusCode> {
    ops::auth::revoke_my_api_token(&state, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
