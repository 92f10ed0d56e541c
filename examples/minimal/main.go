// Command minimal is the smallest ocppkit host: an OCPP 1.6J and 2.0.1
// Central System on SQLite (or PostgreSQL) with the commands API.
//
//	go run ./examples/minimal -addr 127.0.0.1:8080 -db ocpp.db -dev
//
// Charge points dial ws://127.0.0.1:8080/ocpp/<identity> with subprotocol
// ocpp1.6 or ocpp2.0.1. Without -dev they must be registered with a
// password first (-register ID:PASSWORD, repeatable); with -dev unknown
// charge points are registered on their first connection and unknown id
// tags are accepted.
// Commands: POST /api/charge_points/<identity>/commands/<Action> with the
// action's JSON payload, Content-Type: application/json and the operator
// token as "Authorization: Bearer <token>". The token comes from -api-token
// or OCPPKIT_API_TOKEN; without either a random one is generated and
// printed at start. The commands API is never served without it.
//
// With -message-log, GET /api/charge_points/<identity>/messages returns the
// last frames. Operations: Prometheus metrics at /metrics, liveness at
// /healthz and readiness at /readyz (no token: they reveal no identity).
//
// On SIGINT or SIGTERM it stops accepting connections, lets every charge
// point finish the message it is handling and closes its socket (each is
// marked disconnected), waits for the API requests under way, then closes
// the database, and exits 0.
package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/metrics/prom"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type registrations []string

func (r *registrations) String() string     { return strings.Join(*r, ",") }
func (r *registrations) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	var (
		addr     = flag.String("addr", "127.0.0.1:8080", "listen address")
		dbPath   = flag.String("db", "ocpp.db", "SQLite database file")
		dsn      = flag.String("dsn", "", "PostgreSQL URL (postgres://…); overrides -db")
		dev      = flag.Bool("dev", false, "auto-register unknown charge points and accept unknown id tags")
		verbose  = flag.Bool("v", false, "log every OCPP frame at debug level")
		msgLog   = flag.Bool("message-log", false, "record every OCPP frame in the database (ocpp_messages)")
		token    = flag.String("api-token", os.Getenv("OCPPKIT_API_TOKEN"), "operator token of the commands API (default $OCPPKIT_API_TOKEN, or a random one printed at start)")
		register registrations
	)
	flag.Var(&register, "register", "register a charge point as IDENTITY:PASSWORD (repeatable)")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *token == "" {
		*token = rand.Text()
		fmt.Fprintf(os.Stderr, "\n  commands API token  %s   (Authorization: Bearer …; choose one with -api-token or OCPPKIT_API_TOKEN)\n\n", *token)
	}
	if err := run(ctx, logger, *addr, *dbPath, *dsn, *dev, register, *token, *msgLog); err != nil {
		logger.Error("minimal", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, addr, dbPath, dsn string, dev bool, register []string, token string, msgLog bool) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serve(ctx, logger, ln, dbPath, dsn, dev, register, token, msgLog)
}

// requireToken serves h only to requests carrying "Authorization: Bearer
// <token>" (compared in constant time); others get 401.
func requireToken(token string, h http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ocppkit commands"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serve runs the host on ln until ctx ends, then shuts it down and closes
// ln and the database. Tests pass a listener on 127.0.0.1:0.
func serve(ctx context.Context, logger *slog.Logger, ln net.Listener, dbPath, dsn string, dev bool, register []string, token string, msgLog bool) error {
	if token == "" {
		return errors.New("the commands API needs an operator token")
	}
	defer ln.Close()
	addr := ln.Addr().String()
	target := dbPath
	if dsn != "" {
		target = dsn
	}
	db, err := anydb.Open(target)
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	if err := store.Migrate(ctx, db); err != nil {
		return err
	}
	// Metrics: ocppkit's and the Go runtime's, on a registry of this
	// server's (prometheus.DefaultRegisterer would do as well).
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := prom.New(reg, nil)
	if err != nil {
		return err
	}
	csms, err := ocppkit.New(ocppkit.Config{
		DB:                  db,
		Logger:              logger,
		AutoRegister:        dev,
		AcceptUnknownIDTags: dev,
		Observer:            metrics.Observer(),
		MessageLog:          msgLog,
	})
	if err != nil {
		return err
	}
	for _, r := range register {
		id, pw, ok := strings.Cut(r, ":")
		if !ok || id == "" || pw == "" {
			return fmt.Errorf("-register %q: want IDENTITY:PASSWORD", r)
		}
		if _, err := csms.Store.ChargePointByIdentifier(ctx, id); errors.Is(err, store.ErrNotFound) {
			_, err = csms.RegisterChargePoint(ctx, id, pw)
			if err != nil {
				return err
			}
		} else if err := csms.SetPassword(ctx, id, pw); err != nil {
			return err
		}
	}

	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	mux.Handle("/api/charge_points/", requireToken(token, csms.Remote.HTTPHandler()))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /healthz", csms.HealthHandler())
	mux.Handle("GET /readyz", csms.ReadyHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("ocppkit minimal CSMS listening", "charge_points", "ws://"+addr+"/ocpp/<identity>", "commands", "http://"+addr+"/api/charge_points/<identity>/commands/<Action>", "dev", dev)

	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	// The order matters: stop accepting (the HTTP server closes its
	// listener, then waits for the API requests under way), drain the CSMS
	// meanwhile (every charge point finishes its message and is closed and
	// marked disconnected; commands in flight end at once instead of
	// holding the HTTP server up), and only then close the database (the
	// deferred Close above), which the CSMS needed until the end.
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Shutdown(shutdown) }()
	csmsErr := csms.Shutdown(shutdown)
	httpErr := <-httpDone
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	if err := errors.Join(serveErr, csmsErr, httpErr); err != nil {
		return err
	}
	logger.Info("ocppkit minimal CSMS stopped")
	return nil
}
