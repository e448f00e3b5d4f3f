//! The ranking world as the real APIs answer (shapes from `shared/realdata` and the docs):
//!
//! - Mastodon `GET /api/v1/accounts/:id/statuses` returns replies to other accounts (with
//!   `in_reply_to_id` / `in_reply_to_account_id`) and self-thread continuations beside the
//!   posts, newest first, `limit` (default 20, max 40) per page with a `Link: rel="next"`
//!   (`max_id`). `exclude_replies=true` drops replies to *other* accounts and keeps
//!   self-replies, as Mastodon does. Replies start with the `@mention` of whom they answer.
//! - Bluesky `app.bsky.feed.getAuthorFeed` defaults to `posts_with_replies` (items replying
//!   to someone carry `reply.root` / `reply.parent` post views with their authors);
//!   `posts_no_replies` drops every reply; `posts_and_author_threads` keeps replies whose
//!   root and parent are the actor's own. Cursor pagination, `limit` default 50, max 100.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::spec::{Entry, RankWorld, Status, Who};
use scout::model::Platform;

/// Where every status lives: (timeline owner, index in the timeline) or a comment.
#[derive(Clone, Copy)]
pub enum Loc {
    /// In the timeline of an account: owner, position.
    Timeline(Who, usize),
}

/// The served world with lookups by handle and status id.
pub struct Served {
    pub world: RankWorld,
    /// `http://127.0.0.1:PORT` (Mastodon accounts live at `{base}/@{handle}`).
    pub base: String,
    pub by_handle: HashMap<String, Who>,
    pub statuses: HashMap<u64, Loc>,
}

pub const MASTODON_ID_BASE: [u64; 3] = [100_000, 200_000, 300_000];

pub fn bsky_handle(handle: &str) -> String {
    format!("{handle}.bsky.social")
}

impl Served {
    pub fn new(world: RankWorld, base: String) -> Served {
        let mut by_handle = HashMap::new();
        let mut statuses = HashMap::new();
        let whos: Vec<Who> = (0..world.creators.len())
            .map(Who::Creator)
            .chain((0..world.fans.len()).map(Who::Fan))
            .chain((0..world.bots.len()).map(Who::Bot))
            .collect();
        let mut s = Served {
            world,
            base,
            by_handle: HashMap::new(),
            statuses: HashMap::new(),
        };
        for who in whos {
            let (handle, platform) = s.ident(who);
            let key = match platform {
                Platform::Bluesky => bsky_handle(&handle),
                _ => handle,
            };
            by_handle.insert(key, who);
            for (k, st) in s.timeline(who).iter().enumerate() {
                statuses.insert(st.id, Loc::Timeline(who, k));
            }
        }
        s.by_handle = by_handle;
        s.statuses = statuses;
        s
    }

    pub fn ident(&self, who: Who) -> (String, Platform) {
        match who {
            Who::Creator(c) => {
                let c = &self.world.creators[c];
                (c.handle.clone(), c.platform)
            }
            Who::Fan(f) => {
                let f = &self.world.fans[f];
                (f.handle.clone(), f.platform)
            }
            Who::Bot(b) => {
                let b = &self.world.bots[b];
                (b.handle.clone(), b.platform)
            }
        }
    }

    pub fn timeline(&self, who: Who) -> &[Status] {
        match who {
            Who::Creator(c) => &self.world.creators[c].timeline,
            Who::Fan(f) => &self.world.fans[f].timeline,
            Who::Bot(b) => &self.world.bots[b].timeline,
        }
    }

    /// The profile URL scout is seeded with / discovers.
    pub fn profile_url(&self, who: Who) -> String {
        let (handle, platform) = self.ident(who);
        match platform {
            Platform::Bluesky => format!("https://bsky.app/profile/{}", bsky_handle(&handle)),
            _ => format!("{}/@{handle}", self.base),
        }
    }

    pub fn status(&self, id: u64) -> Option<(Who, &Status)> {
        let Loc::Timeline(who, k) = *self.statuses.get(&id)?;
        Some((who, &self.timeline(who)[k]))
    }

    // ---- Mastodon ----

    pub fn mastodon_id(&self, who: Who) -> u64 {
        match who {
            Who::Creator(i) => MASTODON_ID_BASE[0] + i as u64,
            Who::Fan(i) => MASTODON_ID_BASE[1] + i as u64,
            Who::Bot(i) => MASTODON_ID_BASE[2] + i as u64,
        }
    }

