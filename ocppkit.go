package ocppkit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/loglimit"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// Config configures a CSMS. DB is required; every other zero value is a
// sensible default.
type Config struct {
	// DB is where charge points, connectors, sessions and meter values are
	// kept. Run store.Migrate on it first. Required.
	DB *gorm.DB
	// Broadcaster carries the live events. By default an in-memory
	// broadcast.Memory (single node).
	Broadcaster broadcast.Broadcaster
	// Logger. By default slog.Default(). Repeated warnings and errors are
	// limited before they reach it: see LogBurst.
	Logger *slog.Logger
	// LogBurst and LogInterval keep repeated warnings and errors from
	// flooding the log: at most LogBurst records with the same level and
	// message pass per LogInterval (whatever their attributes, e.g. the
	// charge point); the rest are counted, and the first record of the next
	// interval carries suppressed=<count>. A database outage under load then
	// logs a bounded number of lines instead of one per message. By default
	// 10 per 10 s; a negative LogBurst turns the limit off. Debug and Info
	// records are never limited.
	LogBurst    int
	LogInterval time.Duration
	// AutoRegister lets unknown charge points connect: they are created on
	// their first connection (once the WebSocket upgrade has succeeded: a
	// request that does not upgrade creates nothing), and charge points
	// without a password are let in without one. Off by default: unknown
	// identities and wrong passwords are refused alike (401) and charge
	// points must authenticate with HTTP Basic. Meant for development.
	AutoRegister bool
	// AcceptUnknownIDTags accepts id tags that are not in the id_tags
	// table. Off by default. Ignored when Authorizer is set.
	AcceptUnknownIDTags bool
	// Authorizer decides on id tags. By default a handlers.StoreAuthorizer.
	Authorizer handlers.Authorizer
	// Authenticator decides which charge points may connect. By default
	// HTTP Basic against the charge points' password digests (user = the
	// identity), with AutoRegister as above.
	Authenticator ocpp.Authenticator
	// SecurityProfile is the OCPP security profile the default
	// Authenticator enforces: 0 or SecurityProfileBasic (HTTP Basic, over
	// ws:// or wss:// as the host serves it), SecurityProfileTLSBasic
	// (HTTP Basic, handshakes without TLS refused) or
	// SecurityProfileTLSCertificate (a verified TLS client certificate
	// whose CommonName is the identity). See security.go. Ignored when
	// Authenticator is set.
	SecurityProfile int
	// EnforceUpgradedProfile refuses (401) a handshake that shows a lower
	// security profile than the charge point's recorded SecurityProfile
	// configuration key (recorded when it accepts a ChangeConfiguration of
	// it, or reports it to GetConfiguration): one without TLS once it is
	// on profile 2, one without a verified client certificate once it is
	// on 3. An upgraded charge point can then not be talked back down by
	// whoever strips TLS in between (the OCTT's TC_083 checks it). Leave it
	// off when a proxy terminates TLS, since the library sees no TLS
	// there. It applies to a host Authenticator too, after it accepted;
	// a handshake showing less than profile 3 costs one more query. Off by
	// default.
	EnforceUpgradedProfile bool
	// KeepUnknownChargePoints is how many identities the default
	// Authenticator records when it refuses them as unknown (their last
	// address, first and last attempt, number of attempts; see
	// store.UnknownChargePoints), so a back office can list new stations
	// and adopt them with RegisterChargePoint. The most recently seen are
	// kept; recording is rate limited, so a flood of made-up identities
	// costs bounded work. By default DefaultKeepUnknownChargePoints (1000);
	// negative records none. Unused with AutoRegister or a host
	// Authenticator.
	KeepUnknownChargePoints int
	// Signer signs the CSRs charge points send with SignCertificate
	// (security extension); CertificateSigned follows. By default there is
	// none and SignCertificate is answered Rejected.
	Signer handlers.Signer
	// NodeID names this process among several sharing one database: the
	// charge points' rows record the node holding their socket, and New
	// marks those recorded under NodeID disconnected (a previous run of
	// this node crashed holding them). Server.NodeID returns the name in
	// use.
	//
	// With Cluster, a node name is unique among live nodes: New refuses a
	// NodeID a live node uses (an error wrapping cluster.ErrJoined). When
	// NodeID is empty, New takes the first free name of <host name>,
	// <host name>-2, … <host name>-9, then <host name>-<random>: several
	// processes on one host get distinct names, and a restarted process
	// usually gets its old name back.
	//
	// Without Cluster, nothing can tell whether another process uses the
	// name: New assumes this process is the only live one under NodeID. By
	// default NodeID is the host name, stable across restarts. Two
	// processes sharing a database without a Cluster must be given distinct
	// NodeIDs, or each start marks the other's charge points disconnected.
	NodeID string
	// Cluster connects this node to the others of a deployment behind a
	// load balancer: it routes remote commands to the node holding the
	// charge point's socket and moves a charge point that reconnects to
	// another node (see package cluster; adapters cluster/rediscluster and
	// cluster/pgcluster). Broadcasts across nodes are the Broadcaster's job:
	// pass broadcast/redisbroadcast or broadcast/pgbroadcast. By default
	// nil: a single node.
	Cluster cluster.Backplane
	// HeartbeatInterval is handed to charge points in BootNotification. By
	// default handlers.DefaultHeartbeatInterval.
	HeartbeatInterval time.Duration
	// CommandTimeout bounds every remote command. By default
	// remote.DefaultTimeout.
	CommandTimeout time.Duration
	// WriteTimeout bounds the database work done for a charge point: the
	// handling of each message (its handler's context ends after it; the
	// charge point then gets InternalError and retries later, instead of
	// waiting for an answer that a hung database never gives), each
	// handshake's lookup, the bookkeeping of each connect and disconnect,
	// and each write of the background writers (a meter value transaction, a
	// batch of heartbeat times, the hand-over of an event to the
	// Broadcaster). By default store.DefaultWriteTimeout (5 s). Host
	// handlers run within it too.
	WriteTimeout time.Duration
	// Mode is the validation mode for charge points' messages, of both
	// versions. By default ocpp16.Strict; see Registry.SetVersionMode for
	// one version and Registry.SetChargePointMode for one quirky charger.
	Mode ocpp16.Mode
	// ValidateSchemas ("strict-plus") also checks every CALL a charge
	// point sends against the official JSON schema of its version (package
	// ocpp/schemas), after the library's own decoding accepted it. In
	// Strict mode a payload the schema rejects is answered with
	// FormationViolation (FormatViolation in 2.0.1) and no handler runs; in
	// Tolerant mode (for a version, a charge point or an action) it is
	// handled and logged at Warn with the schema's verdict, which shows
	// what a quirky charger gets wrong. The library's validators agree with
	// the schemas (the tests cross-check them), so this is a second
	// opinion for debugging and audits, at the cost of a schema validation
	// per call. Off by default.
	ValidateSchemas bool
	// Server tunes the socket server (timeouts, frame size, rate limit,
	// ping interval). Its Handler, Authenticator, Logger and NodeID are set
	// by New. Its Subprotocols choose the OCPP versions accepted, in order
	// of preference: by default ocpp.DefaultSubprotocols, 2.0.1 then 1.6
	// (a charge point offering both speaks 2.0.1); only ocpp2.0.1 and
	// ocpp1.6 may be listed.
	Server ocpp.ServerConfig

	// Operations (see operations.go and the README's "Operating ocppkit").

	// Observer receives measurements for metrics: package metrics/prom
	// makes one that feeds Prometheus collectors registered on the host's
	// registry. By default none: nothing is measured, at no cost.
	Observer Observer
	// TracerProvider traces every CALL a charge point sends and every
	// command sent to one with OpenTelemetry spans (see trace.go); the
	// host brings the SDK and its exporter, e.g. otel.GetTracerProvider().
	// By default nil: no spans.
	TracerProvider trace.TracerProvider
	// DrainDelay is how long Shutdown waits, once Ready fails, before it
	// closes the charge points' sockets: the time a load balancer needs
	// to notice the failing readiness probe and send reconnecting charge
	// points elsewhere. Handshakes are still accepted meanwhile. By
	// default 0.
	DrainDelay time.Duration
	// MessageLog records every frame in both directions (identity,
	// direction, action, message id, the frame, time) in ocpp_messages (a
	// CALL and its reply in one row, see store.MessageLog),
	// through a bounded queue and a batched writer: it never delays a
	// reply, and when the writer falls behind frames are dropped and
	// counted (Observer.MessageLog, CSMS.MessageLogDropped). Off by
	// default. Read it with Store.LastMessages or the commands API
	// (GET …/charge_points/{identity}/messages).
	MessageLog bool
	// MessageLogRetention is how long logged frames are kept; older ones
	// are deleted every few minutes. By default 7 days; negative keeps
	// them forever.
	MessageLogRetention time.Duration
	// MessageLogQueue is how many frames may wait for the message log's
	// writer before frames are dropped. By default
	// store.DefaultMessageLogQueue.
	MessageLogQueue int
}

