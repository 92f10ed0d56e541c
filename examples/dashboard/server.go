package main

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
	"github.com/prometheus/client_golang/prometheus"
)

// files holds the templates and the static assets: the binary needs nothing
// else at run time (no CDN, no network).
//
//go:embed assets templates
var files embed.FS

// server is the dashboard: an http.Handler with the CSMS mounted in it.
type server struct {
	cfg    config
	db     *gorm.DB
	dbName string // for the start banner
	csms   *ocppkit.CSMS
	auth   *auth
	pages  map[string]*template.Template
	mux    *http.ServeMux
	// commands is the library's commands API (remote.Client.HTTPHandler).
	commands http.Handler

	mu        sync.Mutex
	simulated map[string]bool // identities of the in-process charge points

	// backplaneName names the backplane for the banner; closeCluster
	// closes it (see cluster.go).
	backplaneName string
	closeCluster  func()

	metrics *prometheus.Registry // see ops.go
}

// newServer opens and migrates the database and wires the CSMS. It does not
// listen: serve (main.go) and the tests put it behind a listener.
func newServer(ctx context.Context, cfg config) (*server, error) {
	s := &server{cfg: cfg, simulated: make(map[string]bool)}
	s.dbName = cmp.Or(cfg.DSN, cfg.DBPath)
	if cfg.DSN == "" {
		if cfg.DBPath == "" {
			return nil, errors.New("dashboard: no database: set -db or -dsn")
		}
		if err := os.MkdirAll(filepath.Dir(cfg.DBPath), 0o755); err != nil {
			return nil, err
		}
	} else {
		s.dbName = "PostgreSQL"
	}
	db, err := anydb.Open(cmp.Or(cfg.DSN, cfg.DBPath))
	if err != nil {
		return nil, err
	}
	s.db = db
	if err := store.Migrate(ctx, db); err != nil {
		s.closeDB()
		return nil, err
	}

	ocfg := ocppkit.Config{
		DB:                  db,
		Logger:              cfg.Logger,
		AutoRegister:        cfg.Dev,
		AcceptUnknownIDTags: cfg.Dev,
		// The store decides on id tags, except on the simulated charge
		// points, whose RFID cards are random: see authorize.
		Authorizer: handlers.AuthorizerFunc(s.authorize),
	}
	if cfg.Simulate > 0 {
		// Frequent heartbeats keep the "last heartbeat" column lively.
		ocfg.HeartbeatInterval = 30 * time.Second
		// The simulated charge points all dial from this host: let them
		// connect at once, past the per-address handshake burst.
		ocfg.Server.HandshakeBurst = max(ocpp.DefaultHandshakeBurst, 2*cfg.Simulate)
	}
	if err := s.setupOps(&ocfg); err != nil { // metrics, message log: ops.go
		s.closeDB()
		return nil, err
	}
	if s.closeCluster, err = s.setupCluster(ctx, &ocfg); err != nil {
		s.closeDB()
		return nil, err
	}
	s.csms, err = ocppkit.New(ocfg)
	if err != nil {
		s.closeCluster()
		s.closeDB()
		return nil, err
	}
	// The Start buttons' id tag must be accepted without -dev.
	if err := s.csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: cfg.IDTag, Status: store.IDTagAccepted}); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}

	s.auth = newAuth(cfg.Password)
	s.commands = s.csms.Remote.HTTPHandler()
	if s.pages, err = parsePages(); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}
	s.routes()
	return s, nil
}

