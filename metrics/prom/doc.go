// Package prom exposes ocppkit's measurements as Prometheus metrics,
// registered on the host's own registry. It is a leaf package: the core
// reports through ocppkit.Observer and never imports client_golang.
//
//	m, err := prom.New(prometheus.DefaultRegisterer, nil)
//	if err != nil { … }
//	csms, err := ocppkit.New(ocppkit.Config{DB: db, Observer: m.Observer()})
//	mux.Handle("GET /metrics", promhttp.Handler())
//
// The series (namespace "ocppkit" by default):
//
//	ocppkit_connections{version}                       gauge
//	ocppkit_connects_total{version}                    counter
//	ocppkit_disconnects_total{version,cause}           counter
//	ocppkit_handshakes_refused_total{reason}           counter
//	ocppkit_calls_received_total{action,outcome}       counter
//	ocppkit_call_handling_seconds{action}              histogram
//	ocppkit_calls_sent_total{action,outcome}           counter
//	ocppkit_command_round_trip_seconds{action}         histogram
//	ocppkit_meter_batch_rows                           histogram
//	ocppkit_meter_commits_total{outcome}               counter
//	ocppkit_meter_commit_seconds                       histogram
//	ocppkit_meter_queue_depth                          gauge
//	ocppkit_events_published_total                     counter
//	ocppkit_events_dropped_total                       counter
//	ocppkit_backplane_requests_total{kind,outcome}     counter
//	ocppkit_backplane_request_seconds{kind}            histogram
//	ocppkit_message_log_written_total                  counter
//	ocppkit_message_log_dropped_total                  counter
//
// Labels take values from closed sets (see ocppkit.Observer for each):
// OCPP versions, actions this library knows ("unknown" for any other),
// outcomes, causes and reasons. No series carries a charge point's
// identity, so their number does not grow with the fleet.
package prom
