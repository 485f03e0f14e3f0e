//! The configuration file of Ambar's open-source local emulator for the same streaming,
//! pointed at a local PostgreSQL: printed by `cargo run -- ambar emulator-config`.
//!
//! Values only known on the developer's machine are placeholders the CLI fills from the
//! environment (`${NAME}` required, `${NAME:-default}` optional): the database host and
//! port, the replication user's password, the application's base URL and the HTTP
//! credentials (the port unquoted: the emulator reads a number). The emulator has no
//! filters: it delivers every record to every destination.

use super::check::destination_id;
use super::props::AmbarStreamingProps;
use crate::aurora::{SchemaNames, COLUMNS};

/// The data source's id in the emulator.
pub const SOURCE_ID: &str = "event_store";

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The emulator's YAML, with `${…}` placeholders.
pub fn config(path: &str, props: &AmbarStreamingProps, names: &SchemaNames) -> String {
    let columns = COLUMNS.map(quoted).join(", ");
    let mut y = format!(
        "# Ambar emulator configuration for {path}, written by `cargo run -- ambar emulator-config`.\n\
         # Run: emulator run --config <this file>\n\
         data_sources:\n  \
         - id: {SOURCE_ID}\n    \
         description: {description}\n    \
         type: postgres\n    \
         host: \"${{EVENT_STORE_HOST:-localhost}}\"\n    \
         port: ${{EVENT_STORE_PORT:-5432}}\n    \
         username: {user}\n    \
         password: \"${{REPLICATION_PASSWORD}}\"\n    \
         database: {database}\n    \
         table: {table}\n    \
         columns: [{columns}]\n    \
         serialColumn: id\n    \
         partitioningColumn: correlation_id\n\
         data_destinations:\n",
        description = quoted(&props.description),
        user = quoted(&names.replication_user),
        database = quoted(&names.database),
        table = quoted(&names.events_table),
    );
    for d in &props.destinations {
        let endpoint = if d.is_url() {
            quoted(&d.path)
        } else {
            let path = quoted(&d.path);
            let inner = &path[1..path.len() - 1];
            format!("\"${{AMBAR_ENDPOINT_BASE_URL:-http://localhost:8080}}{inner}\"")
        };
        let filter = if d.filter.trim() == "true" {
            String::new()
        } else {
            format!(
                "    # Ambar filter (not applied by the emulator): {}\n",
                d.filter.replace('\n', " ")
            )
        };
        y.push_str(&format!(
            "  - id: {id}\n    \
             description: {description}\n\
             {filter}    \
             type: http-push\n    \
             endpoint: {endpoint}\n    \
             username: \"${{AMBAR_HTTP_USERNAME}}\"\n    \
             password: \"${{AMBAR_HTTP_PASSWORD}}\"\n    \
             sources: [{SOURCE_ID}]\n",
            id = quoted(&destination_id(d)),
            description = quoted(&d.description),
        ));
    }
    y
}
