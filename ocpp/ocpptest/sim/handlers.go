package sim

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// readonlyKeys are configuration keys GetConfiguration reports and
// ChangeConfiguration refuses to change.
var readonlyKeys = []string{"NumberOfConnectors", "AuthorizeRemoteTxRequests", "SupportedFeatureProfiles"}

// handlers answers the Central System's commands. runCtx is the
// simulator's: sessions started by RemoteStartTransaction outlive the
// connection that asked for them.
func (cp *chargePoint) handlers(runCtx context.Context) map[string]ocpptest.HandlerFunc {
	return map[string]ocpptest.HandlerFunc{
		ocpp16.ActionRemoteStartTransaction: typed(func(ctx context.Context, req ocpp16.RemoteStartTransactionRequest) (any, error) {
			return cp.remoteStart(runCtx, req), nil
		}),
		ocpp16.ActionRemoteStopTransaction: typed(func(ctx context.Context, req ocpp16.RemoteStopTransactionRequest) (any, error) {
			return cp.remoteStop(req), nil
		}),
		ocpp16.ActionReset: typed(func(ctx context.Context, req ocpp16.ResetRequest) (any, error) {
			reason := ocpp16.ReasonSoftReset
			if req.Type == ocpp16.ResetTypeHard {
				reason = ocpp16.ReasonHardReset
			}
			return ocpptest.ReplyThen(ocpp16.ResetResponse{Status: ocpp16.ResetStatusAccepted}, func() {
				cp.requestReset(reason)
			}), nil
		}),
		ocpp16.ActionChangeAvailability: typed(func(ctx context.Context, req ocpp16.ChangeAvailabilityRequest) (any, error) {
			return cp.changeAvailability(ctx, req), nil
		}),
		ocpp16.ActionUnlockConnector: typed(func(ctx context.Context, req ocpp16.UnlockConnectorRequest) (any, error) {
			c := cp.connector(req.ConnectorId)
			if c == nil {
				return ocpp16.UnlockConnectorResponse{Status: ocpp16.UnlockStatusUnlockFailed}, nil
			}
			return ocpptest.ReplyThen(ocpp16.UnlockConnectorResponse{Status: ocpp16.UnlockStatusUnlocked}, func() {
				cp.mu.Lock()
				defer cp.mu.Unlock()
				if c.sess != nil {
					select {
					case c.sess.stop <- ocpp16.ReasonUnlockCommand:
					default:
					}
				}
			}), nil
		}),
		ocpp16.ActionGetConfiguration: typed(func(ctx context.Context, req ocpp16.GetConfigurationRequest) (any, error) {
			return cp.getConfiguration(req), nil
		}),
		ocpp16.ActionChangeConfiguration: typed(func(ctx context.Context, req ocpp16.ChangeConfigurationRequest) (any, error) {
			return cp.changeConfiguration(req), nil
		}),
		ocpp16.ActionTriggerMessage: typed(func(ctx context.Context, req ocpp16.TriggerMessageRequest) (any, error) {
			return cp.trigger(ctx, req), nil
		}),
	}
}

// typed decodes the (already validated) payload into Req.
func typed[Req any](fn func(ctx context.Context, req Req) (any, error)) ocpptest.HandlerFunc {
	return func(ctx context.Context, payload json.RawMessage) (any, error) {
		var req Req
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, ocpp.NewError(ocpp.FormationViolation, "%v", err)
		}
		return fn(ctx, req)
	}
}

// connector returns connector id (1-based), nil if there is none.
func (cp *chargePoint) connector(id int) *connector {
	if id < 1 || id > len(cp.connectors) {
		return nil
	}
	return cp.connectors[id-1]
}

func (cp *chargePoint) remoteStart(runCtx context.Context, req ocpp16.RemoteStartTransactionRequest) any {
	rejected := ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusRejected}
	var candidates []*connector
	if req.ConnectorId != nil {
		c := cp.connector(*req.ConnectorId)
		if c == nil {
			return rejected
		}
		candidates = []*connector{c}
	} else {
		candidates = cp.connectors
	}
	for _, c := range candidates {
		sess, ok := cp.reserve(c, req.IdTag, true)
		if !ok {
			continue
		}
		cp.sessions.Add(1)
		return ocpptest.ReplyThen(ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted}, func() {
			defer cp.sessions.Done()
			cp.charge(runCtx, c, sess)
		})
	}
	return rejected
}

