//! `tenet serve`: verdicts over HTTP for pre-publish hooks (axum on tokio).
//!
//! `POST /v1/check` takes one draft (`{"id", "text", "channel", "format"}`, as
//! `tenet moderate` reads) and answers its verdict record; `POST /v1/check/batch`
//! takes an array of them (or `{"drafts": […]}`), checks them on every core and
//! answers `{"results": […]}` in order. `GET /healthz` says the process is up,
//! `GET /readyz` that rules are loaded (and whether a reload failed),
//! `GET /metrics` gives Prometheus text.
//! Rules are reloaded on SIGHUP and when their files change, keeping the last good
//! ones; SIGTERM lets requests in flight finish. Logs never hold a draft's text.
//! A body may come gzipped (`Content-Encoding: gzip`); the size limit holds for
//! what it unpacks to.

pub mod metrics;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use rayon::prelude::*;
use serde_json::Value;

use crate::moderation::rules::{LiveRules, Reload};
use crate::moderation::{self, Item, Rejected, BLOCKING_BYTES};
use crate::report::output::verdict::ErrorRecord;
use crate::report::panics;
use crate::text::surrogates;
use crate::workspace::{Rules, Setup};
use metrics::Metrics;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (default 127.0.0.1:8080; port 0 picks a free one).
    pub listen: SocketAddr,
    /// A file holding the bearer token requests must carry (`/v1/…`, `/metrics`).
    pub token_file: Option<PathBuf>,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The most drafts in one batch.
    pub max_batch: usize,
    /// How long one request may take.
    pub timeout: Duration,
    /// How often rule files are looked at for changes (`None`: only on SIGHUP).
    pub watch: Option<Duration>,
    /// Worker threads (default: one per core); also the most cores a batch,
    /// or a long draft, is checked on.
    pub threads: Option<usize>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token_file: None,
            max_body: 1 << 20,
            max_batch: 1000,
            timeout: Duration::from_secs(10),
            watch: Some(Duration::from_secs(2)),
            threads: None,
        }
    }
}

struct App {
    rules: LiveRules,
    metrics: Metrics,
    token: Option<String>,
    channel: Option<String>,
    max_batch: usize,
    max_body: usize,
    timeout: Duration,
}

