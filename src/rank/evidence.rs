//! Evidence posts: for each result on the page, the creator's own posts that match the query
//! best, with a highlighted passage — what an outreach message quotes ("loved your post on…").
//!
//! Computed for the returned page only (never for the candidates), from the stored raw
//! profile. The query is analysed by the index's own analysers — the language-neutral posts
//! field and the stemmed field of the creator's language — so a post matches evidence exactly
//! when its words would match the query in the index. Each query term weighs its inverse
//! document frequency over the posts fields (rare words say more); a post scores the weights of
//! the distinct terms it contains, plus a little per repeat. Passages come from tantivy's
//! `SnippetGenerator` over the same terms.

use std::collections::{BTreeMap, HashMap};

use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::constants::SYNONYM_WEIGHT;
use super::fit::BuyerQuery;
use super::retrieve;
use crate::index::CreatorIndex;
use crate::model::{CreatorRecord, EvidencePost, Post, RawProfile};

/// Posts quoted per result.
pub(crate) const EVIDENCE_POSTS: usize = 3;
/// Longest passage quoted, in characters.
pub(crate) const SNIPPET_CHARS: usize = 180;
/// Each repeat of a matched term adds this share of its weight.
const REPEAT_BONUS: f32 = 0.1;

/// One analysed view of the query: the terms of one field with their weights.
struct View {
    lang: Option<&'static str>,
    analyzer: TextAnalyzer,
    terms: BTreeMap<String, f32>,
    snippets: SnippetGenerator,
}

/// The query compiled once per search, applied to each result's posts.
pub(crate) struct EvidencePlan {
    views: Vec<View>,
}

impl EvidencePlan {
    /// `None` when no word of the query (or its synonyms) is indexed anywhere.
    pub(crate) fn new(
        index: &CreatorIndex,
        searcher: &Searcher,
        query: &str,
        synonyms: &[String],
    ) -> Option<EvidencePlan> {
        let f = &index.fields;
        let mut fields = vec![(None, f.posts)];
        fields.extend(
            f.stemmed
                .iter()
                .map(|(code, posts, _)| (Some(*code), *posts)),
        );
        let docs = searcher.num_docs().max(1) as f32;
        let mut views = Vec::new();
        for (lang, field) in fields {
            let Ok(analyzer) = index.tantivy().tokenizer_for_field(field) else {
                continue;
            };
            let mut terms: BTreeMap<String, f32> = BTreeMap::new();
            let typed = std::iter::once((query, 1.0f32));
            let syns = synonyms.iter().map(|s| (s.as_str(), SYNONYM_WEIGHT));
            for (text, factor) in typed.chain(syns) {
                for t in retrieve::analyse(index.tantivy(), field, text) {
                    let df = searcher
                        .doc_freq(&Term::from_field_text(field, &t))
                        .unwrap_or(0);
                    if df == 0 {
                        continue;
                    }
                    let idf = (1.0 + docs / (1.0 + df as f32)).ln() * factor;
                    let w = terms.entry(t).or_insert(0.0);
                    *w = w.max(idf);
                }
            }
            if terms.is_empty() {
                continue;
            }
            let snippets =
                SnippetGenerator::new(terms.clone(), analyzer.clone(), field, SNIPPET_CHARS);
            views.push(View {
                lang,
                analyzer,
                terms,
                snippets,
            });
        }
        (!views.is_empty()).then_some(EvidencePlan { views })
    }

    /// The creator's best-matching posts (at most [`EVIDENCE_POSTS`]), best first; equal
    /// scores newest first. `language` is the creator's, which picks the stemmed view.
    pub(crate) fn posts(&self, raw: &RawProfile, language: Option<&str>) -> Vec<EvidencePost> {
        let views: Vec<&View> = self
            .views
            .iter()
            .filter(|v| v.lang.is_none() || v.lang == language)
            .collect();
        let mut scored: Vec<(f32, &Post, &View)> = Vec::new();
        for post in raw.posts.iter().filter(|p| !p.text.trim().is_empty()) {
            let best = views
                .iter()
                .map(|v| (score(v, &post.text), *v))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((s, v)) = best
                && s > 0.0
            {
                scored.push((s, post, v));
            }
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| b.1.published_at.cmp(&a.1.published_at))
        });
        scored
            .into_iter()
            .take(EVIDENCE_POSTS)
            .map(|(_, p, v)| evidence_post(p, v))
            .collect()
    }
}

/// Fill a page result's `evidence_posts` (and, with `buyer`, `evidence_comments`) from the
/// creator's stored raw profile.
pub(crate) fn attach(
    plan: Option<&EvidencePlan>,
    buyer: Option<&BuyerQuery>,
    index: &CreatorIndex,
    raw: &RawProfile,
    rec: &mut CreatorRecord,
) {
    rec.evidence_posts = Some(
        plan.map(|p| p.posts(raw, rec.language.as_deref()))
            .unwrap_or_default(),
    );
    if let Some(b) = buyer {
        rec.evidence_comments = Some(b.evidence(index.tantivy(), &index.fields, raw));
    }
}

/// Distinct matched terms' weights, plus a small bonus per repeat.
fn score(view: &View, text: &str) -> f32 {
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut analyzer = view.analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    while let Some(tok) = stream.next() {
        if view.terms.contains_key(&tok.text) {
            *counts.entry(tok.text.clone()).or_insert(0) += 1;
        }
    }
    counts
        .iter()
        .map(|(t, n)| view.terms[t] * (1.0 + REPEAT_BONUS * (*n - 1) as f32))
        .sum()
}

fn evidence_post(p: &Post, view: &View) -> EvidencePost {
    let snippet = view.snippets.snippet(&p.text);
    let snippet = if snippet.is_empty() {
        escape(&crate::extract::text::excerpt(&p.text, SNIPPET_CHARS))
    } else {
        snippet.to_html()
    };
    EvidencePost {
        url: p.url.clone(),
        published_at: p.published_at,
        snippet: snippet.replace('\n', " "),
        likes: p.likes,
        comments: p.comments_known(),
        shares: p.shares,
        views: p.views,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The snippet as plain text (the `<b>` marks and escapes removed), for terminals and CSV.
pub(crate) fn plain_snippet(snippet: &str) -> String {
    snippet
        .replace("<b>", "")
        .replace("</b>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_snippet_undoes_the_html() {
        assert_eq!(
            plain_snippet("a <b>vegan</b> &amp; &lt;b&gt; cake"),
            "a vegan & <b> cake"
        );
    }

    #[test]
    fn escape_keeps_markup_out() {
        assert_eq!(escape("<script>&"), "&lt;script&gt;&amp;");
    }
}
