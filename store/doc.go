// Package store keeps ocppkit's data with GORM, on SQLite or PostgreSQL:
// models, migrations, query scopes, and the queries the default OCPP
// handlers run. It is plain data: it knows nothing about HTTP, websockets or
// OCPP message types.
//
// # Opening and migrating
//
// The host hands over its own *gorm.DB, opened as it likes: any PostgreSQL
// pool, or SQLite with the driver's defaults (gorm.Open(sqlite.Open(path))),
// WAL or not. The leaf packages sqlitedb and pgdb open one tuned for
// ocppkit (WAL and a larger cache on SQLite, a bounded pool on
// PostgreSQL); this package imports no database driver, so a
// PostgreSQL-only host builds without cgo. Migrate creates and upgrades the
// tables; it is explicit, idempotent and never drops anything:
//
//	db, err := gorm.Open(sqlite.Open("app.db"), &gorm.Config{}) // or sqlitedb.Open, pgdb.Open
//	if err != nil { … }
//	if err := store.Migrate(ctx, db); err != nil { … }
//	st := store.New(db)
//
// # SQLite writes
//
// SQLite has one writer. A transaction that begins reading (go-sqlite3's
// default, deferred BEGIN) and writes later fails with "database is locked"
// when another connection wrote in between, whatever the busy timeout. So
// the store runs each of its SQLite writes inside BEGIN IMMEDIATE on one
// connection of the pool (it never lets gorm begin them), its own writers
// (every Store and MeterWriter on one *sql.DB) take turns in Go, and it
// raises a connection's busy timeout to MinBusyTimeout when lower. Write
// runs a host's own writes the same way, in turn with the store's: without
// it they wait in SQLite's busy handler, which a busy CSMS may outlast.
// Check reports the one handle the store refuses: an in-memory database in
// a pool of several connections.
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
//     charging by MeterWriter. One active session per connector. Its Status
//     follows the connector while it runs (Preparing, Charging,
//     SuspendedEV, SuspendedEVSE, Finishing) and is Completed once stopped;
//     the Active and Completed scopes tell the two apart.
//   - MeterValue (ocpp_meter_values): one sampled value; Value is the
//     number, RawValue the decimal string as sent.
//   - IDTag (ocpp_id_tags): authorization identifiers.
//   - Command (ocpp_commands): persisted remote commands and their outcome.
//   - Message (ocpp_messages): the optional raw frame log, written by
//     MessageLog (a bounded, batched writer), read with Messages, pruned
//     with PruneMessages.
//   - UnknownChargePoint (ocpp_unknown_charge_points): identities whose
//     handshake was refused as unknown, for adoption (bounded: see
//     RecordUnknownChargePoint).
//   - TransactionEvent (ocpp_transaction_events): the OCPP 2.0.1
//     TransactionEvents received, one row each (what makes their retries
//     idempotent).
//   - Variable (ocpp_variables): the device model of 2.0.1 charge points,
//     per component, variable and attribute (what 1.6's configuration keys
//     are to ConfigurationKey).
//
// # OCPP 1.6 and 2.0.1
//
// The model is the same for both versions. ChargePoint.OCPPVersion says
// which one a charge point speaks. Outlets are numbered by EVSEID on
// connectors, sessions, meter values, reservations and charging profiles:
// 1.6's connectorId (EVSEID == ConnectorID on every 1.6 row), 2.0.1's
// evse.id, 0 for the station as a whole; ConnectorID keeps the protocol's
// connector number (2.0.1: the connector within its EVSE). A 2.0.1 session
// has the station's string transactionId in StationTransactionID (unique
// per charge point) beside the integer TransactionID every session has;
// RecordTransactionEvent drives it from TransactionEvents, and
// MeterWriter.WriteTransactionEvent records the Updated events that only
// carry meter values with group commit.
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
// A ChargePoint's Connectors, ChargingSessions and MeterValues are gorm
// associations: db.Preload("ChargingSessions", store.Active).Find(&cps)
// loads the active session of every charge point in one more query.
// EnergySince, EnergyBetween and EnergyByDay total the energy delivered,
// spread over time by each session's register readings.
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
