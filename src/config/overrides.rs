//! Reading `scout.toml` into a TOML table and applying `--set section.key=value` overrides to
//! it, before the strict typed check.

use std::path::Path;

use crate::error::{Error, Result};

pub(super) fn read_table(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("cannot read config file {}: {e}", path.display())))?;
    text.parse::<toml::Table>()
        .map_err(|e| Error::Config(format!("{}: {}", path.display(), e.to_string().trim())))
}

/// `crawl.hosts."a.example".rate` → `["crawl", "hosts", "a.example", "rate"]`: dots inside
/// double quotes belong to the part (host names are full of dots).
fn split_key(key: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for ch in key.chars() {
        match ch {
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts
}

/// Apply `section.key=value` to the table; the value is parsed as TOML, falling back to a string.
pub(super) fn apply_override(table: &mut toml::Table, ov: &str) -> Result<()> {
    let (key, raw) = ov.split_once('=').ok_or_else(|| {
        Error::Config(format!(
            "override {ov:?} is not of the form section.key=value"
        ))
    })?;
    let key = key.trim();
    let value = parse_toml_value(raw.trim());
    let parts = split_key(key);
    if parts.iter().any(|p| p.is_empty()) {
        return Err(Error::Config(format!(
            "override key {key:?} is empty or malformed"
        )));
    }
    let mut cur = table;
    for part in &parts[..parts.len() - 1] {
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match entry {
            toml::Value::Table(t) => t,
            _ => return Err(Error::Config(format!("`{key}`: {part} is not a section"))),
        };
    }
    cur.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

fn parse_toml_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or(toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}
