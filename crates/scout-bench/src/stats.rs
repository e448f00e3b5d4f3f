//! Measurement helpers: latency percentiles, medians, process peak memory and CPU time from
//! `/proc`, rate-limit fidelity from server-side arrival times, and the results table.

use std::time::Duration;

use serde::Serialize;

/// Nearest-rank percentile of an ascending slice (`p` in 0–100); 0 for an empty slice.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Latency summary in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    pub n: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn from_durations(samples: &[Duration]) -> Latency {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        Latency {
            n: ms.len(),
            mean_ms: round3(ms.iter().sum::<f64>() / ms.len().max(1) as f64),
            p50_ms: round3(percentile(&ms, 50.0)),
            p95_ms: round3(percentile(&ms, 95.0)),
            p99_ms: round3(percentile(&ms, 99.0)),
            max_ms: round3(ms.last().copied().unwrap_or(0.0)),
        }
    }
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A `kB` field of `/proc/self/status` (e.g. `VmHWM`, `VmRSS`) in MiB.
pub fn proc_status_mb(field: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kb(&text, field).map(|kb| round1(kb as f64 / 1024.0))
}

/// A `kB` field of another process's `/proc/PID/status`, in MiB.
pub fn pid_status_mb(pid: u32, field: &str) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&text, field).map(|kb| round1(kb as f64 / 1024.0))
}

fn parse_status_kb(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Peak resident memory of this process so far (VmHWM), MiB.
pub fn peak_rss_mb() -> Option<f64> {
    proc_status_mb("VmHWM")
}

/// User + system CPU seconds of this process (all threads), from `/proc/self/stat`.
pub fn cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    cpu_secs_of(&text)
}

/// User + system CPU seconds of process `pid`.
pub fn cpu_secs_of_pid(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    cpu_secs_of(&text)
}

fn cpu_secs_of(stat: &str) -> Option<f64> {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux architecture we run on.
    Some(ticks as f64 / 100.0)
}

/// Rate-limit fidelity from server-side arrival times (µs) per host.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fidelity {
    pub hosts: usize,
    pub requests: usize,
    pub allowed_per_s: f64,
    pub achieved_per_s: f64,
    /// achieved / allowed, each host's steady rate averaged.
    pub fidelity: f64,
    /// 1-s windows (one starting at each request) holding more than `rate + burst` requests.
    pub violations: usize,
    /// Most requests seen in any 1-s window on any host.
    pub max_in_window: usize,
}

/// `arrivals[h]` sorted ascending, microseconds. Each host's steady rate is
/// `(n - burst) / (last - first)`: the first `burst` requests may go at once.
pub fn fidelity(arrivals: &[Vec<u64>], rate: f64, burst: u32) -> Fidelity {
    let limit = (rate + f64::from(burst)).floor() as usize;
    let mut out = Fidelity {
        hosts: arrivals.len(),
        allowed_per_s: rate * arrivals.len() as f64,
        ..Default::default()
    };
    let mut ratios = Vec::new();
    for times in arrivals {
        out.requests += times.len();
        let mut end = 0;
        for (start, t) in times.iter().enumerate() {
            while end < times.len() && times[end] < t + 1_000_000 {
                end += 1;
            }
            let n = end - start;
            out.max_in_window = out.max_in_window.max(n);
            if n > limit {
                out.violations += 1;
            }
        }
        if times.len() > burst as usize + 1 {
            let span = (times[times.len() - 1] - times[0]) as f64 / 1e6;
            let steady = (times.len() - burst as usize) as f64 / span;
            out.achieved_per_s += steady;
            ratios.push(steady / rate);
        }
    }
    out.achieved_per_s = round3(out.achieved_per_s);
    out.fidelity = round3(ratios.iter().sum::<f64>() / ratios.len().max(1) as f64);
    out
}

/// Print rows of (label, value, note) as an aligned table.
pub fn print_table(title: &str, rows: &[(String, String, String)]) {
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    println!("\n{title}");
    println!("{}", "-".repeat(title.chars().count().max(w0 + w1 + 4)));
    for (a, b, c) in rows {
        let pad0 = w0 - a.chars().count();
        let pad1 = w1 - b.chars().count();
        println!("{a}{}  {}{b}  {c}", " ".repeat(pad0), " ".repeat(pad1));
    }
}

/// `Some(x)` as a string with `digits` decimals, `None` as "n/a".
pub fn fmt_opt(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) => format!("{v:.digits$}"),
        None => "n/a".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_median() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let l = Latency::from_durations(&[Duration::from_millis(2), Duration::from_millis(4)]);
        assert_eq!((l.p50_ms, l.p99_ms, l.mean_ms), (2.0, 4.0, 3.0));
    }

    #[test]
    fn proc_fields_parse() {
        let status = "Name:\tscout\nVmHWM:\t  204800 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_status_kb(status, "VmHWM"), Some(204_800));
        assert_eq!(parse_status_kb(status, "VmSwap"), None);
        let stat = "123 (scout bench) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(cpu_secs_of(stat), Some(3.0));
        assert!(peak_rss_mb().unwrap() > 0.0);
    }

    #[test]
    fn fidelity_counts_windows_at_the_server() {
        // 5/s with burst 1: one host perfectly paced, one that bunches 8 requests in 0.7 s.
        let paced: Vec<u64> = (0..21).map(|k| k * 200_000).collect();
        let bunched: Vec<u64> = (0..8).map(|k| k * 100_000).collect();
        let f = fidelity(std::slice::from_ref(&paced), 5.0, 1);
        assert_eq!(f.violations, 0);
        assert_eq!(f.max_in_window, 5);
        assert!((f.fidelity - 1.0).abs() < 1e-9, "{f:?}");
        let f = fidelity(&[paced, bunched], 5.0, 1);
        assert!(f.violations > 0);
        assert_eq!(f.max_in_window, 8);
        assert_eq!(f.requests, 29);
    }
}