func (cp *chargePoint) remoteStop(req ocpp16.RemoteStopTransactionRequest) any {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.connectors {
		if s := c.sess; s != nil && s.started && s.txID == req.TransactionId {
			return ocpptest.ReplyThen(ocpp16.RemoteStopTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted}, func() {
				select {
				case s.stop <- ocpp16.ReasonRemote:
				default:
				}
			})
		}
	}
	return ocpp16.RemoteStopTransactionResponse{Status: ocpp16.RemoteStartStopStatusRejected}
}

// requestReset restarts the charge point once its sessions have ended,
// stopping them first with stopReason unless it is empty.
func (cp *chargePoint) requestReset(stopReason ocpp16.Reason) {
	cp.mu.Lock()
	cp.resetting = true
	cp.mu.Unlock()
	select {
	case cp.reset <- resetRequest{stopReason: stopReason}:
	default:
	}
}

func (cp *chargePoint) changeAvailability(ctx context.Context, req ocpp16.ChangeAvailabilityRequest) any {
	ok, scheduled, apply := cp.availability(ctx, req.ConnectorId, req.Type == ocpp16.AvailabilityTypeInoperative)
	switch {
	case !ok:
		return ocpp16.ChangeAvailabilityResponse{Status: ocpp16.AvailabilityStatusRejected}
	case scheduled:
		return ocpptest.ReplyThen(ocpp16.ChangeAvailabilityResponse{Status: ocpp16.AvailabilityStatusScheduled}, apply)
	}
	return ocpptest.ReplyThen(ocpp16.ChangeAvailabilityResponse{Status: ocpp16.AvailabilityStatusAccepted}, apply)
}

// availability makes connector id (0: all of them) inoperative or
// operative. It reports whether the connector exists and whether the
// change waits for a session to end; apply, run once the reply is out,
// reports the statuses that change now.
func (cp *chargePoint) availability(ctx context.Context, id int, inoperative bool) (ok, scheduled bool, apply func()) {
	targets := cp.connectors
	if id != 0 {
		c := cp.connector(id)
		if c == nil {
			return false, false, nil
		}
		targets = []*connector{c}
	}
	want := ocpp16.ChargePointStatusAvailable
	if inoperative {
		want = ocpp16.ChargePointStatusUnavailable
	}
	var now []*connector // idle connectors whose status changes now
	cp.mu.Lock()
	for _, c := range targets {
		c.inoperative = inoperative
		switch {
		case c.sess != nil:
			scheduled = true // applied when the session ends
		case c.status != want:
			now = append(now, c)
		}
	}
	cp.mu.Unlock()
	return true, scheduled, func() {
		conn, ok := ocpptest.FromContext(ctx)
		if id == 0 && ok {
			cp.sendStatus(ctx, conn, 0, want)
		}
		for _, c := range now {
			cp.setStatus(ctx, c, want)
		}
	}
}

func (cp *chargePoint) configuration() []ocpp16.KeyValue {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	kv := []ocpp16.KeyValue{
		{Key: "NumberOfConnectors", Readonly: true, Value: strconv.Itoa(len(cp.connectors))},
		{Key: "AuthorizeRemoteTxRequests", Readonly: true, Value: "false"},
		{Key: "SupportedFeatureProfiles", Readonly: true, Value: "Core,RemoteTrigger"},
	}
	for k, v := range cp.config {
		kv = append(kv, ocpp16.KeyValue{Key: k, Value: v})
	}
	slices.SortFunc(kv, func(a, b ocpp16.KeyValue) int { return strings.Compare(a.Key, b.Key) })
	return kv
}

func (cp *chargePoint) getConfiguration(req ocpp16.GetConfigurationRequest) ocpp16.GetConfigurationResponse {
	all := cp.configuration()
	if len(req.Key) == 0 {
		return ocpp16.GetConfigurationResponse{ConfigurationKey: all}
	}
	var res ocpp16.GetConfigurationResponse
	for _, k := range req.Key {
		i := slices.IndexFunc(all, func(kv ocpp16.KeyValue) bool { return kv.Key == k })
		if i < 0 {
			res.UnknownKey = append(res.UnknownKey, k)
			continue
		}
		res.ConfigurationKey = append(res.ConfigurationKey, all[i])
	}
	return res
}

