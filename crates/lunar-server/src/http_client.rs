//! The HTTP client scripts reach as `http`: requests to the hosts of an
//! allowlist, with a timeout and a bound on the response's size, over a
//! connection pool per runtime (hyper's legacy client), `https://`
//! through rustls (the ring provider, Mozilla's roots compiled in).
//!
//! Allowlist entries: `host` (any port), `host:port`, `*.domain` (any
//! host under `domain`, not `domain` itself) and `*` (any host); names
//! compare without regard to case; IPv6 addresses are written in
//! brackets (`[::1]:8080`). Redirects are not followed: a script sees the
//! 3xx response and its `location` header.

use crate::kv::PerRuntime;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::sync::Arc;
use std::time::Duration;

/// How the server's HTTP client is set up.
#[derive(Clone, Debug)]
pub struct HttpClientConfig {
    /// The hosts scripts may reach (see the module docs for the forms).
    pub allow_hosts: Vec<String>,
    /// The time a request may take, response body included, when the
    /// script gives none.
    pub timeout: Duration,
    /// The largest response body read; a larger one fails the request.
    pub max_response_bytes: usize,
}

impl Default for HttpClientConfig {
    /// No host allowed, 10 s, 8 MiB.
    fn default() -> HttpClientConfig {
        HttpClientConfig {
            allow_hosts: Vec::new(),
            timeout: Duration::from_secs(10),
            max_response_bytes: 8 << 20,
        }
    }
}

/// A response as the script sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The header fields in the order received, names in lower case.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// Why a request failed. The first three are the script's mistakes and
/// raise Lua errors ([`HttpError::is_refusal`]); the others are I/O
/// failures, for which the script gets `nil, message`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL's host is not in the allowlist.
    NotAllowed {
        /// The host as the URL names it.
        host: String,
    },
    /// The URL is not an absolute `http://` or `https://` URL.
    InvalidUrl(String),
    /// A bad method or header (the text says which).
    InvalidRequest(String),
    /// The request took longer than its timeout.
    Timeout(Duration),
    /// The response body was larger than the configured bound.
    TooLarge(usize),
    /// `https://` URLs, when TLS could not be set up (not expected:
    /// the client builds its TLS settings in).
    HttpsUnsupported,
    /// Connecting, sending or receiving failed (the text says how).
    Network(String),
}

impl HttpError {
    /// Whether this is the script's mistake (a host not allowed, a bad
    /// URL, method or header), raised as a Lua error, rather than an
    /// I/O failure that the script gets as `nil, message`.
    ///
    /// ```
    /// use lunar_server::http_client::HttpError;
    /// assert!(HttpError::NotAllowed { host: "example.com".into() }.is_refusal());
    /// assert!(!HttpError::Timeout(std::time::Duration::from_secs(1)).is_refusal());
    /// ```
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            HttpError::NotAllowed { .. } | HttpError::InvalidUrl(_) | HttpError::InvalidRequest(_)
        )
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::NotAllowed { host } => write!(f, "http: host '{host}' is not allowed"),
            HttpError::InvalidUrl(why) => write!(f, "http: {why}"),
            HttpError::InvalidRequest(why) => write!(f, "http: {why}"),
            HttpError::Timeout(d) => write!(f, "http: timed out after {} s", d.as_secs_f64()),
            HttpError::TooLarge(max) => {
                write!(f, "http: response body larger than {max} bytes")
            }
            HttpError::HttpsUnsupported => f.write_str("https is not supported"),
            HttpError::Network(why) => write!(f, "http: {why}"),
        }
    }
}

impl std::error::Error for HttpError {}

/// One allowlist entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Allow {
    /// `*`: any host.
    Any,
    /// `host`: that host on any port.
    Host(String),
    /// `host:port`.
    HostPort(String, u16),
    /// `*.domain`: the hosts that end with `.domain` (kept with its dot).
    Suffix(String),
}

impl Allow {
    fn parse(entry: &str) -> Allow {
        let e = entry.trim().to_ascii_lowercase();
        if e == "*" {
            return Allow::Any;
        }
        if let Some(domain) = e.strip_prefix("*.") {
            return Allow::Suffix(format!(".{}", domain.trim_end_matches('.')));
        }
        // A port follows the last colon, unless the colon is inside an
        // IPv6 address (which must then be bracketed to carry a port).
        if let Some((host, port)) = e.rsplit_once(':')
            && (!host.contains(':') || host.ends_with(']'))
            && let Ok(port) = port.parse::<u16>()
        {
            return Allow::HostPort(host.trim_end_matches('.').to_string(), port);
        }
        Allow::Host(e.trim_end_matches('.').to_string())
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        match self {
            Allow::Any => true,
            Allow::Host(h) => h == host,
            Allow::HostPort(h, p) => h == host && *p == port,
            Allow::Suffix(s) => host.len() > s.len() && host.ends_with(s.as_str()),
        }
    }
}

