//! `/openapi.json`, generated from the code: the search parameters come from the filter table
//! ([`FILTERS`]) with a schema per filter, so a filter added there without a schema here
//! fails this module's test instead of drifting from the document.

use serde_json::{Value, json};

use super::limits::MAX_URI_BYTES;
use super::routes::{DEFAULT_SIMILAR_LIMIT, MAX_ID_CHARS, MAX_SIMILAR_LIMIT};
use crate::rank::filters::{
    DEFAULT_LIMIT, FILTERS, MAX_FREE_TEXT_BYTES, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES,
};

const LANG: &str = "^[A-Za-z]{2}$";

/// The schema of one search parameter, and whether it repeats.
pub(crate) fn param_schema(name: &str) -> Option<(Value, bool)> {
    let s = match name {
        "q" => json!({"type": "string", "maxLength": MAX_QUERY_BYTES}),
        "lang" | "audience_lang" => json!({"type": "string", "pattern": LANG}),
        "tier" => {
            return Some((
                json!({"type": "array", "items": {"type": "string", "enum": ["nano", "micro", "macro"]}}),
                true,
            ));
        }
        "platform" => {
            return Some((
                json!({"type": "array", "items": {"type": "string",
                    "enum": ["mastodon", "bluesky", "youtube", "web", "feed", "peertube"]}}),
                true,
            ));
        }
        "ship_to" => {
            return Some((
                json!({"type": "array", "items": {"type": "string", "pattern": LANG}}),
                true,
            ));
        }
        "min_followers" | "max_followers" => {
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
        }
        "min_engagement" => json!({"type": "number", "minimum": 0}),
        "max_sponsored_share" => json!({"type": "number", "minimum": 0, "maximum": 1}),
        "active_within_days" => json!({"type": "integer", "minimum": 1, "maximum": 36500}),
        "has_email" | "explain" | "evidence" => json!({"type": "boolean"}),
        "limit" => {
            json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT})
        }
        "offset" => json!({"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}),
        "buyer" | "values" | "avoid" => {
            json!({"type": "string", "maxLength": MAX_FREE_TEXT_BYTES})
        }
        _ => return None,
    };
    Some((s, false))
}

fn query_param(name: &str, description: &str) -> Value {
    let (schema, repeated) =
        param_schema(name).unwrap_or_else(|| (json!({"type": "string"}), false));
    let mut p = json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
    });
    if repeated {
        p["style"] = json!("form");
        p["explode"] = json!(true);
    }
    p
}

fn search_params() -> Vec<Value> {
    let mut v = vec![query_param(
        "q",
        "the niche query, e.g. `vegan skincare`; empty lists creators by signals alone",
    )];
    v.extend(FILTERS.iter().map(|(n, d)| match *n {
        // A rule across two parameters, which a schema cannot say.
        "min_followers" => query_param(n, &format!("{d}; not above `max_followers` (400)")),
        _ => query_param(n, d),
    }));
    v
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn json_ok(schema_ref: &str) -> Value {
    json!({
        "description": "OK",
        "content": {"application/json": {"schema": {"$ref": schema_ref}}}
    })
}

/// Responses every route can give besides its own.
fn with_common(mut responses: Value, token: bool) -> Value {
    let r = responses.as_object_mut().expect("an object");
    r.insert(
        "503".into(),
        error_response("the request timed out (`server.request_timeout_secs`)"),
    );
    r.insert(
        "414".into(),
        error_response(&format!(
            "the request URI is longer than {MAX_URI_BYTES} bytes"
        )),
    );
    if token {
        r.insert("401".into(), error_response("missing or wrong token"));
    }
    responses
}

fn id_param() -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": "creator id (or canonical profile URL, percent-encoded, or handle)",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS}
    })
}