/// Runs the service until SIGTERM or SIGINT.
pub fn run(setup: Setup, config: Config) -> moderation::ServiceResult<()> {
    moderation::init_logs();
    crate::validate::warm_phone_plans();
    let token = match &config.token_file {
        Some(path) => {
            let token = crate::text::file::read_text(path, 64 << 10)
                .map_err(|e| {
                    moderation::error(format!("{}: cannot read the token: {e}", path.display()))
                })?
                .trim()
                .to_string();
            if token.is_empty() {
                return Err(moderation::error(format!(
                    "{}: the token file is empty",
                    path.display()
                )));
            }
            Some(token)
        }
        None => None,
    };
    if let Some(n) = config.threads {
        // Before the rules load, whose build is the first work on rayon's pool.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let channel = setup.channel.clone();
    let rules = LiveRules::load(setup, &std::env::current_dir()?)
        .map_err(|e| moderation::error(moderation::rules::error_text(&e).trim_end().to_string()))?;
    rules.log_warnings(channel.as_deref());
    let app = Arc::new(App {
        rules,
        metrics: Metrics::default(),
        token,
        channel,
        max_batch: config.max_batch,
        max_body: config.max_body,
        timeout: config.timeout,
    });
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = config.threads {
        runtime.worker_threads(n.max(1));
    }
    runtime.enable_all().build()?.block_on(serve(app, config))
}

async fn serve(app: Arc<App>, config: Config) -> moderation::ServiceResult<()> {
    let router = Router::new()
        .route("/v1/check", post(check))
        .route("/v1/check/batch", post(batch))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(app.clone(), unpack))
        .route_layer(middleware::from_fn_with_state(app.clone(), authorize))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .layer(DefaultBodyLimit::max(config.max_body))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let version = app.rules.current().1;
    tracing::info!(%addr, rules = %version, "listening");
    tokio::spawn(reloads(app.clone(), config.watch));
    axum::serve(listener, router)
        .with_graceful_shutdown(moderation::shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Reloads rules on SIGHUP, and when their files change.
async fn reloads(app: Arc<App>, watch: Option<Duration>) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut tick = watch.map(tokio::time::interval);
    loop {
        let force = {
            #[cfg(unix)]
            let hup = async {
                match hangup.as_mut() {
                    Some(h) => {
                        h.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            #[cfg(not(unix))]
            let hup = std::future::pending::<()>();
            let tick = async {
                match tick.as_mut() {
                    Some(t) => {
                        t.tick().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! { _ = hup => true, _ = tick => false }
        };
        let worker = app.clone();
        let Ok(result) = tokio::task::spawn_blocking(move || worker.rules.reload(force)).await
        else {
            continue;
        };
        match result {
            Reload::Unchanged => {}
            Reload::Loaded { version } => {
                app.metrics.reload(true);
                tracing::info!(rules = %version, "rules reloaded");
            }
            Reload::Failed { error } => {
                app.metrics.reload(false);
                let (_, version) = app.rules.current();
                tracing::error!(rules = %version, %error, "the rule files do not load; the last good rules stay in use");
            }
        }
    }
}

/// Requests to `/v1/…` and `/metrics` carry the bearer token, when one is set.
async fn authorize(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if let Some(token) = &app.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same(given.as_bytes(), token.as_bytes()) {
            let route = route_of(request.uri().path());
            app.metrics.request(route, 401, std::time::Duration::ZERO);
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                &Value::Null,
                "a bearer token is required",
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    next.run(request).await
}

/// A gzipped body (`Content-Encoding: gzip`) is unpacked before it is read,
/// and may unpack to no more than the limit on a plain one: a small body that
/// unpacks to gigabytes stops there. Another encoding is refused (415), where
/// its bytes would be read as JSON and reported as not UTF-8.
async fn unpack(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let encoding = match request.headers().get(header::CONTENT_ENCODING) {
        None => return next.run(request).await,
        Some(v) => v.to_str().unwrap_or("").trim().to_ascii_lowercase(),
    };
    let route = route_of(request.uri().path());
    let refuse = |status: StatusCode, message: &str| {
        app.metrics
            .request(route, status.as_u16(), std::time::Duration::ZERO);
        error(status, &Value::Null, message)
    };
    match encoding.as_str() {
        "" | "identity" => return next.run(request).await,
        "gzip" | "x-gzip" => {}
        other => {
            let message = format!(
                "the body's Content-Encoding `{other}` is not supported: send it as it is, or gzipped"
            );
            return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, &message);
        }
    }
    let limit = app.max_body;
    let too_large = format!("the body is larger than {limit} bytes");
    let (mut parts, body) = request.into_parts();
    let Ok(packed) = axum::body::to_bytes(body, limit).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, &too_large);
    };
    // Unpacking a body of the largest size takes a while: not on a thread
    // that other requests' network work runs on.
    let unpacked = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&packed[..])
            .take(limit as u64 + 1)
            .read_to_end(&mut text)
            .map(|_| text)
    })
    .await;
    match unpacked {
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unpacking the body failed",
        ),
        Ok(Err(_)) => refuse(StatusCode::BAD_REQUEST, "the body is not valid gzip"),
        Ok(Ok(text)) if text.len() > limit => refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("{too_large} unpacked"),
        ),
        Ok(Ok(text)) => {
            parts.headers.remove(header::CONTENT_ENCODING);
            parts.headers.remove(header::CONTENT_LENGTH);
            next.run(Request::from_parts(parts, axum::body::Body::from(text)))
                .await
        }
    }
}

