package remote

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/versions"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// DefaultTimeout bounds a command when neither Config.Timeout nor the
// caller's context sets a shorter deadline.
const DefaultTimeout = 30 * time.Second

// DefaultExpiry is how long an enqueued command waits for its charge point
// when EnqueueOptions.ExpiresAt is not set.
const DefaultExpiry = 24 * time.Hour

// Errors returned by the commands. A CALLERROR from the charge point is
// returned as an *ocpp.Error (test with errors.As). A charge point the
// store does not know is ErrUnknownChargePoint, for the awaited commands
// as for Enqueue; a known one without a connection is ErrNotConnected.
var (
	ErrNotConnected       = errors.New("remote: charge point is not connected")
	ErrTimeout            = errors.New("remote: charge point did not answer in time")
	ErrUnknownChargePoint = errors.New("remote: unknown charge point")
	ErrInvalidRequest     = errors.New("remote: invalid request")
	ErrInvalidResponse    = errors.New("remote: invalid response from charge point")
	ErrNoActiveSession    = errors.New("remote: session is not active")
	ErrClosed             = errors.New("remote: client is closed")
	// ErrBusy: the charge point has as many commands waiting as its
	// connection queues (ocpp.ServerConfig.CallQueueSize); this one was not
	// sent. Retry later. The JSON API answers 503 with Retry-After.
	ErrBusy = errors.New("remote: charge point is busy: too many commands waiting")
)

// Caller sends one CALL to a connected charge point and returns the payload
// of its CALLRESULT. *ocpp.Server is one; a multi-node backplane is another.
// It returns an error wrapping ocpp.ErrNotConnected when the charge point is
// not connected, ocpp.ErrTimeout when it does not answer, and *ocpp.Error
// for a CALLERROR.
type Caller interface {
	Call(ctx context.Context, identity, action string, payload json.RawMessage) (json.RawMessage, error)
}

// Config configures a Client. Caller and Store are required.
type Config struct {
	Caller Caller
	Store  *store.Store
	// Broadcaster receives command outcomes on charge_point_<id>_commands.
	// By default they are not published.
	Broadcaster broadcast.Broadcaster
	// Timeout bounds every command. By default DefaultTimeout.
	Timeout time.Duration
	// ResponseMode is the validation mode for charge points' replies, of
	// both versions. By default ocpp16.Strict: a reply that breaks the
	// schema is an error.
	ResponseMode ocpp16.Mode
	// Versions tells the OCPP version of the charge points connected to
	// this process, so that a command of the other version is refused
	// without a database lookup; the root package sets it. For charge
	// points it does not know, the version recorded when they connected is
	// read from the store. By default nil: always the store.
	Versions VersionLookup
	// Logger. By default slog.Default().
	Logger *slog.Logger
	// Now returns the current time. By default time.Now.
	Now func() time.Time
	// ExpireInterval is how often commands past their expiry are marked
	// expired in the database, and reservations past their expiry date
	// Expired. By default one minute.
	ExpireInterval time.Duration
	// KeyRotator takes part in every change of a charge point's
	// AuthorizationKey (see secrets.go); the root package sets it. By
	// default nil: such a change is refused with ErrNoKeyRotator.
	KeyRotator KeyRotator
}

// Client sends commands to charge points and awaits their replies.
type Client struct {
	caller  Caller
	store   *store.Store
	b       broadcast.Broadcaster
	timeout time.Duration
	mode    ocpp16.Mode
	logger  *slog.Logger
	now     func() time.Time

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// delivering holds the identities whose queued commands are being sent,
	// so two deliveries never run for one charge point at once.
	mu         sync.Mutex
	delivering map[string]bool
	again      map[string]bool

	versions  VersionLookup
	keys      KeyRotator
	secretsMu sync.Mutex
	secrets   map[uint]string // enqueued AuthorizationKeys by command id, never stored
}

