//! Prometheus metrics, written in the text exposition format: counters kept in
//! memory, never a draft's text (only rule categories, levels and verdicts,
//! which come from the rules).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::report::Report;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Everything counted since start.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    verdicts: Mutex<BTreeMap<&'static str, u64>>,
    findings: Mutex<BTreeMap<(String, &'static str), u64>>,
    triage: Mutex<BTreeMap<(String, u8), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    /// Counts a finished request on `route` with its status and time.
    pub fn request(&self, route: &'static str, status: u16, took: Duration) {
        *lock(&self.requests).entry((route, status)).or_insert(0) += 1;
        let seconds = took.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts what a check said.
    pub fn report(&self, report: &Report) {
        *lock(&self.verdicts)
            .entry(report.verdict.as_str())
            .or_insert(0) += 1;
        if !report.findings.is_empty() {
            let mut findings = lock(&self.findings);
            for f in &report.findings {
                *findings
                    .entry((f.category.to_string(), f.level.as_str()))
                    .or_insert(0) += 1;
            }
        }
        if let Some(t) = &report.triage {
            if let (Some(c), Some(p)) = (&t.category, t.priority) {
                *lock(&self.triage).entry((c.clone(), p)).or_insert(0) += 1;
            }
        }
    }

    /// Counts a reload.
    pub fn reload(&self, ok: bool) {
        let counter = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text format; `version` names the rules in use.
    pub fn render(&self, version: &str, stale: bool) -> String {
        let mut out = String::new();
        let _ = self.write(&mut out, version, stale);
        out
    }

    fn write(&self, out: &mut String, version: &str, stale: bool) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP tenet_requests_total HTTP requests by route and status."
        )?;
        writeln!(out, "# TYPE tenet_requests_total counter")?;
        for ((route, status), n) in lock(&self.requests).iter() {
            writeln!(
                out,
                "tenet_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            )?;
        }
        writeln!(
            out,
            "# HELP tenet_verdicts_total Drafts checked, by verdict."
        )?;
        writeln!(out, "# TYPE tenet_verdicts_total counter")?;
        for (verdict, n) in lock(&self.verdicts).iter() {
            writeln!(out, "tenet_verdicts_total{{verdict=\"{verdict}\"}} {n}")?;
        }
        writeln!(
            out,
            "# HELP tenet_findings_total Findings, by guideline category and level."
        )?;
        writeln!(out, "# TYPE tenet_findings_total counter")?;
        for ((category, level), n) in lock(&self.findings).iter() {
            writeln!(
                out,
                "tenet_findings_total{{category=\"{}\",level=\"{level}\"}} {n}",
                label(category)
            )?;
        }
        writeln!(
            out,
            "# HELP tenet_triage_total Drafts triaged, by category and priority."
        )?;
        writeln!(out, "# TYPE tenet_triage_total counter")?;
        for ((category, priority), n) in lock(&self.triage).iter() {
            writeln!(
                out,
                "tenet_triage_total{{category=\"{}\",priority=\"{priority}\"}} {n}",
                label(category)
            )?;
        }
        writeln!(
            out,
            "# HELP tenet_request_duration_seconds Time to answer a request."
        )?;
        writeln!(out, "# TYPE tenet_request_duration_seconds histogram")?;
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            writeln!(
                out,
                "tenet_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            )?;
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        writeln!(
            out,
            "tenet_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        )?;
        writeln!(
            out,
            "tenet_request_duration_seconds_sum {}",
            self.latency_micros.load(Ordering::Relaxed) as f64 / 1e6
        )?;
        writeln!(out, "tenet_request_duration_seconds_count {count}")?;
        writeln!(out, "# HELP tenet_rules_info The rule set in use.")?;
        writeln!(out, "# TYPE tenet_rules_info gauge")?;
        writeln!(out, "tenet_rules_info{{version=\"{}\"}} 1", label(version))?;
        writeln!(out, "# HELP tenet_rules_stale 1 when the rule files changed but do not load, so the last good rules are in use.")?;
        writeln!(out, "# TYPE tenet_rules_stale gauge")?;
        writeln!(out, "tenet_rules_stale {}", u8::from(stale))?;
        writeln!(
            out,
            "# HELP tenet_rules_reloads_total Rule reloads, by result."
        )?;
        writeln!(out, "# TYPE tenet_rules_reloads_total counter")?;
        writeln!(
            out,
            "tenet_rules_reloads_total{{result=\"ok\"}} {}",
            self.reloads_ok.load(Ordering::Relaxed)
        )?;
        writeln!(
            out,
            "tenet_rules_reloads_total{{result=\"failed\"}} {}",
            self.reloads_failed.load(Ordering::Relaxed)
        )
    }
}

/// A label value escaped as the format asks.
fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
