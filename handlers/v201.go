package handlers

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Defaults201 holds the library's default handler for every message an
// OCPP 2.0.1 charging station sends (Defaults.V201). Like the 1.6 ones,
// each is an exported method a host can call or wrap, and they share the
// Defaults' store, broadcaster, authorizer, meter writer and signer:
//
//	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
//		myConnectorTable.Update(ctx, c.ChargePoint.ID, req.EvseId, req.ConnectorStatus)
//		return csms.Defaults.V201.StatusNotification(ctx, c, req)
//	})
//
// They translate 2.0.1 into the version-neutral store and topics: the
// same rows (connectors, sessions, meter values, status history, security
// events) and the same charge_point_<id>_status|_sessions|_meter_values
// payloads as 1.6, with evse_id the outlet number. Messages with no
// neutral meaning are published as they are on
// charge_point_<id>_notifications (broadcast.NotificationEvent) and
// answered so the station goes on. As for 1.6, every handler persists
// before it answers.
type Defaults201 struct {
	d *Defaults

	sessions txCache
	vendorMu sync.RWMutex
	vendors  map[string]VendorHandler201
}

func newDefaults201(d *Defaults) *Defaults201 {
	return &Defaults201{d: d, vendors: make(map[string]VendorHandler201)}
}

// register installs every 2.0.1 default handler in r.
func (v *Defaults201) register(r *Registry) {
	h := r.For(ocpp.OCPP201)
	h.SetDefault(ocpp201.ActionAuthorize, Typed(v.Authorize))
	h.SetDefault(ocpp201.ActionBootNotification, Typed(v.BootNotification))
	h.SetDefault(ocpp201.ActionClearedChargingLimit, Typed(v.ClearedChargingLimit))
	h.SetDefault(ocpp201.ActionDataTransfer, Typed(v.DataTransfer))
	h.SetDefault(ocpp201.ActionFirmwareStatusNotification, Typed(v.FirmwareStatusNotification))
	h.SetDefault(ocpp201.ActionGet15118EVCertificate, Typed(v.Get15118EVCertificate))
	h.SetDefault(ocpp201.ActionGetCertificateStatus, Typed(v.GetCertificateStatus))
	h.SetDefault(ocpp201.ActionHeartbeat, Typed(v.Heartbeat))
	h.SetDefault(ocpp201.ActionLogStatusNotification, Typed(v.LogStatusNotification))
	h.SetDefault(ocpp201.ActionMeterValues, Typed(v.MeterValues))
	h.SetDefault(ocpp201.ActionNotifyChargingLimit, Typed(v.NotifyChargingLimit))
	h.SetDefault(ocpp201.ActionNotifyCustomerInformation, Typed(v.NotifyCustomerInformation))
	h.SetDefault(ocpp201.ActionNotifyDisplayMessages, Typed(v.NotifyDisplayMessages))
	h.SetDefault(ocpp201.ActionNotifyEVChargingNeeds, Typed(v.NotifyEVChargingNeeds))
	h.SetDefault(ocpp201.ActionNotifyEVChargingSchedule, Typed(v.NotifyEVChargingSchedule))
	h.SetDefault(ocpp201.ActionNotifyEvent, Typed(v.NotifyEvent))
	h.SetDefault(ocpp201.ActionNotifyMonitoringReport, Typed(v.NotifyMonitoringReport))
	h.SetDefault(ocpp201.ActionNotifyReport, Typed(v.NotifyReport))
	h.SetDefault(ocpp201.ActionPublishFirmwareStatusNotification, Typed(v.PublishFirmwareStatusNotification))
	h.SetDefault(ocpp201.ActionReportChargingProfiles, Typed(v.ReportChargingProfiles))
	h.SetDefault(ocpp201.ActionReservationStatusUpdate, Typed(v.ReservationStatusUpdate))
	h.SetDefault(ocpp201.ActionSecurityEventNotification, Typed(v.SecurityEventNotification))
	h.SetDefault(ocpp201.ActionSignCertificate, Typed(v.SignCertificate))
	h.SetDefault(ocpp201.ActionStatusNotification, Typed(v.StatusNotification))
	h.SetDefault(ocpp201.ActionTransactionEvent, Typed(v.TransactionEvent))
}

