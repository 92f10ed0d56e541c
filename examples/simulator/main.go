// Command simulator runs simulated OCPP 1.6J charge points and 2.0.1
// charging stations against a Central System, for demos and load:
//
//	go run ./examples/simulator -url ws://127.0.0.1:8080/ocpp -n 50
//	go run ./examples/simulator -url ws://127.0.0.1:8080/ocpp -n 50 -ocpp mixed
//	go run ./examples/simulator -url ws://127.0.0.1:8080/ocpp -id CP-7 -password … -id-tags RFID1 -ocpp 2.0.1
//
// Each charge point (SIM001, SIM002, …) boots, reports its connectors,
// heartbeats, charges with realistic meter values and answers remote
// commands, in the version -ocpp says (1.6, 2.0.1, or mixed: the odd ones
// 2.0.1, the even ones 1.6); see package ocpp/ocpptest/sim. A summary line is logged
// every 10s; SIGINT stops the sessions and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "simulator:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		url        = flag.String("url", "ws://127.0.0.1:8080/ocpp", "Central System base URL; each charge point dials <url>/<identity>")
		n          = flag.Int("n", 10, "number of charge points")
		prefix     = flag.String("prefix", "SIM", "identity prefix (identities are <prefix>001, <prefix>002, …)")
		ids        = flag.String("id", "", "comma-separated identities of the charge points, instead of -n and -prefix")
		idTags     = flag.String("id-tags", "", "comma-separated id tags the drivers present (default: random ones, refused unless the Central System accepts unknown tags)")
		password   = flag.String("password", "", "HTTP Basic password of every charge point (security profile 1)")
		meter      = flag.Duration("meter-interval", 10*time.Second, "interval between MeterValues while charging")
		session    = flag.Duration("session", 2*time.Minute, "typical length of a charging session")
		idle       = flag.Duration("idle", 0, "mean pause between sessions (default session/2)")
		connectors = flag.String("connectors", "1-3", "connectors per charge point: N or MIN-MAX")
		remoteOnly = flag.Bool("remote-only", false, "charge only on RemoteStartTransaction (2.0.1: RequestStartTransaction)")
		version    = flag.String("ocpp", "1.6", "OCPP version of the charge points: 1.6, 2.0.1 or mixed")
		seed       = flag.Int64("seed", 1, "seed of the random choices")
		verbose    = flag.Bool("v", false, "log every protocol event")
	)
	flag.Parse()

	minC, maxC, err := parseRange(*connectors)
	if err != nil {
		return fmt.Errorf("-connectors: %w", err)
	}
	versions, err := sim.ParseVersions(*version)
	if err != nil {
		return fmt.Errorf("-ocpp: %w", err)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	s := sim.New(sim.Config{
		URL:           *url,
		Versions:      versions,
		Identities:    list(*ids),
		IDTags:        list(*idTags),
		Password:      *password,
		Count:         *n,
		Prefix:        *prefix,
		MinConnectors: minC,
		MaxConnectors: maxC,
		MeterInterval: *meter,
		SessionLength: *session,
		IdleTime:      *idle,
		RemoteOnly:    *remoteOnly,
		Seed:          *seed,
		Logger:        logger,
	})
	logger.Info("simulator starting", "url", *url, "charge_points", len(s.Identities()), "connectors", *connectors, "ocpp", *version)
	if err := s.Run(ctx); err != nil {
		return err
	}
	st := s.Stats()
	logger.Info("simulator stopped", "sessions", st.Sessions, "messages_sent", st.MessagesSent, "errors", st.Errors)
	return nil
}

// list splits a comma-separated flag value.
func list(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseRange parses "N" or "MIN-MAX".
func parseRange(s string) (lo, hi int, err error) {
	a, b, found := strings.Cut(s, "-")
	if lo, err = strconv.Atoi(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if found {
		if hi, err = strconv.Atoi(b); err != nil {
			return 0, 0, err
		}
	}
	if lo < 1 || hi < lo {
		return 0, 0, fmt.Errorf("%q is not a range of at least one connector", s)
	}
	return lo, hi, nil
}