fn route_of(path: &str) -> &'static str {
    match path {
        "/v1/check" => "/v1/check",
        "/v1/check/batch" => "/v1/check/batch",
        "/metrics" => "/metrics",
        _ => "other",
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn json(status: StatusCode, body: String, version: Option<&str>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(v) = version.and_then(|v| HeaderValue::from_str(v).ok()) {
        r.headers_mut().insert("tenet-rules-version", v);
    }
    r
}

fn error(status: StatusCode, id: &Value, message: &str) -> Response {
    let body = serde_json::to_string(&ErrorRecord {
        id,
        line: None,
        error: message,
    })
    .unwrap_or_default();
    json(status, body, None)
}

/// The verdict record on one item by `rules`, as JSON, with what it counted.
fn verdict(app: &App, rules: &Rules, item: Item) -> String {
    let id = item.id.clone();
    let checked = moderation::check_item(rules, app.rules.near(), item, app.channel.as_deref());
    app.metrics.report(&checked.report);
    moderation::verdict_line(&id, &checked)
}

/// Runs `work` inline when it is small, else on the blocking pool, within the timeout.
async fn run_check<T: Send + 'static>(
    app: &Arc<App>,
    bytes: usize,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> Option<T> {
    if bytes < BLOCKING_BYTES {
        return Some(work(app));
    }
    let worker = app.clone();
    let job = tokio::task::spawn_blocking(move || work(&worker));
    match tokio::time::timeout(app.timeout, job).await {
        Ok(Ok(out)) => Some(out),
        _ => None,
    }
}

async fn check(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let started = Instant::now();
    let (status, response) = match body_item(&body) {
        Err(rejected) => (
            StatusCode::BAD_REQUEST,
            error(StatusCode::BAD_REQUEST, &rejected.id, &rejected.error),
        ),
        Ok(item) => {
            let id = item.id.clone();
            let len = item.text.len();
            // One snapshot of the rules: the verdict and its version header agree.
            let (rules, version) = app.rules.current();
            let work = move |app: &App| panics::catch(|| verdict(app, &rules, item));
            match run_check(&app, len, work).await {
                Some(Ok(body)) => (StatusCode::OK, json(StatusCode::OK, body, Some(&version))),
                Some(Err(panic)) => {
                    let failed = moderation::failed(&id, &panic);
                    let status = StatusCode::INTERNAL_SERVER_ERROR;
                    (status, error(status, &failed.id, &failed.error))
                }
                None => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    error(
                        StatusCode::SERVICE_UNAVAILABLE,
                        &id,
                        "the check took too long",
                    ),
                ),
            }
        }
    };
    app.metrics
        .request("/v1/check", status.as_u16(), started.elapsed());
    response
}

fn body_item(body: &[u8]) -> Result<Item, Rejected> {
    let text = std::str::from_utf8(body).map_err(|_| Rejected {
        id: Value::Null,
        error: "the body is not UTF-8".into(),
    })?;
    moderation::parse_item(text)
}

async fn batch(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let started = Instant::now();
    let parsed: Result<Vec<Value>, String> = match surrogates::from_slice_lenient::<Value>(&body) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(Value::Object(mut o)) => match o.remove("drafts") {
            Some(Value::Array(items)) => Ok(items),
            _ => Err("expected an array of drafts, or {\"drafts\": […]}".into()),
        },
        Ok(_) => Err("expected an array of drafts, or {\"drafts\": […]}".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    };
    let response = match parsed {
        Err(e) => error(StatusCode::BAD_REQUEST, &Value::Null, &e),
        Ok(items) if items.len() > app.max_batch => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &Value::Null,
            &format!("at most {} drafts in one batch", app.max_batch),
        ),
        Ok(items) => {
            let bytes = body.len();
            let (rules, version) = app.rules.current();
            // The drafts are checked on every core (rayon's pool, shared by
            // the requests in flight), and their records kept in order.
            let work = move |app: &App| {
                let results: Vec<String> = items
                    .into_par_iter()
                    .map(|v| match moderation::item_of(v) {
                        Ok(item) => {
                            let id = item.id.clone();
                            moderation::guarded(&id, None, || verdict(app, &rules, item))
                        }
                        Err(r) => moderation::error_line(&r, None),
                    })
                    .collect();
                format!("{{\"results\":[{}]}}", results.join(","))
            };
            match run_check(&app, bytes, work).await {
                Some(body) => json(StatusCode::OK, body, Some(&version)),
                None => error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &Value::Null,
                    "the batch took too long",
                ),
            }
        }
    };
    app.metrics.request(
        "/v1/check/batch",
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

async fn ready(State(app): State<Arc<App>>) -> Response {
    let (_, version) = app.rules.current();
    let body = match app.rules.failed() {
        None => serde_json::json!({ "status": "ready", "rules": version }),
        Some(error) => serde_json::json!({
            "status": "ready",
            "rules": version,
            "stale": true,
            "reload_error": error,
        }),
    };
    json(StatusCode::OK, body.to_string(), Some(&version))
}

async fn metrics(State(app): State<Arc<App>>, _headers: HeaderMap) -> Response {
    let (_, version) = app.rules.current();
    let text = app.metrics.render(&version, app.rules.failed().is_some());
    let mut r = (StatusCode::OK, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}