// timestamp returns the station's time t in UTC, or now when it is zero.
func (v *Defaults201) timestamp(t ocpp201.DateTime) time.Time {
	if t.IsZero() {
		return v.d.now().UTC()
	}
	return t.UTC()
}

// notify publishes a message with no neutral meaning, as received, on
// charge_point_<id>_notifications (without its payload beyond
// broadcast.MaxNotificationPayload).
func (v *Defaults201) notify(c *Call, req ocpp.Request) {
	raw, err := json.Marshal(req)
	if err != nil {
		c.Logger.Error("encode notification", "action", c.Action, "err", err)
		return
	}
	ev := broadcast.NotificationEvent{Action: req.Action(), Payload: raw, Timestamp: v.d.now().UTC()}
	if len(raw) > broadcast.MaxNotificationPayload {
		ev.Payload, ev.Truncated = nil, true
	}
	v.d.Publish(c.ChargePoint.ID, broadcast.KindNotifications, ev)
}

// forget drops what the 2.0.1 handlers cache about a charge point.
func (v *Defaults201) forget(chargePointID uint) { v.sessions.forget(chargePointID) }

// txCache remembers the 2.0.1 sessions the handlers have seen, per charge
// point and station transaction id, so that the Updated events of a
// session whose state they do not change need no lookup and take the
// group-committed path. A miss goes through the store.
type txCache struct {
	mu sync.Mutex
	cp map[uint]map[string]txRef
}

// txRef is what the cache knows of a running 2.0.1 session.
type txRef struct {
	id            uint
	transactionID int
	evseID        int
	connectorID   int
	idTag         string
	status        string
	chargingState string
	offline       bool
	meterStartAt  *time.Time // nil: no energy reading yet
}

func (c *txCache) get(cpID uint, txID string) (txRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ref, ok := c.cp[cpID][txID]
	return ref, ok
}

// onEVSE returns the running session on an EVSE, if the cache has one.
func (c *txCache) onEVSE(cpID uint, evseID int) (txRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ref := range c.cp[cpID] {
		if ref.evseID == evseID {
			return ref, true
		}
	}
	return txRef{}, false
}

func (c *txCache) put(cpID uint, txID string, ref txRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cp == nil {
		c.cp = make(map[uint]map[string]txRef)
	}
	m, ok := c.cp[cpID]
	if !ok {
		m = make(map[string]txRef)
		c.cp[cpID] = m
	}
	m[txID] = ref
}

// removeEVSE forgets the sessions cached on an EVSE but keep: a Started
// there closed them.
func (c *txCache) removeEVSE(cpID uint, evseID int, keep string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, ref := range c.cp[cpID] {
		if ref.evseID == evseID && id != keep {
			delete(c.cp[cpID], id)
		}
	}
}

func (c *txCache) remove(cpID uint, txID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cp[cpID], txID)
}

func (c *txCache) forget(cpID uint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cp, cpID)
}

// VendorHandler201 handles the 2.0.1 DataTransfer messages of one vendorId
// (Defaults201.HandleVendor).
type VendorHandler201 interface {
	DataTransfer(ctx context.Context, c *Call, req ocpp201.DataTransferRequest) (ocpp201.DataTransferResponse, error)
}

// VendorFunc201 adapts a function to VendorHandler201.
type VendorFunc201 func(ctx context.Context, c *Call, req ocpp201.DataTransferRequest) (ocpp201.DataTransferResponse, error)

// DataTransfer calls f.
func (f VendorFunc201) DataTransfer(ctx context.Context, c *Call, req ocpp201.DataTransferRequest) (ocpp201.DataTransferResponse, error) {
	return f(ctx, c, req)
}

// HandleVendor routes the 2.0.1 DataTransfer messages whose vendorId is
// vendorID to h (Defaults.HandleVendor does it for 1.6).
func (v *Defaults201) HandleVendor(vendorID string, h VendorHandler201) {
	v.vendorMu.Lock()
	defer v.vendorMu.Unlock()
	v.vendors[vendorID] = h
}
