//! Login sessions ([`SessionStore`]).

use crate::prelude::*;

#[async_trait]
impl<S: Backend> SessionStore for S {
    async fn create_session(&self, actor: &Actor, session: &Session) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        fetch_user(&mut tx, session.user_id)
            .await?
            .ok_or(StoreError::NotFound("账号"))?;
        query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, addr) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(&session.addr)
        .execute(&mut tx)
        .await
        .map_err(|e| unique_or(e, || "会话已存在".to_string()))?;
        let place = user_placement(&mut tx, session.user_id).await?;
        audit_and_commit(
            tx,
            actor,
            Change::new("session.login", "session", Some(session.user_id.0), place)
                .after(session_json(session)),
        )
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Session, User)>> {
        let sql = format!(
            "SELECT {SESSION_COLS}, {USER_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
        );
        let row = query(&sql)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(self.reader())
            .await
            .map_err(db)?;
        row.map(|r| Ok((session_row(&r)?, user_row(&r)?)))
            .transpose()
    }

    async fn delete_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {SESSION_COLS} FROM sessions s WHERE s.token_hash = $1");
        let found = query(&sql)
            .bind(token_hash)
            .fetch_optional_mapped(&mut tx, session_row)
            .await?;
        // Logging out of a session that is already gone changes nothing: no entry.
        let Some(session) = found else {
            return Ok(());
        };
        query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut tx)
            .await
            .map_err(db)?;
        let place = user_placement(&mut tx, session.user_id).await?;
        audit_and_commit(
            tx,
            actor,
            Change::new("session.logout", "session", Some(session.user_id.0), place)
                .before(session_json(&session)),
        )
        .await?;
        Ok(())
    }

    async fn end_sessions(
        &self,
        actor: &Actor,
        user_id: UserId,
        keep: Option<&str>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let n = query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n > 0 {
            let place = user_placement(&mut tx, user_id).await?;
            append_audit(
                &mut tx,
                actor,
                Change::new("session.end_all", "session", Some(user_id.0), place)
                    .before(serde_json::json!({ "sessions": n })),
            )
            .await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn purge_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let n = query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db)?
            .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn record_login_failure(&self, actor: &Actor, login: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user_id: Option<i64> = query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut tx)
            .await
            .map_err(db)?;
        let place = match user_id {
            Some(id) => user_placement(&mut tx, UserId(id)).await?,
            None => Placement::default(),
        };
        audit_and_commit(
            tx,
            actor,
            Change::new("session.login_failed", "session", user_id, place)
                .after(json!({ "login": login })),
        )
        .await?;
        Ok(())
    }
}
