//! Accounts, grants, passwords and API tokens ([`UserStore`]).

use crate::prelude::*;

#[async_trait]
impl<S: Backend> UserStore for S {
    async fn create_user(&self, actor: &Actor, new: &NewUser) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let created_at = now();
        let id: i64 = query_scalar(
            "INSERT INTO users (login, display_name, password_hash, disabled, must_change_password, \
             created_at) VALUES ($1, $2, $3, FALSE, $4, $5) RETURNING id",
        )
        .bind(new.login.as_str())
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.must_change_password)
        .bind(created_at)
        .fetch_one(&mut tx)
        .await
        .map_err(|e| unique_or(e, || format!("登录名“{}”已被使用", new.login)))?;
        let user = User {
            id: UserId(id),
            login: new.login.to_string(),
            display_name: new.display_name.clone(),
            password_hash: new.password_hash.clone(),
            disabled: false,
            must_change_password: new.must_change_password,
            created_at,
        };
        audit_and_commit(
            tx,
            actor,
            Change::new("user.create", "user", Some(id), Placement::default())
                .after(to_json(&user)),
        )
        .await?;
        Ok(user)
    }

    async fn user(&self, id: UserId) -> StoreResult<User> {
        fetch_user(self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound("账号"))
    }

    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.login = $1");
        query(&sql)
            .bind(login)
            .fetch_optional_mapped(self.reader(), user_row)
            .await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users u ORDER BY u.id");
        query(&sql).fetch_all_mapped(self.reader(), user_row).await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.reader())
            .await
            .map_err(db)
    }

    async fn set_password(
        &self,
        actor: &Actor,
        id: UserId,
        password_hash: &str,
        how: PasswordSet,
    ) -> StoreResult<u64> {
        let must_change = how.must_change();
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {USER_COLS} FROM users u WHERE u.id = $1{}",
            tx.lock_row()
        );
        let before = query(&sql)
            .bind(id)
            .fetch_optional_mapped(&mut tx, user_row)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(must_change)
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        // The replaced hash joins the history, which keeps only the newest few.
        query(
            "INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(&before.password_hash)
        .bind(now())
        .execute(&mut tx)
        .await
        .map_err(db)?;
        query(
            "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
             (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(id)
        .bind(PASSWORD_HISTORY as i64)
        .execute(&mut tx)
        .await
        .map_err(db)?;
        let tokens_revoked = if how.revokes_tokens() {
            query("UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1 AND NOT revoked")
                .bind(id)
                .execute(&mut tx)
                .await
                .map_err(db)?
                .rows_affected()
        } else {
            0
        };
        let place = user_placement(&mut tx, id).await?;
        audit_and_commit(
            tx,
            actor,
            Change::new("user.password", "user", Some(id.0), place)
                .before(json!({ "must_change_password": before.must_change_password }))
                .after(json!({
                    "password_changed": true,
                    "must_change_password": must_change,
                    "tokens_revoked": tokens_revoked,
                })),
        )
        .await?;
        Ok(tokens_revoked)
    }

    async fn password_history(&self, id: UserId) -> StoreResult<Vec<String>> {
        query_scalar(
            "SELECT password_hash FROM password_history WHERE user_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(PASSWORD_HISTORY as i64)
        .fetch_all(self.reader())
        .await
        .map_err(db)
    }

    async fn set_disabled(&self, actor: &Actor, id: UserId, disabled: bool) -> StoreResult<User> {
        let mut tx = self.begin_write().await?;
        let before = fetch_user(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        if disabled {
            query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await
                .map_err(db)?;
            query("UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1")
                .bind(id)
                .execute(&mut tx)
                .await
                .map_err(db)?;
        }
        let after = User {
            disabled,
            ..before.clone()
        };
        let place = user_placement(&mut tx, id).await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        audit_and_commit(
            tx,
            actor,
            Change::new(action, "user", Some(id.0), place).states(&before, &after),
        )
        .await?;
        Ok(after)
    }

    async fn grant(&self, actor: &Actor, user_id: UserId, grant: Grant) -> StoreResult<RoleGrant> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut tx, user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        let place = node_placement(&mut tx, grant.node).await?;
        let (node_type, node_id) = node_key(grant.node);
        let id: i64 = query_scalar(
            "INSERT INTO role_grants (user_id, role, node_type, node_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(grant.role.key())
        .bind(node_type)
        .bind(node_id)
        .bind(now())
        .fetch_one(&mut tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("该账号在此处已有“{}”角色", grant.role.label())
            })
        })?;
        let rg = RoleGrant {
            id: GrantId(id),
            user_id,
            grant,
        };
        audit_and_commit(
            tx,
            actor,
            Change::new("grant.create", "grant", Some(id), place).after(to_json(&rg)),
        )
        .await?;
        Ok(rg)
    }

    async fn revoke(&self, actor: &Actor, grant_id: GrantId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants WHERE id = $1");
        let rg = query(&sql)
            .bind(grant_id)
            .fetch_optional_mapped(&mut tx, grant_row)
            .await?
            .ok_or(StoreError::NotFound("授权"))?;
        // Where the grant sat; a node that vanished leaves the entry unplaced.
        let place = match node_placement(&mut tx, rg.grant.node).await {
            Err(StoreError::NotFound(_)) => Placement::default(),
            other => other?,
        };
        query("DELETE FROM role_grants WHERE id = $1")
            .bind(grant_id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        audit_and_commit(
            tx,
            actor,
            Change::new("grant.revoke", "grant", Some(grant_id.0), place).before(to_json(&rg)),
        )
        .await?;
        Ok(())
    }

    async fn grants(&self, user_id: UserId) -> StoreResult<Vec<RoleGrant>> {
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants WHERE user_id = $1 ORDER BY id");
        query(&sql)
            .bind(user_id)
            .fetch_all_mapped(self.reader(), grant_row)
            .await
    }

    async fn all_grants(&self) -> StoreResult<Vec<RoleGrant>> {
        let sql = format!("SELECT {GRANT_COLS} FROM role_grants ORDER BY user_id, id");
        query(&sql).fetch_all_mapped(self.reader(), grant_row).await
    }

    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut tx, user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        let created_at = now();
        let id: i64 = query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, revoked) \
             VALUES ($1, $2, $3, $4, FALSE) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(created_at)
        .fetch_one(&mut tx)
        .await
        .map_err(|e| unique_or(e, || "该 API 令牌已存在".to_string()))?;
        let token = ApiToken {
            id: TokenId(id),
            user_id,
            name: name.to_string(),
            token_hash: token_hash.to_string(),
            created_at,
            revoked: false,
        };
        let place = user_placement(&mut tx, user_id).await?;
        audit_and_commit(
            tx,
            actor,
            Change::new("token.create", "api_token", Some(id), place).after(to_json(&token)),
        )
        .await?;
        Ok(token)
    }

    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, User)>> {
        let sql = format!(
            "SELECT {TOKEN_COLS}, {USER_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND NOT t.revoked AND NOT u.disabled"
        );
        let row = query(&sql)
            .bind(token_hash)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?;
        row.map(|r| Ok((token_row(&r)?, user_row(&r)?))).transpose()
    }

    async fn revoke_api_token(&self, actor: &Actor, id: TokenId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let before = fetch_token(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound("API 令牌"))?;
        query("UPDATE api_tokens SET revoked = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        let after = ApiToken {
            revoked: true,
            ..before.clone()
        };
        let place = user_placement(&mut tx, before.user_id).await?;
        audit_and_commit(
            tx,
            actor,
            Change::new("token.revoke", "api_token", Some(id.0), place).states(&before, &after),
        )
        .await?;
        Ok(())
    }

    async fn api_tokens(&self, user_id: UserId) -> StoreResult<Vec<ApiToken>> {
        let sql =
            format!("SELECT {TOKEN_COLS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id");
        query(&sql)
            .bind(user_id)
            .fetch_all_mapped(self.reader(), token_row)
            .await
    }
}