// CSMS is an OCPP Central System for charge points speaking 1.6J and 2.0.1
// alike: an http.Handler for charge point sockets with everything behind
// it. Its fields are the parts a host uses directly.
type CSMS struct {
	// Store queries and updates the data.
	Store *store.Store
	// Handlers dispatches charge points' messages; override one with
	// handlers.On and reach the default with Handlers.Default.
	Handlers *handlers.Registry
	// Defaults are the library's handlers, registered as Handlers' defaults.
	Defaults *handlers.Defaults
	// Broadcaster carries the live events.
	Broadcaster broadcast.Broadcaster
	// Remote sends commands to charge points.
	Remote *remote.Client
	// Server is the socket server.
	Server *ocpp.Server

	cfg    Config
	logger *slog.Logger
	memory *broadcast.Memory // the default broadcaster, closed by Shutdown

	router   *cluster.Router    // with Config.Cluster; see cluster.go
	requests nodeRequests       // other nodes' requests, passed to router
	crash    context.CancelFunc // ends the membership Join started

	obs       Observer
	tracer    trace.Tracer       // nil without Config.TracerProvider
	observing bool               // handled CALLs are measured or traced
	meter     *store.MeterWriter // closed by Shutdown after the handlers
	msglog    *store.MessageLog  // with Config.MessageLog
	health    health             // see operations.go

	authMu sync.Mutex
	authed map[string]*store.ChargePoint // see rememberAuthenticated

	rotation passwordRotation // see RotatePassword
	unknown  *unknownRecorder // see KeepUnknownChargePoints
}

