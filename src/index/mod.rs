//! tantivy index of creators.