/// The server's HTTP client: cheap to clone (clones share the allowlist
/// and the connection pools).
///
/// Each tokio runtime that sends requests (each worker) gets its own
/// pool, made on its first request: a connection's driver task runs on
/// the runtime that uses it, and no runtime depends on another one
/// still running.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

/// hyper's client over TCP, with TLS for `https://`.
type Pool = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

struct Inner {
    allow: Vec<Allow>,
    timeout: Duration,
    max_response_bytes: usize,
    /// rustls's settings (ring, Mozilla's roots), or `None` when they
    /// could not be made: then `https://` is not supported.
    tls: Option<rustls::ClientConfig>,
    pools: PerRuntime<Pool>,
}

impl HttpClient {
    /// A client with this configuration (it opens no connection yet).
    ///
    /// ```
    /// use lunar_server::http_client::{HttpClient, HttpClientConfig};
    /// let client = HttpClient::new(HttpClientConfig {
    ///     allow_hosts: vec!["api.example.com".into(), "*.internal".into()],
    ///     ..Default::default()
    /// });
    /// assert!(client.allows("http://api.example.com/x").is_ok());
    /// assert!(client.allows("http://db.internal:8080/").is_ok());
    /// let e = client.allows("http://example.com/").unwrap_err();
    /// assert_eq!(e.to_string(), "http: host 'example.com' is not allowed");
    /// ```
    pub fn new(config: HttpClientConfig) -> HttpClient {
        HttpClient {
            inner: Arc::new(Inner {
                allow: config.allow_hosts.iter().map(|e| Allow::parse(e)).collect(),
                timeout: config.timeout,
                max_response_bytes: config.max_response_bytes,
                tls: tls_config(),
                pools: PerRuntime::new(),
            }),
        }
    }

    /// The current runtime's pool, made on first use.
    fn pool(&self) -> Result<Pool, HttpError> {
        let network = |e: &str| HttpError::Network(e.to_string());
        if let Some(p) = self.inner.pools.get().map_err(network)? {
            return Ok(p);
        }
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        // The TLS layer takes https:// URLs; plain ones pass through.
        tcp.enforce_http(false);
        let tls = self.inner.tls.clone().ok_or(HttpError::HttpsUnsupported)?;
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let pool = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        self.inner.pools.insert(pool).map_err(network)
    }

    /// The timeout of a request for which the script gives none.
    pub fn default_timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Checks `url` against the allowlist: its parsed form, or why it may
    /// not be requested ([`HttpError::NotAllowed`], [`HttpError::InvalidUrl`]).
    pub fn allows(&self, url: &str) -> Result<Uri, HttpError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| HttpError::InvalidUrl(format!("invalid URL '{url}'")))?;
        let default_port = match uri.scheme_str() {
            Some("http") => 80,
            Some("https") => 443,
            Some(other) => {
                return Err(HttpError::InvalidUrl(format!(
                    "unsupported URL scheme '{other}'"
                )));
            }
            None => return Err(HttpError::InvalidUrl(format!("invalid URL '{url}'"))),
        };
        let Some(host) = uri.host() else {
            return Err(HttpError::InvalidUrl(format!("invalid URL '{url}'")));
        };
        let port = uri.port_u16().unwrap_or(default_port);
        let name = host.to_ascii_lowercase();
        let name = name.trim_end_matches('.');
        if self.inner.allow.iter().any(|a| a.matches(name, port)) {
            Ok(uri)
        } else {
            Err(HttpError::NotAllowed {
                host: host.to_string(),
            })
        }
    }

    /// Sends a request and reads the whole response, within `timeout`
    /// (the configured one when `None`). The allowlist is checked first.
    pub async fn request(
        &self,
        method: &str,
        url: &str,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, HttpError> {
        let uri = self.allows(url)?;
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| HttpError::InvalidRequest(format!("invalid method '{method}'")))?;
        let mut req = Request::builder().method(method).uri(uri.clone());
        for (name, value) in headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpError::InvalidRequest(format!("invalid header name '{name}'")))?;
            let v = HeaderValue::from_bytes(&value).map_err(|_| {
                HttpError::InvalidRequest(format!("invalid value for header '{name}'"))
            })?;
            req = req.header(n, v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| HttpError::InvalidRequest(e.to_string()))?;
        if uri.scheme_str() == Some("https") && self.inner.tls.is_none() {
            return Err(HttpError::HttpsUnsupported);
        }
        let timeout = timeout.unwrap_or(self.inner.timeout);
        match tokio::time::timeout(timeout, self.send(req)).await {
            Ok(result) => result,
            Err(_) => Err(HttpError::Timeout(timeout)),
        }
    }

    /// Sends `req` and reads its response, body bounded.
    async fn send(&self, req: Request<Full<Bytes>>) -> Result<HttpResponse, HttpError> {
        let max = self.inner.max_response_bytes;
        let resp = self
            .pool()?
            .request(req)
            .await
            .map_err(|e| HttpError::Network(error_chain(&e)))?;
        let (parts, mut body) = resp.into_parts();
        // A declared length over the bound fails before anything is read.
        if let Some(len) = parts
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            && len > max as u64
        {
            return Err(HttpError::TooLarge(max));
        }
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| HttpError::Network(error_chain(&e)))?;
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > max {
                    return Err(HttpError::TooLarge(max));
                }
                out.extend_from_slice(&data);
            }
        }
        let headers = parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
            .collect();
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers,
            body: out,
        })
    }
}

