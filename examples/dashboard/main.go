// Command dashboard is a complete operator UI on top of ocppkit: live charge
// point cards, charts, sessions, remote start and stop, a JSON API and an
// event stream, in one binary with its assets embedded.
//
//	go run ./examples/dashboard -simulate 5
//
// serves http://127.0.0.1:8080 with an SQLite database in the user cache
// directory and five simulated charge points that connect to it at once: a
// mixed fleet of OCPP 2.0.1 stations (SIM001, SIM003, …) and 1.6 charge
// points (SIM002, …); -ocpp 1.6 or -ocpp 2.0.1 simulates one version. Every
// page works for both; a 2.0.1 station's page shows its device model.
// The operator password is printed at start unless -password or
// OCPPKIT_PASSWORD sets one.
//
// Files, in reading order: main.go (flags), server.go (wiring and routes),
// views.go (what pages and API show, per connector), versions.go (1.6 and
// 2.0.1 side by side), render.go and times.go (templates, one time zone),
// auth.go and throttle.go (operator login), pages_*.go (monitoring:
// dashboard, charge point, sessions), backoffice_*.go (administration:
// charge points, id tags, commands and forms.go, configuration, the 2.0.1
// device model, reservations, charging profiles), api.go (JSON API and
// event stream), cluster.go (several nodes), templates/ and assets/.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
)

// config is what the flags set.
type config struct {
	Addr          string        // listen address, e.g. "127.0.0.1:8080"
	DBPath        string        // SQLite file (used unless DSN is set)
	DSN           string        // PostgreSQL URL
	Backplane     string        // several nodes: redis://… or postgres (see cluster.go)
	Node          string        // this node's name among several (default: the host name)
	Simulate      int           // number of in-process simulated charge points
	SimOCPP       string        // their OCPP versions: "mixed" (also when empty), "1.6" or "2.0.1"
	Dev           bool          // auto-register unknown charge points, accept unknown id tags
	Password      string        // operator password; generated when empty
	MeterInterval time.Duration // simulated charge points' MeterValues interval
	SessionLength time.Duration // simulated charge points' typical session length
	IDTag         string        // id tag the Start buttons use; registered as Accepted
	// Tests tune the simulator further: RemoteOnly charge points charge
	// only when told to; IdleTime is the mean pause between sessions
	// (default SessionLength/6, so most connectors charge most of the time).
	SimRemoteOnly bool
	SimIdleTime   time.Duration
	MessageLog    bool // record every frame (the charge point page's message log)
	Logger        *slog.Logger
	Out           io.Writer // the start banner (URL, password); default os.Stdout
}

func main() {
	cfg, verbose, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2) // the flag set has printed the error and the usage
	}
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg.Password = cmp.Or(cfg.Password, os.Getenv("OCPPKIT_PASSWORD"))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		cfg.Logger.Error("dashboard", "err", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line; errors and usage go to errOut.
func parseFlags(args []string, errOut io.Writer) (cfg config, verbose bool, err error) {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "listen `address`; :8080 listens on every interface (plain HTTP: put TLS in front)")
	fs.StringVar(&cfg.DBPath, "db", defaultDBPath(), "SQLite database file")
	fs.StringVar(&cfg.DSN, "dsn", "", "PostgreSQL URL (postgres://user@host/db); used instead of -db")
	fs.StringVar(&cfg.Backplane, "backplane", "", "run as one of several nodes behind a load balancer: redis://host:6379/0 or postgres (the -dsn database); needs -dsn")
	fs.StringVar(&cfg.Node, "node", "", "this node's name, unique among the nodes (default: the host name)")
	fs.IntVar(&cfg.Simulate, "simulate", 0, "start `N` simulated charge points in-process")
	fs.StringVar(&cfg.SimOCPP, "ocpp", "mixed", "OCPP version of the simulated charge points: 1.6, 2.0.1 or mixed")
	fs.BoolVar(&cfg.Dev, "dev", false, "development mode: auto-register unknown charge points and accept unknown id tags")
	fs.StringVar(&cfg.Password, "password", "", "operator password (default $OCPPKIT_PASSWORD, else generated and printed)")
	fs.DurationVar(&cfg.MeterInterval, "meter-interval", 3*time.Second, "MeterValues interval of the simulated charge points")
	fs.DurationVar(&cfg.SessionLength, "session-length", 3*time.Minute, "typical charging session length of the simulated charge points")
	fs.StringVar(&cfg.IDTag, "id-tag", "DASHBOARD", "id tag used by the Start buttons (registered as Accepted)")
	fs.BoolVar(&cfg.MessageLog, "message-log", true, "record every OCPP frame (shown on the charge point page; kept 7 days)")
	fs.BoolVar(&verbose, "v", false, "log debug messages")
	if err := fs.Parse(args); err != nil {
		return cfg, false, err
	}
	if err := cfg.check(fs.NArg()); err != nil {
		fmt.Fprintln(errOut, "dashboard:", err)
		fs.Usage()
		return cfg, false, err
	}
	return cfg, verbose, nil
}

