//! `tenet worker`: drafts from a NATS JetStream work queue, a verdict for each.
//!
//! Every worker shares one durable pull consumer on the drafts stream, so running
//! more of them (on more machines) shares the work. A draft is acknowledged only
//! after its verdict is stored in the verdicts stream: a worker killed mid-stream
//! loses nothing, because JetStream redelivers what was not acknowledged. A
//! verdict carries the draft's stream sequence as its `Nats-Msg-Id`, so a draft
//! checked twice (its verdict stored, the worker killed before the ack) is stored
//! once: JetStream's de-duplication window drops the second. A draft that cannot
//! be read, or whose check hits a bug in Tenet, goes to the dead-letter subject
//! with the reason, never its content.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, message::PublishMessage, stream};
use futures_util::StreamExt;

use crate::moderation::rules::{LiveRules, Reload};
use crate::moderation::{self, Rejected};
use crate::report::panics;
use crate::workspace::Setup;

/// How the worker connects and what it reads and writes.
#[derive(Debug, Clone)]
pub struct Config {
    /// The NATS server URL.
    pub nats: String,
    /// The drafts stream (a work queue).
    pub stream: String,
    /// The subject drafts are published on.
    pub subject: String,
    /// The durable consumer the workers share.
    pub consumer: String,
    /// Where verdicts are published.
    pub reply_subject: String,
    /// The stream that stores verdicts (and dead letters).
    pub verdict_stream: String,
    /// Where unreadable drafts go.
    pub dead_letter: String,
    /// How long a draft may stay unacknowledged before it is redelivered.
    pub ack_wait: Duration,
    /// Drafts fetched, and in flight, at a time.
    pub batch: usize,
}

/// How long a verdict's id is remembered by the verdicts stream.
const DEDUPLICATE: Duration = Duration::from_secs(120);

/// Runs until SIGTERM or SIGINT; drafts in flight are finished first.
pub fn run(setup: Setup, config: Config) -> moderation::ServiceResult<()> {
    moderation::init_logs();
    crate::validate::warm_phone_plans();
    let channel = setup.channel.clone();
    let rules = LiveRules::load(setup, &std::env::current_dir()?)
        .map_err(|e| moderation::error(moderation::rules::error_text(&e).trim_end().to_string()))?;
    rules.log_warnings(channel.as_deref());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(work(Arc::new(rules), channel, config))
}

async fn work(
    rules: Arc<LiveRules>,
    channel: Option<String>,
    config: Config,
) -> moderation::ServiceResult<()> {
    let client = async_nats::connect(&config.nats).await?;
    let js = jetstream::new(client);
    let drafts = js
        .get_or_create_stream(stream::Config {
            name: config.stream.clone(),
            subjects: vec![config.subject.clone()],
            retention: stream::RetentionPolicy::WorkQueue,
            ..Default::default()
        })
        .await
        .map_err(|e| moderation::error(format!("stream {}: {e}", config.stream)))?;
    js.get_or_create_stream(stream::Config {
        name: config.verdict_stream.clone(),
        subjects: vec![config.reply_subject.clone(), config.dead_letter.clone()],
        duplicate_window: DEDUPLICATE,
        ..Default::default()
    })
    .await
    .map_err(|e| moderation::error(format!("stream {}: {e}", config.verdict_stream)))?;
    let consumer = drafts
        .get_or_create_consumer(
            &config.consumer,
            consumer::pull::Config {
                durable_name: Some(config.consumer.clone()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: config.ack_wait,
                max_ack_pending: (config.batch * 64) as i64,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| moderation::error(format!("consumer {}: {e}", config.consumer)))?;
    let messages = consumer
        .stream()
        .max_messages_per_batch(config.batch)
        .messages()
        .await?;
    tracing::info!(stream = %config.stream, consumer = %config.consumer, rules = %rules.current().1, "working");

    let reloader = rules.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let r = reloader.clone();
            match tokio::task::spawn_blocking(move || r.reload(false)).await {
                Ok(Reload::Loaded { version }) => {
                    tracing::info!(rules = %version, "rules reloaded")
                }
                Ok(Reload::Failed { error }) => {
                    tracing::error!(%error, "the rule files do not load; the last good rules stay in use")
                }
                _ => {}
            }
        }
    });

    let config = Arc::new(config);
    let channel = Arc::new(channel);
    let handled = messages
        .take_until(moderation::shutdown_signal())
        .for_each_concurrent(config.batch, |message| {
            let (js, rules, config, channel) =
                (js.clone(), rules.clone(), config.clone(), channel.clone());
            async move {
                let message = match message {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::warn!(error = %e, "receiving a draft");
                        return;
                    }
                };
                if let Err(e) = handle(&js, &rules, &config, channel.as_deref(), &message).await {
                    // Not acknowledged: JetStream redelivers it after ack_wait.
                    tracing::warn!(error = %e, "a draft was not answered; it will be redelivered");
                }
            }
        });
    handled.await;
    tracing::info!("stopped");
    Ok(())
}

/// Checks one draft, stores its verdict (or dead letter), then acknowledges it.
async fn handle(
    js: &jetstream::Context,
    rules: &LiveRules,
    config: &Config,
    channel: Option<&str>,
    message: &jetstream::Message,
) -> moderation::ServiceResult<()> {
    let sequence = message
        .info()
        .map_err(|e| moderation::error(format!("not a JetStream message: {e}")))?
        .stream_sequence;
    let id = format!("{}-{sequence}", config.stream);
    let parsed = std::str::from_utf8(&message.payload)
        .map_err(|_| Rejected {
            id: serde_json::Value::Null,
            error: "the draft is not UTF-8".into(),
        })
        .and_then(moderation::parse_item);
    let (subject, body) = match parsed {
        Ok(item) => {
            let (current, _) = rules.current();
            let near = rules.near().to_path_buf();
            let channel = channel.map(str::to_string);
            let draft_id = item.id.clone();
            let check = move || {
                panics::catch(|| {
                    let id = item.id.clone();
                    let checked = moderation::check_item(&current, &near, item, channel.as_deref());
                    moderation::verdict_line(&id, &checked)
                })
            };
            // A long draft is checked on the blocking pool, so it holds no thread
            // the other drafts' network work runs on.
            let checked = if message.payload.len() < moderation::BLOCKING_BYTES {
                check()
            } else {
                tokio::task::spawn_blocking(check).await?
            };
            match checked {
                Ok(line) => (&config.reply_subject, line),
                // A bug in Tenet: the draft waits with the reason among those
                // that could not be read, to be sent again once it is fixed,
                // and the stream goes on.
                Err(panic) => {
                    let failed = moderation::failed(&draft_id, &panic);
                    (&config.dead_letter, moderation::error_line(&failed, None))
                }
            }
        }
        Err(rejected) => (&config.dead_letter, moderation::error_line(&rejected, None)),
    };
    js.send_publish(
        subject.clone(),
        PublishMessage::build().payload(body.into()).message_id(&id),
    )
    .await?
    .await?;
    message
        .ack()
        .await
        .map_err(|e| moderation::error(format!("acknowledging {id}: {e}")))
}