fn creator_schema() -> Value {
    let num_null = json!({"type": "number", "nullable": true});
    let str_null = json!({"type": "string", "nullable": true});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let int_null = json!({"type": "integer", "minimum": 0, "nullable": true});
    let evidence_post = json!({"type": "object",
    "required": ["url", "published_at", "snippet", "likes", "comments", "shares", "views"],
    "properties": {
        "url": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time", "nullable": true},
        "snippet": {"type": "string", "description": "HTML-escaped passage, the query's words in <b>…</b>"},
        "likes": int_null, "comments": int_null, "shares": int_null, "views": int_null,
    }});
    json!({
        "type": "object",
        "required": ["id", "profile_url", "platform", "handle", "display_name", "bio",
            "followers", "tier", "language", "audience_languages", "engagement_rate", "themes",
            "niches", "theme_consistency", "comment_quality", "bot_comment_share",
            "creator_reply_share", "sponsored_share", "undisclosed_sponsored_posts", "emails",
            "location", "posts_indexed", "last_post_at", "follower_growth_30d", "fetched_at",
            "brand_safety_flags"],
        "properties": {
            "id": {"type": "string", "description": "stable id derived from the canonical profile URL"},
            "profile_url": {"type": "string"},
            "platform": {"type": "string", "description": "mastodon, bluesky, youtube, web, feed, peertube"},
            "handle": {"type": "string"},
            "display_name": {"type": "string"},
            "bio": {"type": "string"},
            "followers": {"type": "integer", "minimum": 0, "nullable": true},
            "tier": {"type": "string", "enum": ["nano", "micro", "macro", null], "nullable": true},
            "language": str_null,
            "audience_languages": {"type": "object", "additionalProperties": {"type": "number"},
                "description": "ISO 639-1 code → share (0–1) of comments in that language"},
            "engagement_rate": num_null,
            "themes": strings,
            "niches": strings,
            "theme_consistency": num_null,
            "comment_quality": num_null,
            "bot_comment_share": num_null,
            "creator_reply_share": num_null,
            "sponsored_share": num_null,
            "undisclosed_sponsored_posts": {"type": "integer", "minimum": 0},
            "emails": strings,
            "location": str_null,
            "posts_indexed": {"type": "integer", "minimum": 0},
            "last_post_at": {"type": "string", "format": "date-time", "nullable": true},
            "follower_growth_30d": num_null,
            "fetched_at": {"type": "string", "format": "date-time"},
            "brand_safety_flags": strings,
            "buyer_match": {"type": "number", "nullable": true},
            "ship_to_fit": {"type": "number", "description": "search results with `ship_to`: 0–1 market fit"},
            "values_share": {"type": "number", "description": "search results with `values`: share of posts speaking to them"},
            "avoid_hits": {"type": "array", "items": {"type": "string"},
                "description": "search results with `avoid`: avoided topics found"},
            "score": {"type": "number", "description": "search results only"},
            "explain": {"type": "object", "additionalProperties": {"type": "number"},
                "description": "with `explain`: each signal's contribution to `score`"},
            "evidence_posts": {"type": "array", "items": evidence_post,
                "description": "with `evidence`: the creator's posts that best match the query, best first"},
            "evidence_comments": {"type": "array", "items": {"type": "string"},
                "description": "with `evidence` and `buyer`: the audience comments that best match the buyer"},
            "evidence": {"type": "object",
                "description": "with `explain` and a fit filter: what the fit signals saw (buyer_evidence, buyer_terms, ship_to_fit, ship_to_unknown, values_match, avoid_hits, avoid_categories, avoid_unmatched)"}
        }
    })
}

