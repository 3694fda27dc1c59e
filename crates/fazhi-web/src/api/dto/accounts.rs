//! Accounts, grants, logins, API tokens.

use super::*;

/// 账号。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    /// 使用一次性密码登录后须先修改密码。
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&s::User> for User {
    fn from(u: &s::User) -> Self {
        User {
            id: u.id.0,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
        }
    }
}

/// 一项授权：在某个节点上授予的角色。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Grant {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    /// 角色的中文名称。
    pub role_label: String,
    pub node: Node,
    /// 节点（区划或单位）的名称。
    pub node_name: String,
}

impl Grant {
    pub fn new(g: &s::RoleGrant, node_name: String) -> Grant {
        Grant {
            id: g.id.0,
            user_id: g.user_id.0,
            role: g.grant.role.into(),
            role_label: g.grant.role.label().to_string(),
            node: g.grant.node.into(),
            node_name,
        }
    }

    /// Grants with names looked up in `names` (the node's number when it is missing).
    pub fn list(grants: &[s::RoleGrant], names: &HashMap<d::Node, String>) -> Vec<Grant> {
        grants
            .iter()
            .map(|g| {
                Grant::new(
                    g,
                    names
                        .get(&g.grant.node)
                        .cloned()
                        .unwrap_or_else(|| node_fallback(g.grant.node)),
                )
            })
            .collect()
    }
}

fn node_fallback(n: d::Node) -> String {
    match n {
        d::Node::Region(id) => format!("区划 {id}"),
        d::Node::Unit(id) => format!("单位 {id}"),
    }
}

/// 要授予的角色及其节点。
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrant {
    pub role: Role,
    pub node: Node,
}

impl From<NewGrant> for d::Grant {
    fn from(g: NewGrant) -> Self {
        d::Grant {
            role: g.role.into(),
            node: g.node.into(),
        }
    }
}

/// 账号及其全部授权。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserWithGrants {
    pub user: User,
    pub grants: Vec<Grant>,
}

/// 新建账号：初始密码由系统生成，只在响应中出现一次。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 登录名：1～64 个字符，只能使用字母（含汉字）、数字和 - _ . @。
    pub login: String,
    #[serde(default)]
    pub display_name: String,
    /// 至少一项授权；每项都须在操作人的管理范围内。
    pub grants: Vec<NewGrant>,
}

/// 新建的账号及其一次性密码。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedUser {
    pub user: User,
    pub grants: Vec<Grant>,
    /// 一次性密码（只显示这一次）；首次登录后须修改。
    pub password: String,
}

/// 重置后的一次性密码（只显示这一次）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OneTimePassword {
    pub password: String,
}

/// 登录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// 登录成功：会话 Cookie 已通过 Set-Cookie 设置。使用 Cookie 发送的修改类请求须在
/// X-CSRF-Token 请求头中带上 csrf_token。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// 认证方式：session 浏览器会话（Cookie）；token API 令牌（Bearer）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Session,
    Token,
}

impl From<crate::auth::Via> for Via {
    fn from(v: crate::auth::Via) -> Self {
        match v {
            crate::auth::Via::Session => Via::Session,
            crate::auth::Via::Token => Via::Token,
        }
    }
}

/// 当前登录的账号：授权、可查看的单位、督察的区划。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub via: Via,
    /// 会话的 CSRF 令牌（仅会话认证时有）。
    pub csrf_token: Option<String>,
    pub grants: Vec<Grant>,
    /// 可查看的单位（本单位；督察员、管理员为其区划下的全部单位）。
    pub units: Vec<Unit>,
    /// 可督察的区划（最上层的）。
    pub supervised_regions: Vec<Region>,
}

/// 修改自己的密码。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub old_password: String,
    /// 10～128 个字符，须包含大写字母、小写字母、数字、符号（含汉字等其他文字）中的至少 3 类
    /// （16 个字符以上的长密码不限类别）；至少 5 个不同的字符，不能以空格开头或结尾，不能包含
    /// 登录名，不能是常见的弱密码，也不能与当前密码或最近 5 次用过的密码相同。
    pub new_password: String,
    /// 是否同时吊销自己的全部 API 令牌（包括本次请求所用的令牌），默认否。怀疑密码或令牌
    /// 已泄露时使用。
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// API 令牌（令牌本身只在创建时返回一次）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl From<&s::ApiToken> for ApiToken {
    fn from(t: &s::ApiToken) -> Self {
        ApiToken {
            id: t.id.0,
            name: t.name.clone(),
            created_at: t.created_at,
            revoked: t.revoked,
        }
    }
}

/// 新建 API 令牌。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// 令牌用途，如“数据同步脚本”；不超过 100 个字符，不能含控制字符或不可见字符。
    pub name: String,
}

/// 新建的 API 令牌。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiToken {
    pub token: ApiToken,
    /// 令牌（只显示这一次）：请求时放在 `Authorization: Bearer …` 请求头中。
    pub secret: String,
}