func (cp *chargePoint) changeConfiguration(req ocpp16.ChangeConfigurationRequest) ocpp16.ChangeConfigurationResponse {
	if slices.Contains(readonlyKeys, req.Key) {
		return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusRejected}
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if req.Key == "AuthorizationKey" { // write-only: used from the next connection on
		if len(req.Value) < 16 {
			return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusRejected}
		}
		cp.password = req.Value
		return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}
	}
	if _, ok := cp.config[req.Key]; !ok {
		return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusNotSupported}
	}
	switch req.Key {
	case "HeartbeatInterval", "MeterValueSampleInterval", "ConnectionTimeOut":
		if n, err := strconv.Atoi(req.Value); err != nil || n <= 0 {
			return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusRejected}
		}
	}
	cp.config[req.Key] = req.Value
	return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}
}

// trigger accepts a TriggerMessage and sends the message asked for once the
// reply is out.
func (cp *chargePoint) trigger(ctx context.Context, req ocpp16.TriggerMessageRequest) any {
	conn, ok := ocpptest.FromContext(ctx)
	if !ok {
		return ocpp16.TriggerMessageResponse{Status: ocpp16.TriggerMessageStatusRejected}
	}
	var targets []*connector // nil: all connectors (and connector 0)
	if req.ConnectorId != nil && *req.ConnectorId != 0 {
		c := cp.connector(*req.ConnectorId)
		if c == nil {
			return ocpp16.TriggerMessageResponse{Status: ocpp16.TriggerMessageStatusRejected}
		}
		targets = []*connector{c}
	}
	var send func()
	switch req.RequestedMessage {
	case ocpp16.MessageTriggerBootNotification:
		send = func() {
			_, err := conn.BootNotification(ctx, ocpp16.BootNotificationRequest{
				ChargePointVendor: cp.s.cfg.Vendor, ChargePointModel: cp.s.cfg.Model,
				ChargePointSerialNumber: cp.id, FirmwareVersion: "1.0.0", MeterType: "SimMeter",
			})
			cp.track(ocpp16.ActionBootNotification, err)
		}
	case ocpp16.MessageTriggerHeartbeat:
		send = func() {
			_, err := conn.Heartbeat(ctx)
			cp.track(ocpp16.ActionHeartbeat, err)
		}
	case ocpp16.MessageTriggerStatusNotification:
		send = func() {
			if targets == nil {
				cp.statusAll(ctx, conn, req.ConnectorId == nil || *req.ConnectorId == 0)
				return
			}
			cp.mu.Lock()
			st := targets[0].status
			cp.mu.Unlock()
			_, err := conn.StatusNotification(ctx, targets[0].id, st, ocpp16.ChargePointErrorCodeNoError)
			cp.track(ocpp16.ActionStatusNotification, err)
		}
	case ocpp16.MessageTriggerMeterValues:
		if targets == nil {
			targets = cp.connectors
		}
		send = func() {
			for _, c := range targets {
				req := cp.triggeredMeterValues(c)
				_, err := conn.MeterValues(ctx, req)
				cp.track(ocpp16.ActionMeterValues, err)
			}
		}
	case ocpp16.MessageTriggerDiagnosticsStatusNotification:
		send = func() {
			_, err := conn.DiagnosticsStatusNotification(ctx, ocpp16.DiagnosticsStatusIdle)
			cp.track(ocpp16.ActionDiagnosticsStatusNotification, err)
		}
	case ocpp16.MessageTriggerFirmwareStatusNotification:
		send = func() {
			_, err := conn.FirmwareStatusNotification(ctx, ocpp16.FirmwareStatusIdle)
			cp.track(ocpp16.ActionFirmwareStatusNotification, err)
		}
	default:
		return ocpp16.TriggerMessageResponse{Status: ocpp16.TriggerMessageStatusNotImplemented}
	}
	return ocpptest.ReplyThen(ocpp16.TriggerMessageResponse{Status: ocpp16.TriggerMessageStatusAccepted}, send)
}

// triggeredMeterValues is connector c's meter now, with its transaction.
func (cp *chargePoint) triggeredMeterValues(c *connector) ocpp16.MeterValuesRequest {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	r := ocpptest.Reading{EnergyWh: c.energyWh, Voltages: []float64{230, 230, 230}}
	req := ocpp16.MeterValuesRequest{ConnectorId: c.id}
	if s := c.sess; s != nil && s.started {
		r = s.last
		r.EnergyWh = c.energyWh
		tx := s.txID
		req.TransactionId = &tx
	}
	r.Context = ocpp16.ReadingContextTrigger
	r.Time = time.Now()
	req.MeterValue = []ocpp16.MeterValue{r.MeterValue()}
	return req
}
