//! Every input of the ranker's re-ranking (and of the cheap fit signals) in one compact
//! binary value per creator, kept in the `signals` bytes fast field. The ranker decodes a
//! segment's values once (see `rank::table`) and scores candidates from them, so a search
//! reads stored documents only for the page it returns.
//!
//! Values are exact copies of the record's fields (f64 bits, dates to the nanosecond): a score
//! computed from them is the score computed from the record.
//!
//! Layout (little-endian), after a version byte: a presence bitmask (u16), the optional f64s in
//! bitmask order, the last post as seconds (i64) and nanoseconds (u32), varints for the
//! counts, length-prefixed UTF-8 strings, and three lists (niche shares, audience languages,
//! brand-safety flags) each prefixed with its length.

use chrono::{DateTime, Utc};

use crate::model::{CreatorRecord, Tier};

/// Bump when the layout changes (decoding refuses other versions; the schema version moves
/// with it).
pub(crate) const SIGNALS_VERSION: u8 = 1;

/// What the ranker needs of a creator to score it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankSignals {
    pub id: String,
    pub platform: String,
    pub tier: Option<Tier>,
    pub language: Option<String>,
    pub location: Option<String>,
    pub theme_consistency: Option<f64>,
    pub bot_comment_share: Option<f64>,
    pub engagement_rate: Option<f64>,
    pub comment_quality: Option<f64>,
    pub creator_reply_share: Option<f64>,
    pub sponsored_share: Option<f64>,
    pub inflated: bool,
    pub is_bot: bool,
    pub last_post_at: Option<DateTime<Utc>>,
    pub undisclosed_sponsored_posts: u64,
    pub posts_indexed: u64,
    /// Niche id → share, in the record's (sorted) order.
    pub niche_shares: Vec<(String, f64)>,
    /// Language → share of comments, in the record's (sorted) order.
    pub audience_languages: Vec<(String, f64)>,
    pub brand_safety_flags: Vec<String>,
}

const HAS_TIER: u16 = 1 << 0;
const HAS_LANGUAGE: u16 = 1 << 1;
const HAS_LOCATION: u16 = 1 << 2;
const HAS_LAST_POST: u16 = 1 << 3;
const INFLATED: u16 = 1 << 4;
const IS_BOT: u16 = 1 << 5;
/// Bits 6.. mark the optional f64s, in [`RankSignals::floats`] order.
const FLOAT_BITS: u32 = 6;

impl RankSignals {
    pub fn of(rec: &CreatorRecord) -> RankSignals {
        RankSignals {
            id: rec.id.clone(),
            platform: rec.platform.as_str().to_string(),
            tier: rec.tier,
            language: rec.language.clone(),
            location: rec.location.clone(),
            theme_consistency: rec.theme_consistency,
            bot_comment_share: rec.bot_comment_share,
            engagement_rate: rec.engagement_rate,
            comment_quality: rec.comment_quality,
            creator_reply_share: rec.creator_reply_share,
            sponsored_share: rec.sponsored_share,
            inflated: rec.inflated,
            is_bot: rec.is_bot,
            last_post_at: rec.last_post_at,
            undisclosed_sponsored_posts: rec.undisclosed_sponsored_posts,
            posts_indexed: rec.posts_indexed,
            niche_shares: rec
                .niche_shares
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            audience_languages: rec
                .audience_languages
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            brand_safety_flags: rec.brand_safety_flags.clone(),
        }
    }

    fn floats(&self) -> [Option<f64>; 6] {
        [
            self.theme_consistency,
            self.bot_comment_share,
            self.engagement_rate,
            self.comment_quality,
            self.creator_reply_share,
            self.sponsored_share,
        ]
    }

