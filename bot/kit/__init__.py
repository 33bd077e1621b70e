"""The adapter kit: what every chat platform's adapter needs besides translating, written once
(its description for the registry, its state in the database, the dispatch of actions by type,
the media fallback, reconnecting with backoff). A platform package only translates."""
