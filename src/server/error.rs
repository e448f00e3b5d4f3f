//! The one error type every handler returns: `AppError` turns into a JSON body
//! `{"error": code, "detail": message}` with the matching status, so handlers use `?` and
//! clients always get the same shape. Bad input is a 4xx naming what was wrong; internal
//! failures are logged with their detail and shown to clients without paths.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    /// Malformed query string, unknown parameter, bad value (400).
    BadRequest(String),
    /// Unknown creator or route (404).
    NotFound(String),
    /// Missing or wrong token (401).
    Unauthorized,
    /// A verb other than GET/HEAD on a known route (405).
    MethodNotAllowed,
    /// Request line longer than the server accepts (414).
    UriTooLong(usize),
    /// Request body larger than the server accepts (413).
    PayloadTooLarge(u64),
    /// The request did not finish within `server.request_timeout_secs` (503).
    Timeout(f64),
    /// Something broke on our side; the detail goes to the log only (500).
    Internal(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    detail: &'a str,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short machine-readable `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::UriTooLong(_) => "uri_too_long",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::Timeout(_) => "timeout",
            AppError::Internal(_) => "internal",
        }
    }

    /// The human `detail` shown to the client.
    pub fn detail(&self) -> String {
        match self {
            AppError::BadRequest(m) | AppError::NotFound(m) => m.clone(),
            AppError::Unauthorized => {
                "this server requires a token: send `Authorization: Bearer TOKEN`".into()
            }
            AppError::MethodNotAllowed => "only GET (and HEAD) are served".into(),
            AppError::UriTooLong(max) => format!("the request URI is longer than {max} bytes"),
            AppError::PayloadTooLarge(max) => {
                format!("request bodies are limited to {max} bytes (every route is a GET)")
            }
            AppError::Timeout(secs) => format!("the request took longer than {secs} s; try again"),
            AppError::Internal(_) => "internal error; the server log has the detail".into(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let detail = self.detail();
        let mut resp = (
            self.status(),
            Json(Body {
                error: self.code(),
                detail: &detail,
            }),
        )
            .into_response();
        let headers = resp.headers_mut();
        match self {
            AppError::Unauthorized => {
                // Bearer for API clients; Basic (any user name, the token as password) so that
                // a browser can open the page on a protected server: it prompts once and then
                // sends the credentials with the page's own requests.
                headers.append(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"scout\""),
                );
                headers.append(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"scout\", charset=\"UTF-8\""),
                );
            }
            AppError::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            }
            AppError::Timeout(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        resp
    }
}

impl From<crate::Error> for AppError {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Usage(m) | crate::Error::Config(m) => AppError::BadRequest(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("a search task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_400_and_index_errors_500() {
        let e: AppError = crate::Error::Usage("invalid `limit`".into()).into();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(e.detail(), "invalid `limit`");
        let e: AppError = crate::Error::Other("disk on fire at /srv/index".into()).into();
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.detail().contains("/srv/index"), "no paths to clients");
    }
}
