// Package broadcast carries live events from the CSMS to its UIs: topics,
// payloads, the Broadcaster interface, an in-memory implementation and a
// Server-Sent Events handler.
//
// # Topics
//
// Each charge point has topics named by its database id, with payloads
// whose JSON shape never changes:
//
//	charge_point_<id>_status        StatusEvent     {connector_id, status, error_code, info, timestamp}
//	charge_point_<id>_sessions      SessionEvent    {event: "started"|"stopped", session: {id, connector_id, id_tag, …}}
//	charge_point_<id>_meter_values  MeterValueEvent {connector_id, measurand, value, unit, phase, context, timestamp, session_id}
//	charge_point_<id>_connection    ConnectionEvent {connected, timestamp, node}
//	charge_point_<id>_commands      CommandEvent    {command_id, action, status, response, error, timestamp}
//
// AllChargePointsTopic ("charge_points") carries all of them for dashboards,
// each wrapped in an Envelope naming its topic. PublishEvent publishes to
// both; ParseTopic maps a topic back to its charge point.
//
// # Delivery
//
// Publishing never waits for subscribers: each subscription has a buffered
// channel, and a subscriber that falls behind loses messages (Memory counts
// them in Dropped). Messages one goroutine publishes to one topic arrive in
// order. A subscription ends when its context does; the channel is then
// closed. Memory keeps a short per-topic history for topics that have
// subscribers, so the SSE handler can resume a reconnecting browser from its
// Last-Event-ID.
//
// # Decorating and embedding
//
// A host's broadcaster may wrap or embed another (say *Memory, to feed a
// hub of its own from an overridden Publish): it receives every event.
// Publishers skip topics nobody watches only when the broadcaster they
// publish to says so itself (Watcher, asked about that very broadcaster),
// so the answer of an embedded Memory never silences an override.
//
// # Throttling meter values
//
// Coalesce wraps a broadcaster so that each meter value series (charge
// point, connector, measurand, phase) is published at most once per
// interval, the latest value winning, while every other event passes
// through at once:
//
//	b := broadcast.Coalesce(broadcast.NewMemory(broadcast.MemoryConfig{}), 2*time.Second)
//	csms, err := ocppkit.New(ocppkit.Config{DB: db, Broadcaster: b})
//	…
//	defer b.Close(ctx) // after csms.Shutdown: publishes what is held
//
// # Several nodes
//
// Memory reaches the subscribers of one process. Behind a load balancer,
// use a backplane from a leaf package, which takes the host's own client:
// redisbroadcast (Redis pub/sub) or pgbroadcast (PostgreSQL LISTEN/NOTIFY,
// payloads under 8000 bytes: publish ids, not rows). Both pass the same
// conformance suite, broadcasttest.Exercise.
//
// # Serving browsers
//
//	mux.Handle("/events", requireOperator(broadcast.NewSSEHandler(broadcast.SSEConfig{
//		Broadcaster: b,
//		Authorize: func(r *http.Request, topics []string) error { … },
//	})))
//
// and in the browser:
//
//	new EventSource("/events?topic=charge_point_7_status&topic=charge_point_7_sessions")
package broadcast
