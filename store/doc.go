// Package store keeps ocppkit's data with GORM, on SQLite or PostgreSQL:
// models, migrations, query scopes, and the queries the default OCPP
// handlers run. It is plain data: it knows nothing about HTTP, websockets or
// OCPP message types.
//
// # Opening and migrating
//
// The host hands over its own *gorm.DB, or opens one with Open (a
// "postgres://…" URL, or an SQLite file path with WAL and sensible pragmas).
// Migrate creates and upgrades the tables; it is explicit, idempotent and
// never drops anything:
//
//	db, err := store.Open("ocpp.db")
//	if err != nil { … }
//	if err := store.Migrate(ctx, db); err != nil { … }
//	st := store.New(db)
//
// # Migrations
//
// The schema is a list of versioned SQL migrations per dialect, embedded in
// the package (migrations/postgres, migrations/sqlite; MigrationsFS returns
// them). Migrate applies the pending ones in order, each in a transaction
// with its row in ocpp_schema_migrations, under a lock (a PostgreSQL
// advisory lock per schema; SQLite's write lock), so any number of nodes may
// call it at the same moment. A database newer than the code is refused
// (ErrSchemaTooNew). Hosts that own their migrations (goose, golang-migrate,
// atlas) copy the files of MigrationsFS into their tool instead.
//
// Adding a migration: write NNNN_name.sql for both dialects with the next
// number, and change the models to match; TestMigrationsMatchModels fails
// until columns and indexes agree.
//
// # Models
//
// Every table is prefixed ocpp_ so it never collides with the host's:
//
//   - ChargePoint (ocpp_charge_points): identity, boot information, status,
//     connection state (Connected, Node, ConnectedAt …), heartbeat, and
//     Metadata, a JSON object with connector_<n>_status,
//     connector_<n>_error_code and connector_<n>_updated_at per connector.
//   - Connector (ocpp_connectors): the last StatusNotification of each
//     connector, one row per (charge point, connector).
//   - ChargingSession (ocpp_charging_sessions): one OCPP transaction, with
//     its TransactionID (random, positive, unique across the system),
//     meter start/stop in Wh and EnergyConsumed in kWh, kept current while
//     charging by MeterWriter. One active session per connector.
//   - MeterValue (ocpp_meter_values): one sampled value; Value is the
//     number, RawValue the decimal string as sent.
//   - IDTag (ocpp_id_tags): authorization identifiers.
//   - Command (ocpp_commands): persisted remote commands and their outcome.
//   - Message (ocpp_messages): an optional raw frame log (PruneMessages).
//   - UnknownChargePoint (ocpp_unknown_charge_points): identities whose
//     handshake was refused as unknown, for adoption (bounded: see
//     RecordUnknownChargePoint).
//
// # Scopes
//
// Scopes are gorm scopes and combine freely:
//
//	db.Scopes(store.Available).Find(&cps)                  // connected and Available
//	db.Scopes(store.Connected, store.Charging).Find(&cps)
//	db.Scopes(store.Active, store.ForChargePoint(cp.ID)).Find(&sessions)
//	db.Scopes(store.ForSession(s.ID), store.Energy, store.Recent).Limit(10).Find(&mvs)
//	db.Scopes(store.Power, store.Since(time.Now().Add(-time.Hour))).Find(&mvs)
//
// ChargePoint: Connected, Available, Charging. ChargingSession: Active,
// Completed. MeterValue: Recent (newest first), Energy, Power, Current,
// Voltage, SoC, Since, ForSession. Any table with charge_point_id:
// ForChargePoint.
//
// # Transactions and retries
//
// Store's methods are safe under the retries OCPP charge points make:
// StartSession returns the same session (and transactionId) for a repeated
// StartTransaction, StopSession closes nothing twice and records unknown
// transaction ids instead of failing, EnsureChargePoint and UpsertIDTag are
// race-free across nodes, and MarkDisconnected ignores the late disconnect of
// a socket that a newer connection replaced. Errors are wrapped ("store: …");
// missing rows are reported as ErrNotFound, never as gorm's own error.
//
// # Meter values
//
// MeterWriter writes meter values with group commit: concurrent Write calls
// share one transaction (multi-row INSERTs through prepared statements plus
// the energy update of the sessions they touch) and each returns once its
// rows are committed. On SQLite this is what makes thousands of MeterValues
// messages per second possible: SQLite has one writer, and each commit
// rewrites every index page it touched.
//
// # Times
//
// Times are stored in UTC with microsecond precision; SQLite stores them as
// text, so comparisons in SQL are only correct for values written in UTC, as
// this package always does. Convert to UTC before comparing columns with
// times of your own in raw SQL on SQLite (the scopes do it for you).
package store
