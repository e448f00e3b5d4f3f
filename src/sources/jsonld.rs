//! Lenient JSON-LD reading (foundation stub).
