//! The route registry: every route of the server with its methods, recorded while the router
//! is built, so that the list cannot drift from the router.
//!
//! axum cannot list the routes of a `Router`, so the pages register through [`Routes`]:
//! `.route(path, get(a).post(b))` with this module's [`get`] and [`post`] records
//! `(GET, path)` and `(POST, path)` and adds the same method router to axum. The API's
//! operations come from its OpenAPI document, which utoipa-axum builds from the same
//! registrations as its router (see [`crate::api`]). [`crate::routes`] joins both; the
//! authorization matrix and the security suite demand a case for every entry.

use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

/// Where a route is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Surface {
    /// A page (or a download, `/healthz`, a static file) at the root.
    Page,
    /// An operation of the JSON API, under `/api/v1`.
    Api,
}

/// One registered route: a method and its path as the router writes it (`{id}` for a
/// parameter). An API path is relative to `/api/v1`, as the OpenAPI document writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    pub surface: Surface,
    pub method: Method,
    pub path: String,
}

impl Route {
    /// The path as a client requests it (`/api/v1/…` for the API).
    pub fn full_path(&self) -> String {
        match self.surface {
            Surface::Page => self.path.clone(),
            Surface::Api => format!("{}{}", crate::API_PREFIX, self.path),
        }
    }
}

/// A router for the pages that records each route it is given.
pub struct Routes<S = AppState> {
    router: Router<S>,
    list: Vec<Route>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// Registers `path` with the methods of `methods`, in the router and in the list.
    pub fn route(mut self, path: &'static str, methods: Methods<S>) -> Self {
        for method in methods.methods {
            self.list.push(Route {
                surface: Surface::Page,
                method,
                path: path.to_string(),
            });
        }
        self.router = self.router.route(path, methods.router);
        self
    }

    /// What answers a path no route matches (not a route of its own).
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.router = self.router.fallback(handler);
        self
    }

    /// The router and the routes it serves.
    pub fn into_parts(self) -> (Router<S>, Vec<Route>) {
        (self.router, self.list)
    }
}

/// The methods of one path, with the handlers that answer them.
pub struct Methods<S = AppState> {
    methods: Vec<Method>,
    router: MethodRouter<S>,
}

/// `GET path` (axum answers `HEAD` with it too).
pub fn get<H, T, S>(handler: H) -> Methods<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    Methods {
        methods: vec![Method::GET],
        router: routing::get(handler),
    }
}

/// `POST path`.
pub fn post<H, T, S>(handler: H) -> Methods<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    Methods {
        methods: vec![Method::POST],
        router: routing::post(handler),
    }
}

impl<S: Clone + Send + Sync + 'static> Methods<S> {
    /// Adds `GET` to the path's methods.
    pub fn get<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.methods.push(Method::GET);
        self.router = self.router.get(handler);
        self
    }

    /// Adds `POST` to the path's methods.
    pub fn post<H, T>(mut self, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.methods.push(Method::POST);
        self.router = self.router.post(handler);
        self
    }
}

/// The operations of an OpenAPI document as routes of the API.
pub(crate) fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
            (Method::HEAD, &item.head),
            (Method::OPTIONS, &item.options),
            (Method::TRACE, &item.trace),
        ];
        for (method, op) in ops {
            if op.is_some() {
                out.push(Route {
                    surface: Surface::Api,
                    method,
                    path: path.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok() -> &'static str {
        "ok"
    }

    #[test]
    fn each_method_of_a_route_is_listed() {
        let (_, list) = Routes::<()>::new()
            .route("/a", get(ok).post(ok))
            .route("/b/{id}", post(ok))
            .into_parts();
        let got: Vec<(Method, &str)> = list
            .iter()
            .map(|r| (r.method.clone(), r.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Method::GET, "/a"),
                (Method::POST, "/a"),
                (Method::POST, "/b/{id}")
            ]
        );
        assert!(list.iter().all(|r| r.surface == Surface::Page));
    }

    #[test]
    fn the_server_lists_pages_and_api_operations() {
        let all = crate::routes();
        let has = |surface, method: Method, path: &str| {
            all.iter()
                .any(|r| r.surface == surface && r.method == method && r.path == path)
        };
        assert!(has(Surface::Page, Method::GET, "/"));
        assert!(has(Surface::Page, Method::POST, "/login"));
        assert!(has(Surface::Page, Method::GET, "/healthz"));
        assert!(has(Surface::Api, Method::GET, "/openapi.json"));
        assert!(has(Surface::Api, Method::POST, "/auth/login"));
        let api = all.iter().find(|r| r.surface == Surface::Api).unwrap();
        assert!(api.full_path().starts_with("/api/v1/"));
    }
}