// simVersions are the OCPP versions of the simulated charge points.
func (c *config) simVersions() ([]string, error) {
	return sim.ParseVersions(cmp.Or(c.SimOCPP, "mixed"))
}

// check refuses flag values that make no sense, before anything starts.
func (c *config) check(args int) error {
	switch {
	case args > 0:
		return errors.New("unexpected arguments: every option is a flag")
	case c.Simulate < 0:
		return fmt.Errorf("-simulate %d: want 0 or more charge points", c.Simulate)
	case c.MeterInterval <= 0:
		return fmt.Errorf("-meter-interval %s: want a positive duration", c.MeterInterval)
	case c.SessionLength <= 0:
		return fmt.Errorf("-session-length %s: want a positive duration", c.SessionLength)
	case c.IDTag == "" || len(c.IDTag) > 20:
		return fmt.Errorf("-id-tag %q: want 1 to 20 characters", c.IDTag)
	}
	if _, err := c.simVersions(); err != nil {
		return fmt.Errorf("-ocpp: %w", err)
	}
	return nil
}

// defaultDBPath is dashboard.db in the user cache directory (for example
// ~/.cache/ocppkit/dashboard.db on Linux), or in the temp directory.
func defaultDBPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "ocppkit", "dashboard.db")
}

// run listens on cfg.Addr and serves until ctx ends.
func run(ctx context.Context, cfg config) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, ln)
}

// serve runs the dashboard on ln until ctx ends: the HTTP server, the
// charge points' sockets under /ocpp/ and, with cfg.Simulate, the simulated
// charge points dialling ws://<ln>/ocpp/<identity>.
func serve(ctx context.Context, cfg config, ln net.Listener) error {
	defer ln.Close()
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	generated := cfg.Password == ""
	if generated {
		cfg.Password = rand.Text()[:16]
	}
	out := cmp.Or[io.Writer](cfg.Out, os.Stdout)
	fmt.Fprintf(out, "ocppkit dashboard: starting on %s (database %s)…\n", ln.Addr(), cmp.Or(redactDSN(cfg.DSN), cfg.DBPath))
	srv, err := newServer(ctx, cfg)
	if err != nil {
		return err
	}

	// Requests' contexts derive from reqCtx: cancelling it ends the event
	// streams, which would otherwise keep Shutdown waiting.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	host, port := hostPort(ln.Addr())
	fmt.Fprintf(out, "\n  ocppkit dashboard  http://%s/   (user admin)\n", net.JoinHostPort(cmp.Or(host, "localhost"), port))
	if host == "" {
		fmt.Fprintf(out, "  listening          on every interface, plain HTTP: put TLS in front, or -addr 127.0.0.1:%s\n", port)
	}
	if generated {
		fmt.Fprintf(out, "  operator password  %s   (choose one with -password or OCPPKIT_PASSWORD)\n", cfg.Password)
	}
	fmt.Fprintf(out, "  charge points      ws://%s/ocpp/<identity>\n", net.JoinHostPort(cmp.Or(host, "<this host>"), port))
	fmt.Fprintf(out, "  database           %s\n", srv.dbName)
	if srv.backplaneName != "" {
		fmt.Fprintf(out, "  node               %s (backplane: %s)\n", srv.csms.Server.NodeID(), srv.backplaneName)
	}
	fmt.Fprintln(out)

	simDone := make(chan struct{})
	if cfg.Simulate > 0 {
		dial := cmp.Or(host, "127.0.0.1")
		if err := srv.simulate(ctx, "ws://"+net.JoinHostPort(dial, port)+"/ocpp", simDone); err != nil {
			cancelRequests()
			_ = hs.Close()
			_ = srv.Close(context.Background())
			return err
		}
	} else {
		close(simDone)
	}

	select {
	case <-ctx.Done():
	case err = <-served:
	}
	// The simulated charge points stop their sessions first, while the
	// Central System still answers; then the web server, then the CSMS.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case <-simDone:
	case <-shutdownCtx.Done():
	}
	cancelRequests()
	err = errors.Join(ignoreClosed(err), ignoreClosed(hs.Shutdown(shutdownCtx)), srv.Close(shutdownCtx))
	return err
}

// hostPort splits a listener's address; host is "" for a wildcard address.
func hostPort(addr net.Addr) (host, port string) {
	host, port, _ = net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = ""
	}
	return host, port
}

// redactDSN hides a PostgreSQL URL's password for the banner.
func redactDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "PostgreSQL"
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
