package prom

import (
	"cmp"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ocppkit/ocppkit"
)

// DefaultNamespace prefixes every metric name unless Options.Namespace is
// set.
const DefaultNamespace = "ocppkit"

// Options configure New. The zero value (or nil) works.
type Options struct {
	// Namespace prefixes every metric name. By default DefaultNamespace.
	Namespace string
	// ConstLabels are added to every series, e.g. {"node": "a"} when
	// several CSMS share one registry. By default none.
	ConstLabels prometheus.Labels
	// LatencyBuckets are the buckets, in seconds, of the handler latency,
	// command round trip, meter commit and backplane histograms. By default
	// DefaultLatencyBuckets.
	LatencyBuckets []float64
}

// DefaultLatencyBuckets span 1ms to 30s: a CALL answered from memory, one
// waiting for a commit, a command to a charge point on a slow cellular link
// and its timeout.
var DefaultLatencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// batchBuckets are the row counts of the meter writer's transactions.
var batchBuckets = []float64{1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000}

// Metrics are ocppkit's Prometheus collectors. Pass Observer() in
// ocppkit.Config.Observer.
type Metrics struct {
	connections       *prometheus.GaugeVec
	connects          *prometheus.CounterVec
	disconnects       *prometheus.CounterVec
	refused           *prometheus.CounterVec
	callsReceived     *prometheus.CounterVec
	handlerSeconds    *prometheus.HistogramVec
	callsSent         *prometheus.CounterVec
	commandSeconds    *prometheus.HistogramVec
	meterBatchRows    prometheus.Histogram
	meterCommits      *prometheus.CounterVec
	meterCommitSecs   prometheus.Histogram
	meterQueue        prometheus.Gauge
	eventsPublished   prometheus.Counter
	eventsDropped     prometheus.Counter
	backplaneRequests *prometheus.CounterVec
	backplaneSeconds  *prometheus.HistogramVec
	messagesLogged    prometheus.Counter
	messagesDropped   prometheus.Counter
}

