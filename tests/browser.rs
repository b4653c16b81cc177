//! The teaching page in a real browser: headless Chromium driven over WebDriver
//! (chromedriver, fantoccini). Pages come from the `authflow html` binary; what the page
//! shows at each step is compared with what the library computes for that step (the
//! highlighted arrow, the findings, every participant's knowledge), so the page's
//! script and the Rust side cannot drift apart unnoticed.
//!
//! Without Chromium and chromedriver on the PATH the test says so and passes, except
//! where `AUTHFLOW_REQUIRE_BROWSER=1` (CI) makes a missing browser a failure.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use authflow::check::CheckOptions;
use authflow::model::execute;
use authflow::syntax::parse_bytes;
use authflow::teach::{KnowledgeTable, Lesson};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value as Json, json};

use common::{authflow, scratch};

const SEED: &str = "flows/authorization_code.flow";

/// chromedriver, stopped by its process id when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The browser and its driver, or why the test cannot run here.
fn browser() -> Result<(PathBuf, PathBuf), String> {
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"])
        .ok_or("no chromium on the PATH (Debian: apt-get install chromium chromium-driver)")?;
    let driver = on_path(&["chromedriver"])
        .ok_or("no chromedriver on the PATH (Debian: apt-get install chromium-driver)")?;
    Ok((chromium, driver))
}

