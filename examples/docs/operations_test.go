package docs

// The Go fragments of the README's "Operating ocppkit".

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/metrics/prom"
)

func readmeOperations(db *gorm.DB, mux *http.ServeMux) (*ocppkit.CSMS, error) {
	// doc:begin readme-operations

	reg := prometheus.NewRegistry()    // or prometheus.DefaultRegisterer
	metrics, err := prom.New(reg, nil) // package metrics/prom
	if err != nil {
		return nil, err
	}
	csms, err := ocppkit.New(ocppkit.Config{
		DB:             db,
		Observer:       metrics.Observer(),       // Prometheus metrics
		TracerProvider: otel.GetTracerProvider(), // OpenTelemetry spans (your SDK, your exporter)
		MessageLog:     true,                     // every frame in ocpp_messages, 7 days
		DrainDelay:     10 * time.Second,         // Shutdown: fail /readyz, wait, then close sockets
	})
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /healthz", csms.HealthHandler()) // liveness
	mux.Handle("GET /readyz", csms.ReadyHandler())   // readiness
	// doc:end
	return csms, nil
}
