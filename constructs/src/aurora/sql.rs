//! The event store's SQL, exactly as the platform seed lists it, generated once: printed by
//! `cargo run -- sql event-store` for your own PostgreSQL, and run by the schema custom
//! resource inside the stack. Every statement is idempotent (it can run again on update),
//! stands alone (the RDS Data API runs one statement per call), and leaves data alone.
//!
//! The replication user's password is never part of it: the statement that sets it uses
//! the psql variable `:'replication_password'`, which psql fills from
//! `-v replication_password=...` and the custom resource fills from the secret.

/// What the SQL names. Names are checked by the construct (`[a-z_][a-z0-9_]*`, 63 at most),
/// so they need no quoting.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaNames {
    pub database: String,
    pub events_table: String,
    pub reactions_table: String,
    pub publication: String,
    pub replication_user: String,
}

impl Default for SchemaNames {
    fn default() -> Self {
        SchemaNames {
            database: "eventstore".into(),
            events_table: "event_store".into(),
            reactions_table: "event_store_idempotent_reaction".into(),
            publication: "ambar_publication".into(),
            replication_user: "replication_user".into(),
        }
    }
}

/// The event store table's columns, in order (the seed's list, which Ambar streams).
pub const COLUMNS: [&str; 10] = [
    "id",
    "event_id",
    "event_name",
    "aggregate_id",
    "aggregate_version",
    "json_payload",
    "json_metadata",
    "recorded_on",
    "causation_id",
    "correlation_id",
];

/// Where the replication user's password goes (a psql variable).
pub const PASSWORD_PLACEHOLDER: &str = ":'replication_password'";

/// A valid unquoted PostgreSQL identifier of ours: lowercase letters, digits and `_`,
/// not starting with a digit, 63 bytes at most.
/// A database name Aurora accepts: a letter, then letters, digits or `_`, 63 at most.
pub fn valid_database(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl SchemaNames {
    /// Whether every name can go into SQL as it is.
    pub fn are_plain(&self) -> bool {
        valid_database(&self.database)
            && [
                &self.events_table,
                &self.reactions_table,
                &self.publication,
                &self.replication_user,
            ]
            .iter()
            .all(|n| valid_identifier(n))
    }
}

pub fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The statements, in order.
pub fn statements(n: &SchemaNames) -> Vec<String> {
    let e = &n.events_table;
    let user = &n.replication_user;
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {e} (\n    id BIGSERIAL NOT NULL PRIMARY KEY,\n    event_id TEXT NOT NULL,\n    event_name TEXT NOT NULL,\n    aggregate_id TEXT NOT NULL,\n    aggregate_version BIGINT NOT NULL,\n    json_payload TEXT NOT NULL,\n    json_metadata TEXT NOT NULL,\n    recorded_on TEXT NOT NULL,\n    causation_id TEXT NOT NULL,\n    correlation_id TEXT NOT NULL\n)"
        ),
        format!("CREATE UNIQUE INDEX IF NOT EXISTS {e}_idx_event_aggregate_id_version ON {e} (aggregate_id, aggregate_version)"),
        format!("CREATE UNIQUE INDEX IF NOT EXISTS {e}_idx_event_id ON {e} (event_id)"),
        format!("CREATE INDEX IF NOT EXISTS {e}_idx_event_causation_id ON {e} (causation_id)"),
        format!("CREATE INDEX IF NOT EXISTS {e}_idx_event_correlation_id ON {e} (correlation_id)"),
        format!("CREATE INDEX IF NOT EXISTS {e}_idx_occurred_on ON {e} (recorded_on)"),
        format!("CREATE INDEX IF NOT EXISTS {e}_idx_event_name ON {e} (event_name)"),
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    event_id TEXT NOT NULL,\n    reaction_name TEXT NOT NULL,\n    PRIMARY KEY (event_id, reaction_name)\n)",
            n.reactions_table
        ),
        format!("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') THEN CREATE ROLE {user} LOGIN; END IF; END $$"),
        format!("ALTER ROLE {user} WITH LOGIN PASSWORD {PASSWORD_PLACEHOLDER}"),
        // Aurora and RDS grant replication through the rds_replication role; plain
        // PostgreSQL through the REPLICATION attribute.
        format!(
            "DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_replication') THEN GRANT rds_replication TO {user}; ELSE ALTER ROLE {user} WITH REPLICATION; END IF; END $$"
        ),
        format!("GRANT CONNECT ON DATABASE {} TO {user}", n.database),
        format!("GRANT USAGE ON SCHEMA public TO {user}"),
        format!("GRANT SELECT ON TABLE {e} TO {user}"),
        format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = '{}') THEN CREATE PUBLICATION {} FOR TABLE {e}; END IF; END $$",
            n.publication, n.publication
        ),
    ]
}

/// The statements as a psql script.
pub fn script(n: &SchemaNames) -> String {
    let mut out = format!(
        "-- The event store schema (database {}), idempotent: safe to run again.\n\
         -- Run it as the database's owner with psql, giving the replication user's password:\n\
         --   psql \"host=... dbname={} user=...\" -v ON_ERROR_STOP=1 -v replication_password='...' -f event-store.sql\n\n",
        n.database, n.database
    );
    for s in statements(n) {
        out.push_str(&s);
        out.push_str(";\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_schema_and_no_password() {
        let s = script(&SchemaNames::default());
        for needle in [
            "CREATE TABLE IF NOT EXISTS event_store (",
            "aggregate_version BIGINT NOT NULL",
            "event_store_idx_event_aggregate_id_version ON event_store (aggregate_id, aggregate_version)",
            "CREATE UNIQUE INDEX IF NOT EXISTS event_store_idx_event_id",
            "event_store_idx_occurred_on ON event_store (recorded_on)",
            "PRIMARY KEY (event_id, reaction_name)",
            "CREATE PUBLICATION ambar_publication FOR TABLE event_store",
            "GRANT SELECT ON TABLE event_store TO replication_user",
        ] {
            assert!(s.contains(needle), "missing {needle}");
        }
        assert_eq!(s.matches(PASSWORD_PLACEHOLDER).count(), 1);
        assert!(
            valid_identifier("event_store")
                && !valid_identifier("Event")
                && !valid_identifier("1x")
                && !valid_identifier("a;b")
        );
    }
}
