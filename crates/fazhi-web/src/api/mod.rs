//! The JSON API under `/api/v1` and its OpenAPI 3.1 document.
//!
//! Routes and document come from one place: every handler carries `#[utoipa::path]`, and
//! [`api_router`] registers handlers only through utoipa-axum's `routes!`, which adds the
//! route to axum and the operation to the document together, so neither can list what the
//! other lacks. The document is served at `/api/v1/openapi.json`.
//!
//! Authentication is the session cookie (state-changing requests then need `X-CSRF-Token`,
//! checked by the session layer for every route) or `Authorization: Bearer <API token>`.
//! Handlers turn requests into calls of [`crate::ops`] and results into JSON; errors are
//! the crate's [`Error`] as `{"error", "message", "rows"}`.

mod account;
mod audit;
pub mod dto;
mod extract;
pub mod ledger;
mod org;
mod reports;
mod users;

pub use extract::JSON_LIMIT;

use crate::error::{Error, ErrorBody};
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::OnceLock;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's routes, nested at `/api/v1` by [`crate::router`].
pub fn routes() -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router
        // Extractors of this module enforce their own limits (1 MB of JSON, the configured
        // upload size for forms) with Chinese errors; axum's 2 MB default would cut uploads.
        .layer(DefaultBodyLimit::disable())
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_such_endpoint)
}

/// The OpenAPI document of [`routes`], built from the same registrations.
pub fn openapi() -> Document {
    let (_, doc) = api_router().split_for_parts();
    finish(doc)
}

/// Every endpoint, each registered with its documentation.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(account::me))
        .routes(routes!(account::change_password))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(org::list_regions, org::create_region))
        .routes(routes!(org::update_region))
        .routes(routes!(org::list_units, org::create_unit))
        .routes(routes!(org::get_unit, org::update_unit))
        .routes(routes!(org::import_org))
        .routes(routes!(org::export_org))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user))
        .routes(routes!(users::disable_user))
        .routes(routes!(users::enable_user))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::grant_role))
        .routes(routes!(users::revoke_grant))
        .routes(routes!(reports::unit_uploads, reports::upload))
        .routes(routes!(reports::get_upload))
        .routes(routes!(reports::original))
        .routes(routes!(reports::publish))
        .routes(routes!(reports::withdraw))
        .routes(routes!(reports::overview))
        .routes(routes!(reports::published))
        .routes(routes!(ledger::kinds))
        .routes(routes!(ledger::summary))
        .routes(routes!(ledger::list, ledger::create))
        .routes(routes!(ledger::template))
        .routes(routes!(ledger::export))
        .routes(routes!(ledger::import))
        .routes(routes!(
            ledger::get_record,
            ledger::update_record,
            ledger::delete_record
        ))
        .routes(routes!(ledger::restore_record))
        .routes(routes!(ledger::add_attachment))
        .routes(routes!(ledger::get_attachment, ledger::delete_attachment))
        .routes(routes!(audit::audit))
        .routes(routes!(openapi_json))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "法治政府建设年度报告平台 API",
        version = "1",
        description = "法治政府建设年度报告的上传、审查、发布与督察，法治政府建设台账，以及组织机构、账号和审计日志。\n\n\
            认证：浏览器会话 Cookie（fazhi_session，修改类请求须带 X-CSRF-Token 请求头），或 API 令牌\
            （Authorization: Bearer …，在 /me/tokens 创建，无需 CSRF）。\n\n\
            出错时返回 JSON：{\"error\": 错误代码, \"message\": 中文说明, \"rows\": [导入时有误的行]}；\
            台账记录字段有误时另带 fields，违反法定程序时另带 violations。\n\n\
            JSON 请求体不超过 1 MB；上传文件的大小上限由服务器配置（默认 20 MB）。",
    ),
    servers((url = "/api/v1", description = "本服务器")),
    tags(
        (name = "账号", description = "登录、退出、当前账号、修改密码、API 令牌"),
        (name = "组织机构", description = "区划与单位，组织机构表的导入导出（系统管理员）"),
        (name = "账号管理", description = "账号、角色授权、停用与重置密码（系统管理员）"),
        (name = "年度报告", description = "上传、审查结果、原文件、发布与撤回"),
        (name = "督察", description = "督察员查看所辖区划各单位的报告情况"),
        (name = "台账", description = "法治政府建设台账：各类记录的填报、法定程序校验、年度统计、指标覆盖、Excel 导入导出、附件"),
        (name = "审计", description = "操作记录（只增不改）"),
        (name = "公开", description = "无需登录的公开信息"),
        (name = "文档", description = "本 OpenAPI 文档"),
    ),
    // Schemas only named by query parameters are not collected from the handlers.
    components(schemas(dto::ErrorResponse, dto::OverviewSort, dto::SheetFormat))
)]
struct ApiDoc;

