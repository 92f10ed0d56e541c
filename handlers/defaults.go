package handlers

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// DefaultHeartbeatInterval is the interval BootNotification hands out when
// DefaultsConfig.HeartbeatInterval is zero.
const DefaultHeartbeatInterval = 5 * time.Minute

// DefaultsConfig configures the default handlers. Store is required; every
// other zero value is a sensible default.
type DefaultsConfig struct {
	// Store persists what the handlers receive. Required.
	Store *store.Store
	// Broadcaster receives the live events. By default events go nowhere.
	Broadcaster broadcast.Broadcaster
	// Authorizer decides on id tags. By default a StoreAuthorizer that
	// refuses unknown tags.
	Authorizer Authorizer
	// MeterWriter writes meter values in shared transactions. By default
	// one is created on Store's database and closed by Defaults.Close.
	MeterWriter *store.MeterWriter
	// HeartbeatInterval is sent in BootNotification responses. By default
	// DefaultHeartbeatInterval.
	HeartbeatInterval time.Duration
	// HeartbeatFlush is how often the last-heartbeat times of all charge
	// points are written, in one statement. By default one second: a
	// heartbeat is acknowledged at once and its time is at most that late in
	// the database (a heartbeat acknowledges no data, only liveness).
	HeartbeatFlush time.Duration
	// PublishBuffer is how many events may wait for the Broadcaster. When it
	// is full, events are dropped (and counted) rather than delaying a
	// charge point's reply. By default 8192.
	PublishBuffer int
	// WriteTimeout bounds each write of the background writers: a meter
	// value transaction of the default MeterWriter, a batch of heartbeat
	// times, the hand-over of one event to the Broadcaster. By default
	// store.DefaultWriteTimeout. (The handlers themselves run within their
	// caller's context: the root package gives each message a deadline.)
	WriteTimeout time.Duration
	// Now returns the current time. By default time.Now.
	Now func() time.Time
	// Logger is used for the handlers' own failures. By default slog.Default().
	Logger *slog.Logger
	// Signer signs the CSRs of SignCertificate (security extension). By
	// default there is none and SignCertificate is answered Rejected.
	Signer Signer
	// Sender sends CertificateSigned after a CSR is signed. The root
	// package sets it to its remote client. By default there is none (and
	// SignCertificate is answered Rejected).
	Sender Sender
	// OnPublish, when set, is called for every event Publish queues for
	// the Broadcaster (dropped false) or drops because PublishBuffer is
	// full. It must return at once (metrics).
	OnPublish func(dropped bool)
}

// Defaults holds the library's default handler for every message a charge
// point sends: its methods are those of OCPP 1.6, V201's those of 2.0.1.
// Each handler is an exported method, so a host can call or wrap it;
// Register installs them all, of both versions, as the Registry's defaults.
//
// The handlers persist before they answer: a CALLRESULT is sent only after
// what it acknowledges is committed. A database failure returns an error,
// which reaches the charge point as InternalError, so it retries.
type Defaults struct {
	// V201 holds the default handlers of OCPP 2.0.1 messages, e.g.
	// Defaults.V201.StatusNotification.
	V201 *Defaults201

	store      *store.Store
	authorizer Authorizer
	meter      *store.MeterWriter
	ownMeter   bool
	interval   time.Duration
	now        func() time.Time
	logger     *slog.Logger

	publisher  *publisher
	onPublish  func(dropped bool)
	heartbeats *heartbeatBatcher
	sessions   sessionCache
	vendorsMu  sync.RWMutex
	vendors    map[string]VendorHandler
	signing    *certSigner
	closeOnce  sync.Once
}