// routes registers every handler on s.mux (Go 1.22 patterns). Each page
// group lives in its own file: pages_*.go for monitoring, backoffice_*.go
// for administration, api.go for JSON.
func (s *server) routes() {
	s.mux = http.NewServeMux()
	// Charge points dial ws://host/ocpp/<identity> and authenticate with
	// their own passwords (HTTP Basic): the library does that.
	s.mux.Handle("/ocpp/", s.csms)
	s.mux.Handle("GET /assets/", http.FileServerFS(files))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)

	// Everything else needs the operator: a login cookie, or HTTP Basic
	// (user admin) for scripts.
	op := http.NewServeMux()
	op.HandleFunc("POST /logout", s.logout)

	// Monitoring (pages_dashboard.go, pages_chargepoint.go, pages_sessions.go).
	op.HandleFunc("GET /{$}", s.dashboardPage)
	op.HandleFunc("GET /charge_points/{id}", s.chargePointPage)
	op.HandleFunc("GET /charge_points/{id}/card", s.cardFragment)
	op.HandleFunc("GET /sessions", s.sessionsPage)
	op.HandleFunc("GET /sessions.csv", s.sessionsCSV)
	op.HandleFunc("GET /sessions/{id}", s.sessionPage)

	// Back office (backoffice_*.go).
	s.chargePointRoutes(op)
	s.idTagRoutes(op)
	s.commandRoutes(op)
	s.configurationRoutes(op)
	s.deviceModelRoutes(op)
	s.reservationRoutes(op)
	s.profileRoutes(op)

	// JSON API (api.go); {id} is a database id or an identity everywhere.
	op.HandleFunc("GET /api/stats", s.apiStats)
	op.HandleFunc("GET /api/charge_points", s.apiChargePoints)
	op.HandleFunc("GET /api/charge_points/{id}", s.apiChargePoint)
	op.HandleFunc("GET /api/charge_points/{id}/meter_values", s.apiMeterValues)
	op.HandleFunc("POST /api/charge_points/{id}/remote_start", s.apiRemoteStart)
	op.HandleFunc("POST /api/charge_points/{id}/remote_stop", s.apiRemoteStop)
	op.HandleFunc("POST /api/charge_points/{id}/commands/{action}", s.apiCommand)
	op.HandleFunc("GET /api/sessions", s.apiSessions)
	op.HandleFunc("GET /api/sessions/{id}/meter_values", s.apiSessionMeterValues)
	// Live events: /events?topic=charge_points&topic=charge_point_7_status
	op.Handle("GET /events", s.eventsHandler())
	s.opsRoutes(s.mux, op) // /metrics, /healthz, /readyz, the message log: ops.go
	s.mux.Handle("/", s.auth.require(op))
}

// ServeHTTP serves the dashboard; every request knows the operator's zone
// (times.go).
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r.WithContext(withZone(r.Context(), zoneFrom(r))))
}

// authorize is the CSMS's Authorizer: the id_tags table decides (every tag
// with -dev), but the simulated charge points present random RFID cards,
// which are accepted on them and only on them.
func (s *server) authorize(ctx context.Context, cp *store.ChargePoint, token handlers.Token) (handlers.Authorization, error) {
	s.mu.Lock()
	simulated := s.simulated[cp.Identifier]
	s.mu.Unlock()
	if simulated && token.Value != s.cfg.IDTag {
		if _, err := s.csms.Store.LookupIDTag(ctx, token.Value); errors.Is(err, store.ErrNotFound) {
			return handlers.Authorization{Status: handlers.AuthAccepted}, nil
		}
	}
	def := &handlers.StoreAuthorizer{Store: s.csms.Store, AcceptUnknown: s.cfg.Dev}
	return def.Authorize(ctx, cp, token)
}

// simulate registers cfg.Simulate charge points with a password (so
// authentication stays on) and runs them against url until ctx ends; done
// is closed when they have stopped. They speak the versions of -ocpp.
func (s *server) simulate(ctx context.Context, url string, done chan<- struct{}) error {
	password := randomToken()
	versions, err := s.cfg.simVersions()
	if err != nil {
		close(done)
		return err
	}
	fleet := sim.New(sim.Config{
		URL:           url,
		Versions:      versions,
		Password:      password,
		Count:         s.cfg.Simulate,
		Prefix:        simPrefix(s.cfg, s.csms.Server.NodeID()), // distinct per node with -backplane
		MeterInterval: s.cfg.MeterInterval,
		SessionLength: s.cfg.SessionLength,
		IdleTime:      cmp.Or(s.cfg.SimIdleTime, s.cfg.SessionLength/6),
		// A newcomer's page charges within seconds: first sessions start
		// 3-6s after boot (tests that set SimIdleTime keep their pacing).
		StartDelay:    cmp.Or(s.cfg.SimIdleTime, 3*time.Second),
		RemoteOnly:    s.cfg.SimRemoteOnly,
		StatsInterval: -1,
		Logger:        s.cfg.Logger.With("component", "simulator"),
	})
	for _, id := range fleet.Identities() {
		if _, err := s.csms.RegisterChargePoint(ctx, id, password); err != nil {
			close(done)
			return fmt.Errorf("register simulated charge point %s: %w", id, err)
		}
		s.mu.Lock()
		s.simulated[id] = true
		s.mu.Unlock()
	}
	go func() {
		defer close(done)
		if err := fleet.Run(ctx); err != nil {
			s.cfg.Logger.Error("simulator", "err", err)
		}
	}()
	return nil
}

// Close shuts the CSMS down (closing the charge points' sockets) and closes
// the database.
func (s *server) Close(ctx context.Context) error {
	var err error
	if s.csms != nil {
		err = s.csms.Shutdown(ctx)
	}
	if s.closeCluster != nil {
		s.closeCluster()
	}
	return errors.Join(err, s.closeDB())
}

func (s *server) closeDB() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
