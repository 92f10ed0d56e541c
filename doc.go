// Package ocppkit is an embeddable OCPP Central System (CSMS) for Go web
// applications, for charge points speaking OCPP 1.6J and 2.0.1 behind one
// host API.
//
// A host opens a *gorm.DB (SQLite or PostgreSQL) as it always does,
// migrates it, builds a CSMS and mounts it:
//
//	db, err := gorm.Open(sqlite.Open("app.db"), &gorm.Config{}) // or postgres.Open(dsn)
//	if err != nil { … }
//	if err := store.Migrate(ctx, db); err != nil { … }
//	csms, err := ocppkit.New(ocppkit.Config{DB: db})
//	if err != nil { … }
//	mux.Handle("/ocpp/", csms)                   // charge points dial ws://host/ocpp/<identity>
//	mux.Handle("/api/charge_points/", requireOperator(csms.Remote.HTTPHandler()))
//	defer csms.Shutdown(ctx)
//
// Charge points authenticate with HTTP Basic (user = identity) against a
// password set with CSMS.RegisterChargePoint; Config.AutoRegister lets any
// charge point in, for development.
//
// Everything a charge point sends is persisted by the default handlers
// (package handlers) and published on the topics of package broadcast:
// charge_point_<id>_status, charge_point_<id>_sessions and
// charge_point_<id>_meter_values, <id> being the charge point's database id.
// A host overrides any handler with handlers.On and reaches the default
// with CSMS.Defaults (CSMS.Defaults.V201 for 2.0.1). Commands go to charge
// points through CSMS.Remote.
//
// # Versions
//
// The same handler accepts the subprotocols ocpp2.0.1 and ocpp1.6
// (Config.Server.Subprotocols, 2.0.1 preferred by default). The version a
// charge point negotiated is on its connection (ocpp.Conn.Version) and its
// row (store.ChargePoint.OCPPVersion); the store, the topics and the
// version-neutral commands (remote.Client.StartSession, StopSession,
// ResetStation, Unlock, SetAvailability, SetChargingLimit, ReadSetting,
// WriteSetting) are the same for both, with outlets numbered by evse_id
// (1.6's connectorId, 2.0.1's EVSE id). handlers.On takes the version from
// the request type; remote.Client.V201 sends the typed 2.0.1 commands; a
// command of the version a charge point does not speak is refused with
// remote.ErrWrongVersion.
//
// # Operations
//
// Config.Observer reports connections, CALLs, commands, commits and drops
// for metrics (package metrics/prom registers them on a Prometheus
// registry), Config.TracerProvider traces every CALL and command with
// OpenTelemetry, CSMS.HealthHandler and CSMS.ReadyHandler are the liveness
// and readiness probes (Shutdown fails readiness first, see
// Config.DrainDelay), and Config.MessageLog records every frame. With
// Config.Cluster, node names are unique among live nodes (Config.NodeID).
//
// # Concurrency
//
// Messages of one charge point are handled one at a time, in the order they
// arrive; messages of different charge points are handled concurrently, so
// handlers, the Authorizer and middleware must be safe for concurrent use.
// A reply is sent only after the handler returns, that is after what it
// acknowledges is committed. Events are published after the commit by a
// background goroutine: publishing never delays a reply, and when the
// Broadcaster falls behind events are dropped, never the reply. Remote
// commands may be called from any goroutine; those to one charge point are
// sent one at a time.
package ocppkit
