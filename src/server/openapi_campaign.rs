//! The OpenAPI schemas of the campaign routes (the report of INTERFACE.md).

use serde_json::{Value, json};

pub(crate) fn campaigns_schema() -> Value {
    let strings = json!({"type": "array", "items": {"type": "string"}});
    json!({
        "type": "object",
        "required": ["campaigns"],
        "properties": {"campaigns": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "since", "creators", "mentions", "hashtags", "codes", "links"],
            "properties": {
                "name": {"type": "string"},
                "since": {"type": "string", "format": "date"},
                "creators": strings,
                "mentions": strings,
                "hashtags": strings,
                "codes": strings,
                "links": strings,
            }
        }}}
    })
}

pub(crate) fn report_schema() -> Value {
    let int_null = json!({"type": "integer", "minimum": 0, "nullable": true});
    let num_null = json!({"type": "number", "nullable": true});
    let post = json!({
        "type": "object",
        "required": ["url", "published_at", "matched", "likes", "comments", "shares", "views",
            "engagement_vs_median", "disclosure", "genuine_comment_share",
            "purchase_intent_comments", "deleted"],
        "properties": {
            "url": {"type": "string"},
            "published_at": {"type": "string", "format": "date-time", "nullable": true},
            "matched": {"type": "array", "items": {"type": "string"},
                "description": "mention:@brand, hashtag:tag, code:SAVE10, link:brand.example"},
            "likes": int_null, "comments": int_null, "shares": int_null, "views": int_null,
            "engagement_vs_median": {"type": "number", "nullable": true,
                "description": "the post's likes + comments + shares / the creator's median (1.4 = 40 % above usual)"},
            "disclosure": {"type": "string", "enum": ["present", "missing", "unclear", null], "nullable": true},
            "genuine_comment_share": num_null,
            "purchase_intent_comments": int_null,
            "purchase_intent_examples": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            "comments_read": {"type": "integer", "minimum": 0},
            "language": {"type": "string", "nullable": true},
            "excerpt": {"type": "string"},
            "deleted": {"type": "boolean", "description": "gone since it was recorded; figures as last read"},
            "first_seen": {"type": "string", "format": "date-time"},
            "last_seen": {"type": "string", "format": "date-time", "description": "the last crawl that read it"},
        }
    });
    json!({
        "type": "object",
        "required": ["campaign", "since", "creators", "totals"],
        "properties": {
            "campaign": {"type": "string"},
            "since": {"type": "string", "format": "date"},
            "looks_for": {"type": "array", "items": {"type": "string"}},
            "creators": {"type": "array", "description": "top performers first; creators who have not posted last",
                "items": {
                "type": "object",
                "required": ["profile_url", "posted", "sponsored_share_30d", "posts"],
                "properties": {
                    "profile_url": {"type": "string"},
                    "posted": {"type": "boolean"},
                    "sponsored_share_30d": num_null,
                    "overexposed": {"type": "boolean", "description": "sponsored_share_30d above [campaigns] overexposure_share"},
                    "handle": {"type": "string"},
                    "display_name": {"type": "string"},
                    "median_interactions": num_null,
                    "read_at": {"type": "string", "format": "date-time", "nullable": true},
                    "posts": {"type": "array", "items": post},
                }
            }},
            "totals": {"type": "object", "properties": {
                "creators": {"type": "integer"}, "posted": {"type": "integer"},
                "not_posted": {"type": "integer"}, "posts": {"type": "integer"},
                "deleted_posts": {"type": "integer"},
                "likes": int_null, "comments": int_null, "shares": int_null, "views": int_null,
                "disclosure": {"type": "object", "properties": {
                    "present": {"type": "integer"}, "missing": {"type": "integer"}, "unclear": {"type": "integer"}}},
                "purchase_intent_comments": int_null,
                "overexposed_creators": {"type": "integer"},
                "median_engagement_vs_median": num_null,
            }},
        }
    })
}
