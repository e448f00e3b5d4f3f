//! `[server]` config validated once into the values the server runs with; every error names
//! its key (and becomes exit status 2 in the CLI).

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::ServerConfig;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub token: Option<String>,
    /// Empty = CORS off (no CORS headers at all). `*` = any origin.
    pub cors_origins: Vec<String>,
    pub request_timeout: Duration,
    pub header_timeout: Duration,
    /// Result cache budget in bytes (0 = off) and entry lifetime.
    pub search_cache_bytes: usize,
    pub search_cache_ttl: Duration,
}

fn positive_secs(key: &str, secs: f64) -> Result<Duration> {
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(Error::Config(format!(
            "`{key}` must be a number of seconds above 0 (got {secs})"
        )))
    }
}

impl Settings {
    pub fn from_config(c: &ServerConfig) -> Result<Settings> {
        let addr: SocketAddr = c.addr.trim().parse().map_err(|_| {
            Error::Config(format!(
                "`server.addr` = {:?} is not an address such as 127.0.0.1:7878",
                c.addr
            ))
        })?;
        let token = match c.token.as_deref().map(str::trim) {
            None => None,
            Some("") => {
                return Err(Error::Config(
                    "`server.token` is empty: set a real token or leave it out".into(),
                ));
            }
            Some(t) if t.chars().any(|ch| ch.is_control() || ch == ' ') => {
                return Err(Error::Config(
                    "`server.token` must not contain spaces or control characters".into(),
                ));
            }
            Some(t) => Some(t.to_string()),
        };
        for o in &c.cors_origins {
            let ok = o == "*"
                || (url::Url::parse(o).is_ok_and(|u| {
                    matches!(u.scheme(), "http" | "https")
                        && u.host_str().is_some()
                        && u.path() == "/"
                        && !o.ends_with('/')
                }) && HeaderValue::from_str(o).is_ok());
            if !ok {
                return Err(Error::Config(format!(
                    "`server.cors_origins` entry {o:?} is not an origin such as \"https://app.example.com\" (scheme, host, optional port, no path) or \"*\""
                )));
            }
        }
        Ok(Settings {
            addr,
            token,
            cors_origins: c.cors_origins.clone(),
            request_timeout: positive_secs("server.request_timeout_secs", c.request_timeout_secs)?,
            header_timeout: positive_secs("server.header_timeout_secs", c.header_timeout_secs)?,
            search_cache_bytes: usize::try_from(c.search_cache_mb.min(1 << 20))
                .unwrap_or(usize::MAX)
                .saturating_mul(1 << 20),
            search_cache_ttl: positive_secs("server.search_cache_secs", c.search_cache_secs)?,
        })
    }

    /// The CORS layer, or `None` when no origin is configured (the default: browsers on other
    /// origins cannot read the API).
    pub fn cors(&self) -> Option<CorsLayer> {
        if self.cors_origins.is_empty() {
            return None;
        }
        let origin = if self.cors_origins.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(
                self.cors_origins
                    .iter()
                    .filter_map(|o| HeaderValue::from_str(o).ok()),
            )
        };
        Some(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::HEAD])
                .allow_headers([header::AUTHORIZATION, header::ACCEPT])
                .max_age(Duration::from_secs(600)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_cors_is_off() {
        let s = Settings::from_config(&ServerConfig::default()).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:7878");
        assert!(s.cors().is_none());
        assert!(s.token.is_none());
    }

    type Change = fn(&mut ServerConfig);

    #[test]
    fn bad_values_name_the_key() {
        let cases: [(Change, &str); 5] = [
            (|c| c.addr = "localhost".into(), "server.addr"),
            (|c| c.token = Some("  ".into()), "server.token"),
            (
                |c| c.cors_origins = vec!["https://a.test/path".into()],
                "server.cors_origins",
            ),
            (
                |c| c.request_timeout_secs = 0.0,
                "server.request_timeout_secs",
            ),
            (
                |c| c.header_timeout_secs = f64::NAN,
                "server.header_timeout_secs",
            ),
        ];
        for (change, key) in cases {
            let mut c = ServerConfig::default();
            change(&mut c);
            let err = Settings::from_config(&c).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
            assert_eq!(err.exit_code(), 2);
        }
        let c = ServerConfig {
            cors_origins: vec![
                "https://app.example.com".into(),
                "http://127.0.0.1:3000".into(),
            ],
            ..Default::default()
        };
        assert!(Settings::from_config(&c).unwrap().cors().is_some());
    }
}