/// rustls's client settings: the ring provider, its safe protocol
/// versions, Mozilla's root certificates (compiled in, so no system
/// store is read).
fn tls_config() -> Option<rustls::ClientConfig> {
    use hyper_rustls::ConfigBuilderExt as _;
    // ring rather than aws-lc-rs (rustls's default), which needs cmake
    // and a long C build; rustls 0.23.48 deprecates ring's provider only
    // for lacking post-quantum key exchange, which no peer requires.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_webpki_roots()
        .with_no_client_auth();
    Some(config)
}

/// An error and its causes as one line: "client error (Connect): tcp
/// connect error: Connection refused (os error 111)".
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        // Some layers repeat their cause's text in their own.
        if !text.ends_with(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(allow: &[&str]) -> HttpClient {
        HttpClient::new(HttpClientConfig {
            allow_hosts: allow.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        })
    }

    #[test]
    fn allowlist_forms() {
        let c = client(&[
            "API.example.com",
            "localhost:8080",
            "*.corp.net",
            "[::1]:9000",
        ]);
        assert!(c.allows("http://api.example.com/").is_ok());
        assert!(c.allows("http://Api.Example.Com:1234/x?y").is_ok());
        assert!(c.allows("http://localhost:8080/").is_ok());
        assert!(c.allows("http://a.corp.net/").is_ok());
        assert!(c.allows("http://a.b.corp.net:81/").is_ok());
        assert!(c.allows("http://[::1]:9000/").is_ok());
        for refused in [
            "http://localhost/",
            "http://localhost:8081/",
            "http://corp.net/",
            "http://evilcorp.net/",
            "http://example.com/",
            "http://[::1]:9001/",
        ] {
            assert!(
                matches!(c.allows(refused), Err(HttpError::NotAllowed { .. })),
                "{refused}"
            );
        }
        // The default port counts for host:port entries.
        let c = client(&["example.com:80", "secure.example.com:443"]);
        assert!(c.allows("http://example.com/").is_ok());
        assert!(c.allows("https://secure.example.com/").is_ok());
        assert!(c.allows("https://example.com/").is_err());
    }

    #[test]
    fn nothing_is_allowed_by_default_and_star_allows_all() {
        let c = HttpClient::new(HttpClientConfig::default());
        assert!(matches!(
            c.allows("http://localhost/"),
            Err(HttpError::NotAllowed { .. })
        ));
        assert!(client(&["*"]).allows("http://anything.at.all:1/").is_ok());
    }

    #[test]
    fn bad_urls() {
        let c = client(&["*"]);
        assert_eq!(
            c.allows("ftp://x/").unwrap_err().to_string(),
            "http: unsupported URL scheme 'ftp'"
        );
        assert_eq!(
            c.allows("/relative").unwrap_err().to_string(),
            "http: invalid URL '/relative'"
        );
        assert_eq!(
            c.allows("http://a b/").unwrap_err().to_string(),
            "http: invalid URL 'http://a b/'"
        );
    }
}