// New returns a Client. It starts one goroutine, which expires commands
// (Config.ExpireInterval); Close stops it.
func New(cfg Config) *Client {
	if cfg.Caller == nil || cfg.Store == nil {
		panic("remote: Config.Caller and Config.Store are required")
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		caller:     cfg.Caller,
		store:      cfg.Store,
		b:          cfg.Broadcaster,
		timeout:    cmp.Or(cfg.Timeout, DefaultTimeout),
		mode:       cfg.ResponseMode,
		logger:     cfg.Logger,
		now:        cfg.Now,
		ctx:        ctx,
		cancel:     cancel,
		delivering: make(map[string]bool),
		again:      make(map[string]bool),
		keys:       cfg.KeyRotator,
		versions:   cfg.Versions,
		secrets:    make(map[uint]string),
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.wg.Add(1)
	go c.expireLoop(cmp.Or(cfg.ExpireInterval, time.Minute))
	return c
}

// Close stops delivering queued commands and waits for deliveries under way,
// at most until ctx ends. Commands still pending stay in the database.
func (c *Client) Close(ctx context.Context) error {
	c.cancel()
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send sends req, a request of package ocpp16 or ocpp201, to the charge
// point and returns its validated reply, of the same version. It waits at
// most Config.Timeout or until ctx ends. A request of the version the
// charge point does not speak is refused with ErrWrongVersion before
// anything is sent, and so is, with ErrInvalidRequest, a request that
// breaks its schema or a rule of OCPP 1.6 the schema cannot express (a
// Full SendLocalList entry without idTagInfo; a charging profile whose
// purpose, connector, transactionId, startSchedule, recurrencyKind or
// periods disagree). The state the reply implies is recorded before Send
// returns (see effects.go); when that fails, Send returns the reply
// together with an error wrapping ErrNotRecorded.
func (c *Client) Send(ctx context.Context, identity string, req ocpp.Request) (ocpp.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if err := checkSecrets(req); err != nil {
		return nil, err
	}
	if err := checkRules(req); err != nil {
		return nil, err
	}
	v := versionOf(req)
	if err := c.checkVersion(ctx, identity, v, req.Action()); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if key, ok := secretOf(req); ok {
		return c.sendSecret(ctx, identity, key, req, payload)
	}
	raw, err := c.send(ctx, identity, req.Action(), payload)
	if err != nil {
		return nil, err
	}
	res, err := c.decode(v, req.Action(), raw)
	if err != nil {
		return nil, err
	}
	if err := c.applyEffect(ctx, identity, 0, req, res); err != nil {
		return res, err // the reply, and ErrNotRecorded
	}
	return res, nil
}

func (c *Client) send(ctx context.Context, identity, action string, payload json.RawMessage) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	raw, err := c.caller.Call(ctx, identity, action, payload)
	switch {
	case err == nil:
		return raw, nil
	case errors.Is(err, ocpp.ErrNotConnected):
		// Unknown or only away? Asked only now, so a command to a
		// connected charge point costs no query.
		if _, lerr := c.store.ChargePointByIdentifier(ctx, identity); errors.Is(lerr, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s", ErrUnknownChargePoint, identity)
		}
		return nil, fmt.Errorf("%w: %s", ErrNotConnected, identity)
	case errors.Is(err, ocpp.ErrCallQueueFull):
		return nil, fmt.Errorf("%w: %s %s", ErrBusy, identity, action)
	case errors.Is(err, ocpp.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("%w: %s %s", ErrTimeout, identity, action)
	case errors.Is(err, ocpp.ErrClosed):
		return nil, fmt.Errorf("%w: %s (connection closed while waiting)", ErrNotConnected, identity)
	}
	return nil, err
}

// decode decodes a reply to action of version v.
func (c *Client) decode(v *versions.Version, action string, raw json.RawMessage) (ocpp.Response, error) {
	res, ok := v.NewResponse(action)
	if !ok {
		return nil, fmt.Errorf("%w: no response type for %s", ErrInvalidResponse, action)
	}
	if err := v.Unmarshal(raw, res, c.mode == ocpp16.Tolerant); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	return res, nil
}

// Call sends req to the charge point and returns its reply as Res, for
// the messages of either version:
//
//	res, err := remote.Call[ocpp16.ResetResponse](ctx, client, "CP-1", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft})
//	res, err := remote.Call[ocpp201.ResetResponse](ctx, client, "CS-2", ocpp201.ResetRequest{Type: ocpp201.ResetTypeOnIdle})
func Call[Res ocpp.Response](ctx context.Context, c *Client, identity string, req ocpp.Request) (Res, error) {
	var zero Res
	res, err := c.Send(ctx, identity, req)
	if res == nil {
		return zero, err
	}
	switch v := any(res).(type) {
	case Res:
		return v, err
	case *Res:
		return *v, err
	}
	return zero, fmt.Errorf("%w: got %T, want %T", ErrInvalidResponse, res, zero)
}

// RemoteStartTransaction asks the charge point to start charging on
// connectorID (0 lets the charge point choose) for idTag.
func (c *Client) RemoteStartTransaction(ctx context.Context, identity string, connectorID int, idTag string) (ocpp16.RemoteStartTransactionResponse, error) {
	req := ocpp16.RemoteStartTransactionRequest{IdTag: idTag}
	if connectorID > 0 {
		req.ConnectorId = &connectorID
	}
	return Call[ocpp16.RemoteStartTransactionResponse](ctx, c, identity, req)
}

// RemoteStopTransaction asks the charge point to stop the charging session
// with database id sessionID. It returns ErrNoActiveSession when the session
// is not active or belongs to another charge point.
func (c *Client) RemoteStopTransaction(ctx context.Context, identity string, sessionID uint) (ocpp16.RemoteStopTransactionResponse, error) {
	sess, err := c.store.SessionByID(ctx, sessionID)
	if errors.Is(err, store.ErrNotFound) {
		return ocpp16.RemoteStopTransactionResponse{}, fmt.Errorf("%w: session %d not found", ErrNoActiveSession, sessionID)
	}
	if err != nil {
		return ocpp16.RemoteStopTransactionResponse{}, err
	}
	cp, err := c.store.ChargePointByID(ctx, sess.ChargePointID)
	if err != nil {
		return ocpp16.RemoteStopTransactionResponse{}, err
	}
	if cp.Identifier != identity || !sess.IsActive() {
		return ocpp16.RemoteStopTransactionResponse{}, fmt.Errorf("%w: session %d on %s", ErrNoActiveSession, sessionID, identity)
	}
	return Call[ocpp16.RemoteStopTransactionResponse](ctx, c, identity, ocpp16.RemoteStopTransactionRequest{TransactionId: sess.TransactionID})
}