// NewDefaults returns the default handlers. It starts two goroutines (event
// publishing and heartbeat batching) and, without cfg.MeterWriter, a meter
// writer; Close stops them.
func NewDefaults(cfg DefaultsConfig) *Defaults {
	if cfg.Store == nil {
		panic("handlers: DefaultsConfig.Store is required")
	}
	d := &Defaults{
		store:      cfg.Store,
		authorizer: cfg.Authorizer,
		meter:      cfg.MeterWriter,
		interval:   cmp.Or(cfg.HeartbeatInterval, DefaultHeartbeatInterval),
		now:        cfg.Now,
		logger:     cfg.Logger,
		vendors:    make(map[string]VendorHandler),
		signing:    newCertSigner(cfg.Signer, cfg.Sender),
		onPublish:  cfg.OnPublish,
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.logger == nil {
		d.logger = slog.Default()
	}
	if d.authorizer == nil {
		d.authorizer = &StoreAuthorizer{Store: cfg.Store}
	}
	timeout := cmp.Or(cfg.WriteTimeout, store.DefaultWriteTimeout)
	if d.meter == nil {
		d.meter = store.NewMeterWriter(cfg.Store.DB(), store.MeterWriterConfig{Logger: d.logger, WriteTimeout: timeout})
		d.ownMeter = true
	}
	d.V201 = newDefaults201(d)
	d.publisher = newPublisher(cfg.Broadcaster, cmp.Or(cfg.PublishBuffer, 8192), timeout, d.logger)
	d.heartbeats = newHeartbeatBatcher(cfg.Store, cmp.Or(cfg.HeartbeatFlush, time.Second), timeout, d.logger)
	return d
}

// Register installs every default handler in r, of OCPP 1.6 and 2.0.1.
func (d *Defaults) Register(r *Registry) {
	d.V201.register(r)
	r.SetDefault(ocpp16.ActionAuthorize, Typed(d.Authorize))
	r.SetDefault(ocpp16.ActionBootNotification, Typed(d.BootNotification))
	r.SetDefault(ocpp16.ActionDataTransfer, Typed(d.DataTransfer))
	r.SetDefault(ocpp16.ActionDiagnosticsStatusNotification, Typed(d.DiagnosticsStatusNotification))
	r.SetDefault(ocpp16.ActionFirmwareStatusNotification, Typed(d.FirmwareStatusNotification))
	r.SetDefault(ocpp16.ActionHeartbeat, Typed(d.Heartbeat))
	r.SetDefault(ocpp16.ActionMeterValues, Typed(d.MeterValues))
	r.SetDefault(ocpp16.ActionStartTransaction, Typed(d.StartTransaction))
	r.SetDefault(ocpp16.ActionStatusNotification, Typed(d.StatusNotification))
	r.SetDefault(ocpp16.ActionStopTransaction, Typed(d.StopTransaction))
	r.SetDefault(ocpp16.ActionSecurityEventNotification, Typed(d.SecurityEventNotification))
	r.SetDefault(ocpp16.ActionSignCertificate, Typed(d.SignCertificate))
	r.SetDefault(ocpp16.ActionSignedFirmwareStatusNotification, Typed(d.SignedFirmwareStatusNotification))
	r.SetDefault(ocpp16.ActionLogStatusNotification, Typed(d.LogStatusNotification))
}

// Publish hands an event for a charge point to the broadcaster without
// waiting: v is published on the topic of kind (see broadcast.PublishEvent)
// and on broadcast.AllChargePointsTopic.
func (d *Defaults) Publish(chargePointID uint, kind string, v any) {
	queued := d.publisher.publish(chargePointID, kind, v)
	if d.onPublish != nil && d.publisher.b != nil {
		d.onPublish(!queued)
	}
}

// Flush waits until every event published before it has been handed to
// the Broadcaster (not necessarily delivered to subscribers), or ctx ends.
// Several nodes use it so that a node's events about a charge point reach
// the backplane before another node takes the charge point over.
func (d *Defaults) Flush(ctx context.Context) error { return d.publisher.flush(ctx) }

// DroppedEvents returns how many events were dropped because the
// broadcaster could not keep up.
func (d *Defaults) DroppedEvents() uint64 { return d.publisher.dropped.Load() }

// Close flushes pending heartbeats and events and stops the goroutines
// NewDefaults started, waiting at most until ctx ends.
func (d *Defaults) Close(ctx context.Context) error {
	var err error
	d.closeOnce.Do(func() {
		err = d.signing.close(ctx)
		err = cmp.Or(err, d.heartbeats.close(ctx))
		if d.ownMeter {
			err = cmp.Or(err, d.meter.Close(ctx))
		}
		err = cmp.Or(err, d.publisher.close(ctx))
	})
	return err
}

// Forget drops what the handlers cache about a charge point's sessions; the
// wiring calls it when the charge point disconnects, so a restarted charger
// is read afresh from the database.
func (d *Defaults) Forget(chargePointID uint) {
	d.sessions.forget(chargePointID)
	d.V201.forget(chargePointID)
}

func (d *Defaults) timestamp(t ocpp16.DateTime) time.Time {
	if t.IsZero() {
		return d.now().UTC()
	}
	return t.UTC()
}

// Now returns the current time as the handlers see it (DefaultsConfig.Now).
func (d *Defaults) Now() time.Time { return d.now() }