// New creates ocppkit's collectors and registers them on reg (the host's
// registry, e.g. prometheus.DefaultRegisterer). It fails if one is already
// registered there (use Options.Namespace or ConstLabels for a second CSMS
// on one registry).
func New(reg prometheus.Registerer, opts *Options) (*Metrics, error) {
	if opts == nil {
		opts = &Options{}
	}
	ns := cmp.Or(opts.Namespace, DefaultNamespace)
	buckets := opts.LatencyBuckets
	if len(buckets) == 0 {
		buckets = DefaultLatencyBuckets
	}
	c := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help, ConstLabels: opts.ConstLabels}, labels)
	}
	h := func(name, help string, b []float64, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: name, Help: help, Buckets: b, ConstLabels: opts.ConstLabels}, labels)
	}
	g := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: name, Help: help, ConstLabels: opts.ConstLabels}, labels)
	}
	c1 := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help, ConstLabels: opts.ConstLabels})
	}
	h1 := func(name, help string, b []float64) prometheus.Histogram {
		return prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: name, Help: help, Buckets: b, ConstLabels: opts.ConstLabels})
	}
	m := &Metrics{
		connections:       g("connections", "Charge points connected, by OCPP version.", "version"),
		connects:          c("connects_total", "Charge point connections made ready to serve, by OCPP version.", "version"),
		disconnects:       c("disconnects_total", "Charge point connections ended, by OCPP version and cause.", "version", "cause"),
		refused:           c("handshakes_refused_total", "Charge point handshakes refused, by reason.", "reason"),
		callsReceived:     c("calls_received_total", "CALLs received from charge points, by action and outcome (ok or the CALLERROR code).", "action", "outcome"),
		handlerSeconds:    h("call_handling_seconds", "Time to handle a CALL from a charge point, commits included, by action.", buckets, "action"),
		callsSent:         c("calls_sent_total", "CALLs sent to charge points (commands), by action and outcome.", "action", "outcome"),
		commandSeconds:    h("command_round_trip_seconds", "Round trip of a command to a charge point, by action.", buckets, "action"),
		meterBatchRows:    h1("meter_batch_rows", "Meter values per group commit of the meter writer.", batchBuckets),
		meterCommits:      c("meter_commits_total", "Group commits of the meter writer, by outcome (ok, error).", "outcome"),
		meterCommitSecs:   h1("meter_commit_seconds", "Duration of a group commit of the meter writer.", buckets),
		meterQueue:        prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "meter_queue_depth", Help: "Meter value writes waiting for the next group commit.", ConstLabels: opts.ConstLabels}),
		eventsPublished:   c1("events_published_total", "Live events queued for the Broadcaster."),
		eventsDropped:     c1("events_dropped_total", "Live events dropped because the Broadcaster was behind."),
		backplaneRequests: c("backplane_requests_total", "Requests carried to other nodes by the backplane, by kind (call, drop) and outcome.", "kind", "outcome"),
		backplaneSeconds:  h("backplane_request_seconds", "Round trip of a request to another node, by kind.", buckets, "kind"),
		messagesLogged:    c1("message_log_written_total", "Frames written to the message log."),
		messagesDropped:   c1("message_log_dropped_total", "Frames the message log dropped (queue full or write failed)."),
	}
	var errs []error
	for _, col := range []prometheus.Collector{
		m.connections, m.connects, m.disconnects, m.refused, m.callsReceived, m.handlerSeconds,
		m.callsSent, m.commandSeconds, m.meterBatchRows, m.meterCommits, m.meterCommitSecs, m.meterQueue,
		m.eventsPublished, m.eventsDropped, m.backplaneRequests, m.backplaneSeconds, m.messagesLogged, m.messagesDropped,
	} {
		if err := reg.Register(col); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// Observer returns the callbacks that feed the collectors, for
// ocppkit.Config.Observer. Each is a few atomic additions.
func (m *Metrics) Observer() ocppkit.Observer {
	return ocppkit.Observer{
		Connected: func(version string) {
			m.connections.WithLabelValues(version).Inc()
			m.connects.WithLabelValues(version).Inc()
		},
		Disconnected: func(version, cause string) {
			m.connections.WithLabelValues(version).Dec()
			m.disconnects.WithLabelValues(version, cause).Inc()
		},
		HandshakeRefused: func(reason string) { m.refused.WithLabelValues(reason).Inc() },
		CallHandled: func(action, outcome string, took time.Duration) {
			m.callsReceived.WithLabelValues(action, outcome).Inc()
			m.handlerSeconds.WithLabelValues(action).Observe(took.Seconds())
		},
		CallSent: func(action, outcome string, took time.Duration) {
			m.callsSent.WithLabelValues(action, outcome).Inc()
			m.commandSeconds.WithLabelValues(action).Observe(took.Seconds())
		},
		MeterCommit: func(rows, queued int, took time.Duration, err error) {
			m.meterQueue.Set(float64(queued))
			if err != nil {
				m.meterCommits.WithLabelValues("error").Inc()
				return
			}
			m.meterCommits.WithLabelValues("ok").Inc()
			m.meterBatchRows.Observe(float64(rows))
			m.meterCommitSecs.Observe(took.Seconds())
		},
		EventPublished: func(dropped bool) {
			if dropped {
				m.eventsDropped.Inc()
			} else {
				m.eventsPublished.Inc()
			}
		},
		Routed: func(kind, outcome string, took time.Duration) {
			m.backplaneRequests.WithLabelValues(kind, outcome).Inc()
			m.backplaneSeconds.WithLabelValues(kind).Observe(took.Seconds())
		},
		MessageLog: func(written, dropped int) {
			m.messagesLogged.Add(float64(written))
			m.messagesDropped.Add(float64(dropped))
		},
	}
}