    /// Share of the niche `id` (0 when absent).
    pub fn niche_share(&self, id: &str) -> Option<f64> {
        self.niche_shares
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| *v)
    }

    /// Share of comments in `lang`.
    pub fn audience_share(&self, lang: &str) -> Option<f64> {
        self.audience_languages
            .iter()
            .find(|(k, _)| k == lang)
            .map(|(_, v)| *v)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        out.push(SIGNALS_VERSION);
        let mut mask: u16 = 0;
        let flag = |on: bool, bit: u16| if on { bit } else { 0 };
        mask |= flag(self.tier.is_some(), HAS_TIER);
        mask |= flag(self.language.is_some(), HAS_LANGUAGE);
        mask |= flag(self.location.is_some(), HAS_LOCATION);
        mask |= flag(self.last_post_at.is_some(), HAS_LAST_POST);
        mask |= flag(self.inflated, INFLATED);
        mask |= flag(self.is_bot, IS_BOT);
        for (i, x) in self.floats().iter().enumerate() {
            mask |= flag(x.is_some(), 1 << (FLOAT_BITS + i as u32));
        }
        out.extend_from_slice(&mask.to_le_bytes());
        for x in self.floats().into_iter().flatten() {
            out.extend_from_slice(&x.to_le_bytes());
        }
        if let Some(t) = self.last_post_at {
            out.extend_from_slice(&t.timestamp().to_le_bytes());
            out.extend_from_slice(&t.timestamp_subsec_nanos().to_le_bytes());
        }
        if let Some(t) = self.tier {
            out.push(match t {
                Tier::Nano => 0,
                Tier::Micro => 1,
                Tier::Macro => 2,
            });
        }
        put_varint(&mut out, self.undisclosed_sponsored_posts);
        put_varint(&mut out, self.posts_indexed);
        put_str(&mut out, &self.id);
        put_str(&mut out, &self.platform);
        if let Some(l) = &self.language {
            put_str(&mut out, l);
        }
        if let Some(l) = &self.location {
            put_str(&mut out, l);
        }
        for list in [&self.niche_shares, &self.audience_languages] {
            put_varint(&mut out, list.len() as u64);
            for (k, v) in list {
                put_str(&mut out, k);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        put_varint(&mut out, self.brand_safety_flags.len() as u64);
        for f in &self.brand_safety_flags {
            put_str(&mut out, f);
        }
        out
    }

    /// `None` for another layout version or a truncated value.
    pub fn decode(bytes: &[u8]) -> Option<RankSignals> {
        let mut r = Reader(bytes);
        if r.byte()? != SIGNALS_VERSION {
            return None;
        }
        let mask = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
        let mut floats = [None; 6];
        for (i, x) in floats.iter_mut().enumerate() {
            if mask & (1 << (FLOAT_BITS + i as u32)) != 0 {
                *x = Some(r.f64()?);
            }
        }
        let last_post_at = if mask & HAS_LAST_POST != 0 {
            let secs = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let nanos = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
            Some(DateTime::from_timestamp(secs, nanos)?)
        } else {
            None
        };
        let tier = if mask & HAS_TIER != 0 {
            Some(match r.byte()? {
                0 => Tier::Nano,
                1 => Tier::Micro,
                2 => Tier::Macro,
                _ => return None,
            })
        } else {
            None
        };
        let undisclosed_sponsored_posts = r.varint()?;
        let posts_indexed = r.varint()?;
        let id = r.string()?;
        let platform = r.string()?;
        let language = if mask & HAS_LANGUAGE != 0 {
            Some(r.string()?)
        } else {
            None
        };
        let location = if mask & HAS_LOCATION != 0 {
            Some(r.string()?)
        } else {
            None
        };
        let mut pairs = || -> Option<Vec<(String, f64)>> {
            let n = r.varint()? as usize;
            let mut v = Vec::with_capacity(n.min(64));
            for _ in 0..n {
                v.push((r.string()?, r.f64()?));
            }
            Some(v)
        };
        let niche_shares = pairs()?;
        let audience_languages = pairs()?;
        let n = r.varint()? as usize;
        let mut brand_safety_flags = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            brand_safety_flags.push(r.string()?);
        }
        let [
            theme_consistency,
            bot_comment_share,
            engagement_rate,
            comment_quality,
            creator_reply_share,
            sponsored_share,
        ] = floats;
        Some(RankSignals {
            id,
            platform,
            tier,
            language,
            location,
            theme_consistency,
            bot_comment_share,
            engagement_rate,
            comment_quality,
            creator_reply_share,
            sponsored_share,
            inflated: mask & INFLATED != 0,
            is_bot: mask & IS_BOT != 0,
            last_post_at,
            undisclosed_sponsored_posts,
            posts_indexed,
            niche_shares,
            audience_languages,
            brand_safety_flags,
        })
    }
}

fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut x = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            x |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(x);
            }
        }
        None
    }

    fn string(&mut self) -> Option<String> {
        let n = self.varint()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> CreatorRecord {
        CreatorRecord {
            id: "00ff00ff00ff00ff".into(),
            platform: crate::model::Platform::Mastodon,
            tier: Some(Tier::Micro),
            language: Some("es".into()),
            location: Some("Ciudad de México".into()),
            theme_consistency: Some(0.8125),
            bot_comment_share: Some(0.1),
            engagement_rate: Some(0.034_567_891_234),
            comment_quality: Some(0.0),
            creator_reply_share: Some(1.0 / 3.0),
            sponsored_share: Some(0.25),
            inflated: true,
            is_bot: false,
            last_post_at: DateTime::from_timestamp(1_700_000_000, 123_456_789),
            undisclosed_sponsored_posts: 300,
            posts_indexed: 12,
            niche_shares: [("coffee".to_string(), 0.5), ("baking".to_string(), 0.25)].into(),
            audience_languages: [("es".to_string(), 0.7), ("en".to_string(), 0.3)].into(),
            brand_safety_flags: vec!["alcohol".into(), "profanity".into()],
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_exactly() {
        for rec in [full(), CreatorRecord::default()] {
            let s = RankSignals::of(&rec);
            let back = RankSignals::decode(&s.encode()).unwrap();
            assert_eq!(back, s);
        }
        let s = RankSignals::of(&full());
        assert_eq!(s.niche_share("coffee"), Some(0.5));
        assert_eq!(s.niche_share("running"), None);
        assert_eq!(s.audience_share("en"), Some(0.3));
        // Sorted like the record's maps.
        assert_eq!(s.niche_shares[0].0, "baking");
    }

    #[test]
    fn refuses_other_versions_and_truncation() {
        let mut b = RankSignals::of(&full()).encode();
        assert!(RankSignals::decode(&b[..b.len() - 1]).is_none());
        b[0] = SIGNALS_VERSION + 1;
        assert!(RankSignals::decode(&b).is_none());
        assert!(RankSignals::decode(&[]).is_none());
    }
}