/// The browser and its driver; `None` (with the reason on standard error) when the test
/// is to be skipped. With `AUTHFLOW_REQUIRE_BROWSER=1` a missing browser fails instead.
fn browser_or_skip() -> Option<(PathBuf, PathBuf)> {
    match browser() {
        Ok(found) => Some(found),
        Err(why) if std::env::var("AUTHFLOW_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("AUTHFLOW_REQUIRE_BROWSER=1 but {why}")
        }
        Err(why) => {
            // Straight to the process's stderr: the harness captures `eprintln!` of a
            // passing test, and a skip nobody sees looks like a pass.
            let _ = writeln!(std::io::stderr(), "skipping the browser test: {why}");
            None
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().unwrap().port()
}

fn start_driver(driver: &Path, port: u16) -> Driver {
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn connect(chromium: &Path, port: u16, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session on headless Chromium")
}

/// Writes the page of `flow` with the binary, as a user would.
fn page(flow: &Path, dir: &Path) -> PathBuf {
    let name = flow.file_stem().unwrap().to_string_lossy();
    let out = dir.join(format!("{name}.html"));
    authflow()
        .args([
            "html".as_ref(),
            flow.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .assert()
        .success();
    out
}

fn url(page: &Path) -> String {
    format!("file://{}", page.canonicalize().unwrap().display())
}

/// What the page shows now, in one round trip.
const READ_PANEL: &str = r#"
const current = [...document.querySelectorAll('g.msg.current')].map(g => Number(g.dataset.step));
const findings = [...document.querySelectorAll('#current article.finding')].map(a => a.dataset.id);
const knowledge = {};
for (const row of document.querySelectorAll('#knowledge tbody tr')) {
  knowledge[row.dataset.participant] = [...row.querySelectorAll('li')].map(li =>
    li.querySelector('code').textContent + (li.dataset.new ? ' new' : ''));
}
return {
  position: document.getElementById('position').textContent,
  slider: Number(document.getElementById('slider').value),
  hash: location.hash,
  current, findings, knowledge,
};
"#;

/// The library's view of one flow, step by step: the findings' ids and every
/// participant's knowledge (`value` or `value new`).
struct Expected {
    findings: Vec<Vec<String>>,
    knowledge: Vec<Json>,
    attackers: Vec<String>,
}

fn expected(flow: &Path) -> Expected {
    let bytes = std::fs::read(flow).unwrap();
    let (file, parsed) = parse_bytes(&flow.display().to_string(), bytes);
    let parsed = parsed.expect("the flow parses");
    let run = execute(&parsed, &file).expect("the flow runs");
    let lesson = Lesson::new(&parsed, &file, &run, &CheckOptions::default());
    let names: Vec<&str> = lesson
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let mut table = KnowledgeTable::new(&run, &names);
    let mut knowledge = Vec::new();
    for step in 0..run.steps.len() {
        table.advance_to(step);
        let rows: serde_json::Map<String, Json> = table
            .rows()
            .map(|(name, known)| {
                let values = known
                    .iter()
                    .map(|k| {
                        let new = if k.new { " new" } else { "" };
                        Json::from(format!("{}{new}", k.value))
                    })
                    .collect();
                (name.to_string(), Json::Array(values))
            })
            .collect();
        knowledge.push(Json::Object(rows));
    }
    Expected {
        findings: (1..=run.steps.len())
            .map(|n| {
                lesson
                    .findings_at(n)
                    .iter()
                    .map(|f| f.id.to_string())
                    .collect()
            })
            .collect(),
        knowledge,
        attackers: authflow::teach::attackers(&run)
            .into_iter()
            .map(str::to_string)
            .collect(),
    }
}

async fn panel(client: &Client) -> Json {
    client.execute(READ_PANEL, vec![]).await.unwrap()
}

/// Checks everything the page shows at `step` against the library.
fn assert_step(shown: &Json, step: usize, expected: &Expected, flow: &Path) {
    let total = expected.knowledge.len();
    let context = format!("{} at step {step}", flow.display());
    assert!(
        shown["position"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Step {step} of {total} (line ")),
        "{context}: {shown}"
    );
    assert_eq!(shown["slider"], json!(step), "{context}");
    assert_eq!(shown["hash"], json!(format!("#step-{step}")), "{context}");
    assert_eq!(
        shown["current"],
        json!([step]),
        "{context}: one arrow highlighted"
    );
    assert_eq!(
        shown["findings"],
        json!(expected.findings[step - 1]),
        "{context}: findings"
    );
    assert_eq!(
        shown["knowledge"],
        expected.knowledge[step - 1],
        "{context}: knowledge"
    );
}

async fn press(client: &Client, key: Key) {
    let body = client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&key).await.unwrap();
}

async fn click(client: &Client, id: &str) {
    client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn screenshot(client: &Client, to: &Path) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(to, png).unwrap();
}

/// Walks the whole flow forward (buttons and keys in turn) and back, checking every step.
async fn walk(client: &Client, page: &Path, flow: &Path) {
    let expected = expected(flow);
    let total = expected.knowledge.len();
    client.goto(&url(page)).await.unwrap();
    assert_step(&panel(client).await, 1, &expected, flow);
    for step in 2..=total {
        if step % 2 == 0 {
            click(client, "next").await;
        } else {
            press(client, Key::Right).await;
        }
        assert_step(&panel(client).await, step, &expected, flow);
    }
    press(client, Key::Home).await;
    assert_step(&panel(client).await, 1, &expected, flow);
    click(client, "last").await;
    assert_step(&panel(client).await, total, &expected, flow);
    press(client, Key::Left).await;
    assert_step(&panel(client).await, total - 1, &expected, flow);
    click(client, "first").await;
    assert_step(&panel(client).await, 1, &expected, flow);
    // A link to a step opens it, as a lecturer's link to "step 7" should.
    let middle = total / 2 + 1;
    client
        .goto(&format!("{}#step-{middle}", url(page)))
        .await
        .unwrap();
    assert_step(&panel(client).await, middle, &expected, flow);
    if !expected.attackers.is_empty() {
        click(client, "attacker-view").await;
        let shown = panel(client).await;
        let rows: Vec<&String> = shown["knowledge"].as_object().unwrap().keys().collect();
        let mut attackers: Vec<&String> = expected.attackers.iter().collect();
        attackers.sort();
        assert_eq!(rows, attackers, "{}: the attacker's view", flow.display());
    }
}

#[test]
fn pages_step_through_the_seed_and_the_attacks() {
    let Some((chromium, driver)) = browser_or_skip() else {
        return;
    };
    let dir = scratch("browser", "pages");
    let mut flows = vec![PathBuf::from(SEED)];
    let mut attacks: Vec<PathBuf> = std::fs::read_dir("flows/attacks")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    attacks.sort();
    assert!(!attacks.is_empty(), "flows/attacks/ holds attack flows");
    flows.extend(attacks);
    let pages: Vec<PathBuf> = flows.iter().map(|flow| page(flow, &dir)).collect();

    let port = free_port();
    let _driver = start_driver(&driver, port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = connect(&chromium, port, &dir.join("profile")).await;
        for (flow, page) in flows.iter().zip(&pages) {
            walk(&client, page, flow).await;
        }
        // The page the README links, generated from its copy of the seed by `docs`.
        let linked = Path::new("docs/teach/authorization_code.html");
        walk(&client, linked, Path::new(SEED)).await;
        // Pictures to look at: the seed at its token response, an attack at its finding.
        client
            .goto(&format!("{}#step-10", url(linked)))
            .await
            .unwrap();
        screenshot(&client, &dir.join("seed-step-10.png")).await;
        let injection = flows
            .iter()
            .position(|f| f.ends_with("code_injection.flow"))
            .expect("the code injection attack is in the catalogue");
        client.goto(&url(&pages[injection])).await.unwrap();
        click(&client, "last").await;
        press(&client, Key::Left).await;
        screenshot(&client, &dir.join("code_injection.png")).await;
        client.close().await.unwrap();
    });
    eprintln!("screenshots in {}", dir.display());
}

/// A page for a flow of 1,008 messages stays light enough to step through: it loads, the
/// last step is one key away, and each move rebuilds only the current step.
#[test]
fn a_thousand_message_page_steps_quickly() {
    let Some((chromium, driver)) = browser_or_skip() else {
        return;
    };
    let dir = scratch("browser", "long");
    let seed = std::fs::read_to_string(SEED).unwrap();
    let flow = dir.join("long.flow");
    std::fs::write(&flow, seed.repeat(84)).unwrap();
    let page = page(&flow, &dir);
    let port = free_port();
    let _driver = start_driver(&driver, port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = connect(&chromium, port, &dir.join("profile")).await;
        client.goto(&url(&page)).await.unwrap();
        press(&client, Key::End).await;
        let shown = panel(&client).await;
        assert!(
            shown["position"]
                .as_str()
                .unwrap()
                .starts_with("Step 1008 of 1008"),
            "{shown}"
        );
        assert_eq!(shown["current"], json!([1008]));
        // The browser's own clock, for the report: how long one step takes to show.
        let timing = client
            .execute(
                "const t0 = performance.now(); \
                 for (let i = 0; i < 20; i++) document.getElementById('prev').click(); \
                 return (performance.now() - t0) / 20;",
                vec![],
            )
            .await
            .unwrap();
        eprintln!(
            "1,008-message page: {} bytes, {:.1} ms per step",
            std::fs::metadata(&page).unwrap().len(),
            timing.as_f64().unwrap()
        );
        assert_eq!(panel(&client).await["current"], json!([988]));
        client.close().await.unwrap();
    });
}
