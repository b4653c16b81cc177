//! The replay report: the three-way table, then the departures, each marked known (with
//! the config's reason) or new. Plain aligned text, deterministic: the fidelity test
//! compares it with a file.

use std::fmt::Write as _;

use super::compare::{Comparison, Departure};
use super::config::Config;

/// The header row of the table.
const HEADER: [&str; 6] = [
    "line",
    "answer",
    "drawn",
    "server",
    "correct AS",
    "named by",
];

/// The report for one flow replayed against the server `config` names.
pub fn render(flow_name: &str, config: &Config, comparison: &Comparison) -> String {
    let server = config.name.as_deref().unwrap_or("the server");
    let mut out = format!("{flow_name} against {server}\n");
    let rows: Vec<[String; 6]> = comparison
        .rows
        .iter()
        .map(|r| {
            [
                r.line.to_string(),
                r.message.clone(),
                r.drawn.clone(),
                r.server.clone(),
                r.correct.clone(),
                if r.named_by.is_empty() {
                    "-".to_string()
                } else {
                    r.named_by.join(", ")
                },
            ]
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = HEADER.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            let _ = match i {
                0 => write!(line, "{cell:>width$}"),
                _ => write!(line, "  {cell:<width$}"),
            };
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let departures = &comparison.departures;
    if departures.is_empty() {
        out.push_str("no departures: the server answered as a correct AS\n");
    }
    for departure in departures {
        let id = departure.invariant.unwrap_or("(no invariant)");
        let status = match known_reason(config, flow_name, departure) {
            Some(reason) => format!("known: {reason}"),
            None => "NEW".to_string(),
        };
        let severity = if departure.error { "error" } else { "warning" };
        let _ = writeln!(
            out,
            "departure at line {}: {severity}[{id}] ({status})\n    {}",
            departure.line, departure.message
        );
    }
    out
}

fn known_reason<'a>(config: &'a Config, flow: &str, departure: &Departure) -> Option<&'a str> {
    let id = departure.invariant?;
    config
        .known
        .iter()
        .find(|k| {
            k.invariant == id
                && k.flow
                    .as_deref()
                    .is_none_or(|suffix| flow.replace('\\', "/").ends_with(suffix))
        })
        .map(|k| k.reason.as_str())
}

/// Departures the config does not list as known: these fail the replay.
pub fn new_departures<'a>(
    flow_name: &str,
    config: &Config,
    comparison: &'a Comparison,
) -> Vec<&'a Departure> {
    comparison
        .departures
        .iter()
        .filter(|d| known_reason(config, flow_name, d).is_none())
        .collect()
}