    pub fn who_by_mastodon_id(&self, id: u64) -> Option<Who> {
        let who = match id {
            i if i >= MASTODON_ID_BASE[2] => Who::Bot((i - MASTODON_ID_BASE[2]) as usize),
            i if i >= MASTODON_ID_BASE[1] => Who::Fan((i - MASTODON_ID_BASE[1]) as usize),
            i if i >= MASTODON_ID_BASE[0] => Who::Creator((i - MASTODON_ID_BASE[0]) as usize),
            _ => return None,
        };
        let exists = match who {
            Who::Creator(i) => i < self.world.creators.len(),
            Who::Fan(i) => i < self.world.fans.len(),
            Who::Bot(i) => i < self.world.bots.len(),
        };
        (exists && self.ident(who).1 == Platform::Mastodon).then_some(who)
    }

    pub fn mastodon_account(&self, who: Who) -> Value {
        let (handle, _) = self.ident(who);
        let own = self.timeline(who).len();
        let (name, note, followers, following, bot) = match who {
            Who::Creator(c) => {
                let c = &self.world.creators[c];
                (
                    c.name.clone(),
                    c.bio.clone(),
                    c.followers,
                    c.following,
                    false,
                )
            }
            Who::Fan(_) => (handle.clone(), String::new(), 40, 180, false),
            Who::Bot(_) => (handle.clone(), "Promo and growth".into(), 12, 4_000, false),
        };
        json!({
            "id": self.mastodon_id(who).to_string(),
            "username": handle,
            "acct": handle,
            "display_name": name,
            "locked": false,
            "bot": bot,
            "discoverable": true,
            "group": false,
            "created_at": "2022-11-07T00:00:00.000Z",
            "note": format!("<p>{}</p>", crate::render::escape_html(&note)),
            "url": self.profile_url(who),
            "uri": format!("{}/users/{handle}", self.base),
            "avatar": format!("{}/avatars/original/missing.png", self.base),
            "followers_count": followers,
            "following_count": following,
            "statuses_count": own,
            "last_status_at": self.timeline(who).first().map(|s| s.at.format("%Y-%m-%d").to_string()),
            "emojis": [],
            "fields": [],
        })
    }

    fn small_account(&self, who: Who) -> Value {
        let (handle, _) = self.ident(who);
        json!({
            "id": self.mastodon_id(who).to_string(),
            "username": handle,
            "acct": handle,
            "url": self.profile_url(who),
            "display_name": handle,
        })
    }

    /// One status as Mastodon renders it; `to` is whom it answers (for the mention).
    fn mastodon_status(&self, who: Who, s: &Status, parent: Option<(u64, Who)>) -> Value {
        let mut html = String::from("<p>");
        let mut mentions = Vec::new();
        if let Some((_, to)) = parent
            && to != who
        {
            let (h, _) = self.ident(to);
            html.push_str(&format!(
                "<span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">@<span>{h}</span></a></span> ",
                self.profile_url(to)
            ));
            mentions.push(json!({"id": self.mastodon_id(to).to_string(), "username": h, "acct": h, "url": self.profile_url(to)}));
        }
        for word in s.text.split(' ') {
            match word.strip_prefix('#').filter(|t| !t.is_empty()) {
                Some(tag) => html.push_str(&format!(
                    "<a href=\"{}/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a> ",
                    self.base
                )),
                None => {
                    html.push_str(&crate::render::escape_html(word));
                    html.push(' ');
                }
            }
        }
        html.push_str("</p>");
        let url = format!("{}/{}", self.profile_url(who), s.id);
        json!({
            "id": s.id.to_string(),
            "created_at": s.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "in_reply_to_id": parent.map(|(p, _)| p.to_string()),
            "in_reply_to_account_id": parent.map(|(_, to)| self.mastodon_id(to).to_string()),
            "sensitive": false,
            "spoiler_text": "",
            "visibility": "public",
            "language": self.lang_of(who),
            "uri": url,
            "url": url,
            "replies_count": s.replies_count(),
            "reblogs_count": s.reposts,
            "favourites_count": s.likes,
            "edited_at": null,
            "content": html,
            "reblog": null,
            "account": self.small_account(who),
            "media_attachments": [],
            "mentions": mentions,
            "tags": s.hashtags.iter().map(|t| json!({"name": t, "url": format!("{}/tags/{t}", self.base)})).collect::<Vec<_>>(),
            "emojis": [],
            "card": null,
            "poll": null,
        })
    }

