package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/metrics/prom"
)

// What an operator's tools read: Prometheus metrics, the health and
// readiness probes, and the message log of each charge point (its last
// frames on the charge point page, templates/messages.html and
// assets/messages.js).
//
//	curl http://localhost:8080/metrics
//	curl http://localhost:8080/readyz

// setupOps sets the CSMS's Observer (metrics on a registry of the
// dashboard's own, so that several dashboards in one test process do not
// collide) and its message log.
func (s *server) setupOps(ocfg *ocppkit.Config) error {
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := prom.New(s.metrics, nil)
	if err != nil {
		return err
	}
	ocfg.Observer = m.Observer()
	ocfg.MessageLog = s.cfg.MessageLog
	return nil
}

// opsRoutes registers the probes and metrics on the public mux (no secrets
// there: no series carries a charge point's identity) and the message log
// API on the operator's.
func (s *server) opsRoutes(public, op *http.ServeMux) {
	public.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	public.Handle("GET /healthz", s.csms.HealthHandler())
	public.Handle("GET /readyz", s.csms.ReadyHandler())
	op.Handle("GET /api/charge_points/{identity}/messages", s.csms.Remote.HTTPHandler())
}