// New wires a CSMS. It starts the background writers (meter values,
// heartbeats, event publishing) that Shutdown stops, and marks the charge
// points this NodeID held before a crash as disconnected. It does not
// migrate and does not listen: mount the CSMS on the host's mux.
func New(cfg Config) (*CSMS, error) {
	if cfg.DB == nil {
		return nil, errors.New("ocppkit: Config.DB is required")
	}
	for _, sp := range cfg.Server.Subprotocols {
		if !strings.EqualFold(sp, ocpp.OCPP16) && !strings.EqualFold(sp, ocpp.OCPP201) {
			return nil, fmt.Errorf("ocppkit: Config.Server.Subprotocols: %q is not an OCPP version ocppkit speaks (%s, %s)", sp, ocpp.OCPP201, ocpp.OCPP16)
		}
	}
	logger := cmp.Or(cfg.Logger, slog.Default())
	if cfg.LogBurst >= 0 {
		logger = slog.New(loglimit.New(logger.Handler(), loglimit.Config{Burst: cfg.LogBurst, Interval: cfg.LogInterval}))
	}
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, store.DefaultWriteTimeout)
	var derived string // the host name, when NodeID is derived from it
	if cfg.NodeID == "" {
		host, _ := os.Hostname()
		derived = cmp.Or(host, "ocppkit")
		cfg.NodeID = derived
	}
	if err := store.Check(context.Background(), cfg.DB); err != nil {
		return nil, fmt.Errorf("ocppkit: Config.DB: %w", err)
	}
	c := &CSMS{cfg: cfg, logger: logger, Store: store.New(cfg.DB), authed: make(map[string]*store.ChargePoint)}
	c.unknown = newUnknownRecorder(c, cfg.KeepUnknownChargePoints)

	// Several nodes: the name must be ours (no live node uses it) before we
	// touch the charge points recorded under it.
	if err := c.joinCluster(context.Background(), derived); err != nil {
		return nil, err
	}
	cfg.NodeID = c.cfg.NodeID
	if n, err := c.Store.MarkNodeDisconnected(context.Background(), cfg.NodeID, time.Now().UTC()); err != nil {
		_ = c.leaveCluster(context.Background())
		return nil, fmt.Errorf("ocppkit: mark charge points of node %q disconnected: %w", cfg.NodeID, err)
	} else if n > 0 {
		logger.Info("marked charge points of a previous run disconnected", "node", cfg.NodeID, "count", n)
	}

	c.obs = cfg.Observer
	if cfg.TracerProvider != nil {
		c.tracer = cfg.TracerProvider.Tracer(tracerName)
	}
	c.observing = c.tracer != nil || c.obs.CallHandled != nil
	c.meter = store.NewMeterWriter(cfg.DB, store.MeterWriterConfig{Logger: logger, WriteTimeout: cfg.WriteTimeout, OnCommit: c.obs.MeterCommit})
	c.startMessageLog()

	c.Broadcaster = cfg.Broadcaster
	if c.Broadcaster == nil {
		c.memory = broadcast.NewMemory(broadcast.MemoryConfig{Logger: logger})
		c.Broadcaster = c.memory
	}
	authz := cfg.Authorizer
	if authz == nil {
		authz = &handlers.StoreAuthorizer{Store: c.Store, AcceptUnknown: cfg.AcceptUnknownIDTags}
	}
	c.Defaults = handlers.NewDefaults(handlers.DefaultsConfig{
		Store:             c.Store,
		Broadcaster:       c.Broadcaster,
		Authorizer:        authz,
		HeartbeatInterval: cfg.HeartbeatInterval,
		Logger:            logger,
		Signer:            cfg.Signer,
		Sender:            remoteSender{c},
		MeterWriter:       c.meter,
		OnPublish:         c.obs.EventPublished,
		WriteTimeout:      cfg.WriteTimeout,
	})
	c.Handlers = handlers.NewRegistry(logger)
	c.Handlers.SetMode(cfg.Mode)
	if cfg.ValidateSchemas {
		c.Handlers.Use(c.schemaCheck) // first: it wraps every other middleware
	}
	c.Defaults.Register(c.Handlers)

	scfg := cfg.Server
	scfg.Handler = connHandler{c}
	scfg.Authenticator = cmp.Or(cfg.Authenticator, c.defaultAuthenticator())
	if cfg.EnforceUpgradedProfile {
		scfg.Authenticator = upgradedProfile{c: c, next: scfg.Authenticator}
	}
	scfg.Logger = logger
	scfg.NodeID = cfg.NodeID
	c.Server = ocpp.NewServer(scfg)

	c.Remote = remote.New(remote.Config{
		Caller:      c.caller(), // the socket server, or the cluster router
		Store:       c.Store,
		Broadcaster: c.Broadcaster,
		Timeout:     cfg.CommandTimeout,
		Logger:      logger,
		KeyRotator:  keyRotator{c},
		Versions:    c.connVersion,
	})
	return c, nil
}