    fn lang_of(&self, who: Who) -> &'static str {
        match who {
            Who::Creator(c) => self.world.creators[c].lang,
            Who::Fan(f) => self.world.fans[f].lang,
            Who::Bot(_) => "en",
        }
    }

    /// What a timeline entry answers: the status and its author.
    fn parent_of(&self, who: Who, s: &Status) -> Option<(u64, Who)> {
        match s.entry {
            Entry::Post => None,
            Entry::SelfThread { parent } => Some((parent, who)),
            Entry::Reply { to_status, to } => Some((to_status, to)),
        }
    }

    /// `/api/v1/accounts/:id/statuses`: the page and the next page's `max_id`, if any.
    pub fn mastodon_statuses(
        &self,
        who: Who,
        limit: usize,
        max_id: Option<u64>,
        exclude_replies: bool,
    ) -> (Value, Option<u64>) {
        let limit = limit.clamp(1, 40);
        let items: Vec<&Status> = self
            .timeline(who)
            .iter()
            .filter(|s| max_id.is_none_or(|m| s.id < m))
            .filter(|s| !exclude_replies || !matches!(s.entry, Entry::Reply { .. }))
            .collect();
        let page: Vec<Value> = items
            .iter()
            .take(limit)
            .map(|s| self.mastodon_status(who, s, self.parent_of(who, s)))
            .collect();
        let next = (items.len() > limit).then(|| items[limit - 1].id);
        (Value::Array(page), next)
    }

    /// `/api/v1/statuses/:id/context` of an own post: its comments as descendants.
    pub fn mastodon_context(&self, id: u64) -> Option<Value> {
        let (who, s) = self.status(id)?;
        let descendants: Vec<Value> = s
            .comments
            .iter()
            .filter_map(|cm| {
                let parent = match cm.parent {
                    None => (s.id, who),
                    Some(p) => (p, s.comments.iter().find(|x| x.id == p)?.author),
                };
                Some(self.mastodon_status(cm.author, &comment_status(cm), Some(parent)))
            })
            .collect();
        Some(json!({"ancestors": [], "descendants": descendants}))
    }

    // ---- Bluesky ----

    pub fn did(&self, who: Who) -> String {
        match who {
            Who::Creator(i) => format!("did:plc:rwc{i:06}"),
            Who::Fan(i) => format!("did:plc:rwf{i:06}"),
            Who::Bot(i) => format!("did:plc:rwb{i:06}"),
        }
    }

    pub fn who_by_actor(&self, actor: &str) -> Option<Who> {
        if let Some(rest) = actor.strip_prefix("did:plc:rw") {
            let (k, n) = rest.split_at(1.min(rest.len()));
            let n: usize = n.parse().ok()?;
            let who = match k {
                "c" => Who::Creator(n),
                "f" => Who::Fan(n),
                "b" => Who::Bot(n),
                _ => return None,
            };
            return self.by_handle.values().find(|w| **w == who).copied();
        }
        self.by_handle.get(actor).copied()
    }

    fn bsky_author(&self, who: Who) -> Value {
        let (h, _) = self.ident(who);
        json!({
            "did": self.did(who),
            "handle": bsky_handle(&h),
            "displayName": h,
            "viewer": {"muted": false, "blockedBy": false},
            "labels": [],
        })
    }

    pub fn bsky_profile(&self, who: Who) -> Value {
        let (h, _) = self.ident(who);
        let (name, bio, followers, follows) = match who {
            Who::Creator(c) => {
                let c = &self.world.creators[c];
                (c.name.clone(), c.bio.clone(), c.followers, c.following)
            }
            Who::Fan(_) => (h.clone(), String::new(), 35, 210),
            Who::Bot(_) => (h.clone(), "Promo and growth".into(), 9, 5_000),
        };
        json!({
            "did": self.did(who),
            "handle": bsky_handle(&h),
            "displayName": name,
            "description": bio,
            "followsCount": follows,
            "followersCount": followers,
            "postsCount": self.timeline(who).len(),
            "associated": {"$type": "app.bsky.actor.defs#profileAssociated", "lists": 0, "feedgens": 0, "labeler": false},
            "indexedAt": "2023-04-28T22:04:37.957Z",
            "viewer": {"muted": false, "blockedBy": false},
            "labels": [],
        })
    }

    fn uri(&self, who: Who, id: u64) -> String {
        format!("at://{}/app.bsky.feed.post/{id}", self.did(who))
    }

    fn post_view(&self, who: Who, s: &Status, reply: Option<(u64, Who, u64, Who)>) -> Value {
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": s.text,
            "createdAt": s.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "langs": [self.lang_of(who)],
        });
        record["facets"] = crate::render_bsky::tag_facets(&s.text, &s.hashtags);
        if let Some((root, root_who, parent, parent_who)) = reply {
            record["reply"] = json!({
                "root": {"$type": "com.atproto.repo.strongRef", "cid": format!("bafyrw{root}"), "uri": self.uri(root_who, root)},
                "parent": {"$type": "com.atproto.repo.strongRef", "cid": format!("bafyrw{parent}"), "uri": self.uri(parent_who, parent)},
            });
        }
        json!({
            "uri": self.uri(who, s.id),
            "cid": format!("bafyrw{}", s.id),
            "author": self.bsky_author(who),
            "record": record,
            "replyCount": s.replies_count(),
            "repostCount": s.reposts,
            "likeCount": s.likes,
            "quoteCount": 0,
            "indexedAt": s.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "viewer": {},
            "labels": [],
        })
    }

    /// The root of the thread `id` is in and the parent it answers, with their authors.
    fn reply_refs(&self, who: Who, s: &Status) -> Option<(u64, Who, u64, Who)> {
        let (parent, parent_who) = self.parent_of(who, s)?;
        // Comments answer posts or other comments of one thread: the root is the post.
        let root = self.root_of(parent).unwrap_or((parent, parent_who));
        Some((root.0, root.1, parent, parent_who))
    }

    fn root_of(&self, id: u64) -> Option<(u64, Who)> {
        let (who, s) = self.status(id)?;
        match self.parent_of(who, s) {
            None => Some((id, who)),
            Some((p, pw)) => self.root_of(p).or(Some((p, pw))),
        }
    }

    /// `getAuthorFeed`: the page and the next cursor.
    pub fn bsky_feed(&self, who: Who, limit: usize, cursor: Option<u64>, filter: &str) -> Value {
        let limit = limit.clamp(1, 100);
        let items: Vec<&Status> = self
            .timeline(who)
            .iter()
            .filter(|s| cursor.is_none_or(|c| s.id < c))
            .filter(|s| match filter {
                "posts_no_replies" => matches!(s.entry, Entry::Post),
                "posts_and_author_threads" => match self.reply_refs(who, s) {
                    None => true,
                    Some((_, root_who, _, parent_who)) => root_who == who && parent_who == who,
                },
                _ => true,
            })
            .collect();
        let feed: Vec<Value> = items
            .iter()
            .take(limit)
            .map(|s| {
                let refs = self.reply_refs(who, s);
                let mut item = json!({"post": self.post_view(who, s, refs)});
                if let Some((root, root_who, parent, parent_who)) = refs {
                    let view = |id: u64, w: Who| match self.status(id) {
                        Some((_, st)) => {
                            let r = self.reply_refs(w, st);
                            let mut v = self.post_view(w, st, r);
                            v["$type"] = json!("app.bsky.feed.defs#postView");
                            v
                        }
                        None => json!({"$type": "app.bsky.feed.defs#notFoundPost", "uri": self.uri(w, id), "notFound": true}),
                    };
                    item["reply"] = json!({"root": view(root, root_who), "parent": view(parent, parent_who)});
                }
                item
            })
            .collect();
        let mut out = json!({"feed": feed});
        if items.len() > limit {
            out["cursor"] = json!(items[limit - 1].id.to_string());
        }
        out
    }

    /// `getPostThread` of an own post: the comments as nested replies.
    pub fn bsky_thread(&self, id: u64) -> Option<Value> {
        let (who, s) = self.status(id)?;
        let node =
            |cm_parent: Option<u64>| -> Vec<Value> { self.thread_children(who, s, cm_parent) };
        let refs = self.reply_refs(who, s);
        Some(json!({"thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self.post_view(who, s, refs),
            "replies": node(None),
        }}))
    }

    fn thread_children(&self, owner: Who, post: &Status, parent: Option<u64>) -> Vec<Value> {
        post.comments
            .iter()
            .filter(|c| c.parent == parent)
            .map(|cm| {
                let st = comment_status(cm);
                let parent_ref = match cm.parent {
                    None => (post.id, owner),
                    Some(p) => (p, post.comments.iter().find(|x| x.id == p).map_or(owner, |x| x.author)),
                };
                json!({
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": self.post_view(cm.author, &st, Some((post.id, owner, parent_ref.0, parent_ref.1))),
                    "replies": self.thread_children(owner, post, Some(cm.id)),
                })
            })
            .collect()
    }
}

fn comment_status(cm: &super::spec::Comment) -> Status {
    Status {
        id: cm.id,
        entry: Entry::Post,
        text: cm.text.clone(),
        hashtags: Vec::new(),
        at: cm.at,
        likes: cm.likes,
        reposts: 0,
        niche: None,
        sponsored: false,
        comments: Vec::new(),
    }
}
