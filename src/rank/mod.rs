//! Niche-matching ranker.
