//! The search page in a real headless Chromium against a real `scout serve` app on loopback:
//! the page reads its URL, calls the API, and renders result cards with signal bars; an API
//! error is shown to the user. Chromium is required (CI installs the Debian `chromium`
//! package); without it these tests fail with a message instead of passing silently.

use std::path::{Path, PathBuf};
use std::time::Duration;

use scout::config::Config;

use crate::common;
use crate::server::world::{WORLD, build_world, start};

/// `SCOUT_CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> PathBuf {
    if let Ok(p) = std::env::var("SCOUT_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "the browser test needs Chromium: install it with `apt-get install -y chromium` \
         (CI does), or point SCOUT_CHROMIUM at a Chrome/Chromium binary"
    );
}

/// Loopback only: no background services, no QUIC, a throwaway profile.
fn base_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--virtual-time-budget=10000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// The DOM after the page's scripts ran (and its fetches finished) at `url`.
pub async fn dump_dom(url: &str) -> String {
    let profile = common::tempdir();
    let mut cmd = tokio::process::Command::new(chromium());
    cmd.args(base_args(profile.path()))
        .arg("--window-size=1280,900")
        .arg("--dump-dom")
        .arg(url)
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("chromium finished")
        .expect("chromium started");
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM (status {:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_renders_ranked_cards_with_signal_bars() {
    let dir = common::tempdir();
    build_world(dir.path());
    let srv = start(&Config::default(), dir.path()).await;
    let dom = dump_dom(&srv.url("/?q=vegan+skincare&tier=micro&tier=macro&tier=nano")).await;

    let cards = dom.matches("<li class=\"card\"").count();
    assert!(cards >= 3, "expected result cards, got {cards}:\n{dom}");
    for name in ["Maya Okafor", "Glow Deals Daily"] {
        assert!(dom.contains(name), "{name} missing from the page");
    }
    assert!(
        !dom.contains("Bean There"),
        "a coffee creator is not a skincare match"
    );
    // The signal breakdown: positive bars, and a negative one for the ad-saturated account.
    assert!(
        dom.contains("class=\"bar-row pos\""),
        "no positive signal bars"
    );
    assert!(dom.contains("class=\"fill neg\""), "no negative signal bar");
    assert!(dom.contains("Many sponsored posts"));
    // Brand-safety flags, facts and the CSV download for the shown shortlist.
    assert!(dom.contains("⚠ gambling"));
    assert!(dom.contains(">micro<"));
    assert!(dom.contains("24k"), "follower count formatted");
    assert!(dom.contains("v1/search.csv?q=vegan+skincare"));
    assert!(dom.contains("creators match"));
    // The URL's filters were put back into the form.
    assert!(dom.contains("value=\"vegan skincare\"") || dom.contains("vegan skincare"));
    assert!(
        !dom.contains("class=\"error\" role=\"alert\">"),
        "no error shown"
    );
    assert!(
        WORLD.len() > cards,
        "the tier filter and the query narrowed the list"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_shows_api_errors_to_the_user() {
    let dir = common::tempdir();
    build_world(dir.path());
    let srv = start(&Config::default(), dir.path()).await;
    let dom = dump_dom(&srv.url("/?q=vegan&lang=klingon")).await;
    let at = dom
        .find("id=\"error\"")
        .expect("the error box is in the page");
    let error_box = &dom[at..dom[at..].find("</div>").map_or(dom.len(), |e| at + e)];
    assert!(
        !error_box.contains("hidden"),
        "error box still hidden: {error_box}"
    );
    assert!(error_box.contains("lang"), "{error_box}");
    assert!(
        error_box.contains("ISO 639-1"),
        "the API's detail is shown: {error_box}"
    );
    assert_eq!(dom.matches("<li class=\"card\"").count(), 0);
}