/// The OpenAPI 3.0 document; `token` adds the bearer requirement and 401 answers.
pub fn spec(token: bool) -> Value {
    let search_get = |summary: &str, ok: Value| {
        json!({
            "summary": summary,
            "parameters": search_params(),
            "responses": with_common(json!({
                "200": ok,
                "400": error_response("malformed query string, unknown parameter or bad value (the detail names it)"),
            }), token),
        })
    };
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "scout",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Creator discovery: rank indexed creators for a niche query with marketer filters.",
        },
        "paths": {
            "/v1/search": {"get": search_get("Rank creators for a niche query", json_ok("#/components/schemas/SearchResponse"))},
            "/v1/search.csv": {"get": search_get("The same search as CSV (the CLI's --csv columns)", json!({
                "description": "OK",
                "content": {"text/csv": {"schema": {"type": "string"}}}
            }))},
            "/v1/creators/{id}": {"get": {
                "summary": "One creator with every signal",
                "parameters": [id_param()],
                "responses": with_common(json!({
                    "200": json_ok("#/components/schemas/Creator"),
                    "400": error_response("invalid id"),
                    "404": error_response("no such creator"),
                }), token),
            }},
            "/v1/creators/{id}/similar": {"get": {
                "summary": "Creators most like this one (lookalikes)",
                "parameters": [id_param(), {
                    "name": "limit", "in": "query", "required": false,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIMILAR_LIMIT,
                        "default": DEFAULT_SIMILAR_LIMIT}
                }],
                "responses": with_common(json!({
                    "200": json_ok("#/components/schemas/SimilarResponse"),
                    "400": error_response("invalid id or limit"),
                    "404": error_response("no such creator"),
                }), token),
            }},
            "/v1/campaigns": {"get": {
                "summary": "Every campaign (definitions stored beside the index)",
                "responses": with_common(json!({
                    "200": json_ok("#/components/schemas/Campaigns"),
                    "400": error_response("this route takes no parameters"),
                }), token),
            }},
            "/v1/campaigns/{name}": {"get": {
                "summary": "A campaign report: per creator and per post, performance, disclosure, comments",
                "parameters": [{
                    "name": "name", "in": "path", "required": true,
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
                }],
                "responses": with_common(json!({
                    "200": json_ok("#/components/schemas/CampaignReport"),
                    "400": error_response("invalid campaign name"),
                    "404": error_response("no such campaign"),
                }), token),
            }},
            "/health": {"get": {
                "summary": "Liveness, creator count and index generation",
                "responses": with_common(json!({"200": json_ok("#/components/schemas/Health")}), token),
            }},
            "/metrics": {"get": {
                "summary": "Prometheus text exposition",
                "responses": with_common(json!({"200": {
                    "description": "OK",
                    "content": {"text/plain": {"schema": {"type": "string"}}}
                }}), token),
            }},
            "/openapi.json": {"get": {
                "summary": "This document",
                "responses": with_common(json!({"200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"type": "object"}}}
                }}), token),
            }},
            "/": {"get": {
                "summary": "The search page for people",
                "responses": with_common(json!({"200": {
                    "description": "OK",
                    "content": {"text/html": {"schema": {"type": "string"}}}
                }}), token),
            }},
        },
        "components": {
            "schemas": {
                "Creator": creator_schema(),
                "SearchResponse": {
                    "type": "object",
                    "required": ["query", "total", "results"],
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer", "minimum": 0, "description": "creators matching before limit/offset"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Creator"}},
                    }
                },
                "SimilarResponse": {
                    "type": "object",
                    "required": ["results"],
                    "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Creator"}}}
                },
                "Campaigns": super::openapi_campaign::campaigns_schema(),
                "CampaignReport": super::openapi_campaign::report_schema(),
                "Health": {
                    "type": "object",
                    "required": ["status", "docs", "generation"],
                    "properties": {
                        "status": {"type": "string", "enum": ["ok"]},
                        "docs": {"type": "integer", "minimum": 0},
                        "generation": {"type": "integer", "minimum": 0},
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "detail"],
                    "properties": {
                        "error": {"type": "string", "description": "short code: bad_request, not_found, unauthorized, timeout..."},
                        "detail": {"type": "string", "description": "what was wrong, naming the parameter"},
                    }
                },
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"}
            }
        }
    });
    if token {
        doc["security"] = json!([{"bearerAuth": []}]);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_has_a_schema() {
        for (name, _) in FILTERS {
            assert!(
                param_schema(name).is_some(),
                "no OpenAPI schema for `{name}`"
            );
        }
    }

    #[test]
    fn search_lists_q_and_every_filter() {
        let doc = spec(false);
        let params = doc["paths"]["/v1/search"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(params.len(), FILTERS.len() + 1);
        let tier = params.iter().find(|p| p["name"] == "tier").unwrap();
        assert_eq!(tier["explode"], true);
        assert!(doc.get("security").is_none());
        assert!(spec(true)["security"].is_array());
    }
}