// connVersion is the remote.VersionLookup of the wiring: the version of a
// charge point connected to this node.
func (c *CSMS) connVersion(identity string) (string, bool) {
	conn, ok := c.Server.Conn(identity)
	if !ok {
		return "", false
	}
	return conn.Version(), true
}

// ServeHTTP accepts a charge point's WebSocket at …/<identity>.
func (c *CSMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f := c.obs.HandshakeRefused; f != nil {
		w = &refusalRecorder{ResponseWriter: w, refused: f}
	}
	c.Server.ServeHTTP(w, r)
}

// Shutdown makes Ready fail at once (a load balancer stops sending charge
// points here), waits Config.DrainDelay, then closes every charge point
// connection, waits for their handlers, flushes heartbeats, events and the
// message log and stops the background writers, at most until ctx ends.
func (c *CSMS) Shutdown(ctx context.Context) error {
	c.drain(ctx)
	err := c.Server.Shutdown(ctx)
	err = errors.Join(err, c.leaveCluster(ctx), c.Remote.Close(ctx), c.Defaults.Close(ctx), c.meter.Close(ctx), c.closeMessageLog(ctx))
	if c.memory != nil {
		c.memory.Close()
	}
	return err
}

// RegisterChargePoint creates a charge point that authenticates with
// password (HTTP Basic, user = identity). Only a salted digest is stored.
// An identity refused earlier as unknown (store.UnknownChargePoints) is
// adopted: its record is forgotten.
func (c *CSMS) RegisterChargePoint(ctx context.Context, identity, password string) (*store.ChargePoint, error) {
	digest, err := digestOf(password)
	if err != nil {
		return nil, err
	}
	cp, err := c.Store.RegisterChargePoint(ctx, identity, digest)
	if err != nil {
		return nil, err
	}
	if err := c.Store.ForgetUnknownChargePoint(ctx, identity); err != nil {
		c.logger.Warn("forget adopted charge point", "charge_point", identity, "err", err)
	}
	return cp, nil
}

// SetPassword replaces a charge point's password. Connections already open
// stay open; the next handshake needs the new password.
func (c *CSMS) SetPassword(ctx context.Context, identity, password string) error {
	digest, err := digestOf(password)
	if err != nil {
		return err
	}
	return c.Store.SetPasswordDigest(ctx, identity, digest)
}

func digestOf(password string) (string, error) {
	if password == "" {
		return "", nil
	}
	return ocpp.HashPassword(password)
}
