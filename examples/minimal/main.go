// Command minimal is the smallest ocppkit host: an OCPP 1.6J Central System
// on SQLite (or PostgreSQL) with the commands API.
//
//	go run ./examples/minimal -addr 127.0.0.1:8080 -db ocpp.db -dev
//
// Charge points dial ws://127.0.0.1:8080/ocpp/<identity> with subprotocol
// ocpp1.6. Without -dev they must be registered with a password first
// (-register ID:PASSWORD, repeatable); with -dev unknown charge points are
// registered on their first connection and unknown id tags are accepted.
// Commands: POST /api/charge_points/<identity>/commands/<Action> with the
// action's JSON payload.
package main

import (
	"context"
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
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
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
	if err := run(ctx, logger, *addr, *dbPath, *dsn, *dev, register); err != nil {
		logger.Error("minimal", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, addr, dbPath, dsn string, dev bool, register []string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serve(ctx, logger, ln, dbPath, dsn, dev, register)
}

// serve runs the host on ln until ctx ends, then shuts it down and closes
// ln and the database. Tests pass a listener on 127.0.0.1:0.
func serve(ctx context.Context, logger *slog.Logger, ln net.Listener, dbPath, dsn string, dev bool, register []string) error {
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
	csms, err := ocppkit.New(ocppkit.Config{
		DB:                  db,
		Logger:              logger,
		AutoRegister:        dev,
		AcceptUnknownIDTags: dev,
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
	mux.Handle("/api/charge_points/", csms.Remote.HTTPHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("ocppkit minimal CSMS listening", "charge_points", "ws://"+addr+"/ocpp/<identity>", "commands", "http://"+addr+"/api/charge_points/<identity>/commands/<Action>", "dev", dev)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(shutdown), csms.Shutdown(shutdown))
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