/// 本 API 的 OpenAPI 3.1 文档
///
/// 由代码生成，与实际路由一一对应。
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "文档",
    security(()),
    responses((status = 200, description = "OpenAPI 文档", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> Response {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serialises")
    });
    ([(CONTENT_TYPE, "application/json")], json.as_str()).into_response()
}

/// Security schemes, and the error responses every operation can give, added to each
/// operation so clients see them without every handler listing them.
fn finish(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "API 令牌：Authorization: Bearer <令牌>（在 /me/tokens 创建）",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "浏览器会话 Cookie（POST /auth/login 设置）",
        ))),
    );
    components.add_security_scheme(
        "csrf",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "会话的 CSRF 令牌（登录响应或 GET /me 中的 csrf_token）；以 Cookie 认证的修改类请求必须带上",
        ))),
    );
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ErrorResponse",
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten();
        for op in operations {
            // Doc comments wrap Chinese prose at line ends; Markdown would read each break
            // as a space, so lines join without one (blank lines still part paragraphs).
            if let Some(d) = op.description.as_mut() {
                *d = join_lines(d);
            }
            let requirements: Vec<serde_json::Value> = op
                .security
                .iter()
                .flatten()
                .map(|r| serde_json::to_value(r).unwrap_or_default())
                .collect();
            let needs_auth = requirements
                .iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()));
            let responses = &mut op.responses.responses;
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description));
            };
            if needs_auth {
                add("401", "未登录，或令牌无效、已撤销、账号已停用");
                add(
                    "403",
                    "没有权限执行此操作，或以 Cookie 认证的修改类请求缺少有效的 X-CSRF-Token",
                );
            }
            if op.request_body.is_some() {
                add(
                    "413",
                    "请求体过大（JSON 不超过 1 MB；上传文件见服务器配置）",
                );
            }
            if op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add("422", "请求参数有误");
            }
            add("500", "服务器内部错误");
        }
    }
    doc
}

/// Joins the lines of each paragraph without a space between them.
fn join_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A path under `/api/v1` that no endpoint has.
async fn no_such_endpoint() -> Error {
    Error::NotFound("接口")
}

/// A path that exists, asked with a method it does not take.
async fn method_not_allowed() -> Response {
    let body = ErrorBody {
        error: "method_not_allowed",
        message: "此接口不支持该请求方法".into(),
        rows: Vec::new(),
    };
    (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response()
}

/// A file to download, as the pages send it ([`crate::views::attachment`]: RFC 5987 name,
/// `nosniff`); its cache header is dropped so the API's `no-store` applies.
pub(crate) fn attachment(content_type: &str, filename: &str, bytes: Vec<u8>) -> Response {
    let mut resp = crate::views::attachment(filename, content_type, bytes);
    resp.headers_mut().remove(CACHE_CONTROL);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_keeps_chinese_names_and_quotes_safely() {
        use crate::views::content_disposition;
        assert_eq!(
            content_disposition("报告 2024.txt"),
            "attachment; filename=\"__ 2024.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202024.txt"
        );
        assert_eq!(
            content_disposition("a\"b\\c.pdf"),
            "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
        );
    }

    #[test]
    fn document_lists_security_and_errors() {
        let doc = openapi();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        let schemes = &json["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(schemes["cookie"]["in"], "cookie");
        assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
        let me = &json["paths"]["/me"]["get"];
        assert!(me["responses"]["401"].is_object(), "{me}");
        let login = &json["paths"]["/auth/login"]["post"];
        assert!(
            login["responses"]["401"].is_null(),
            "login needs no authentication"
        );
        assert!(login["responses"]["429"].is_object());
    }
}
