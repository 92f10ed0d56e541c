package sim

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/v16"
)

// readonlyKeys are configuration keys GetConfiguration reports and
// ChangeConfiguration refuses to change.
var readonlyKeys = []string{"NumberOfConnectors", "AuthorizeRemoteTxRequests", "SupportedFeatureProfiles"}

// handlers answers the Central System's commands. runCtx is the
// simulator's: sessions started by RemoteStartTransaction outlive the
// connection that asked for them.
func (cp *chargePoint) handlers(runCtx context.Context) map[string]ocpptest.HandlerFunc {
	return map[string]ocpptest.HandlerFunc{
		v16.ActionRemoteStartTransaction: typed(func(ctx context.Context, req v16.RemoteStartTransactionRequest) (any, error) {
			return cp.remoteStart(runCtx, req), nil
		}),
		v16.ActionRemoteStopTransaction: typed(func(ctx context.Context, req v16.RemoteStopTransactionRequest) (any, error) {
			return cp.remoteStop(req), nil
		}),
		v16.ActionReset: typed(func(ctx context.Context, req v16.ResetRequest) (any, error) {
			return ocpptest.ReplyThen(v16.ResetResponse{Status: v16.ResetStatusAccepted}, func() {
				select {
				case cp.reset <- req.Type:
				default:
				}
			}), nil
		}),
		v16.ActionChangeAvailability: typed(func(ctx context.Context, req v16.ChangeAvailabilityRequest) (any, error) {
			return cp.changeAvailability(ctx, req), nil
		}),
		v16.ActionUnlockConnector: typed(func(ctx context.Context, req v16.UnlockConnectorRequest) (any, error) {
			c := cp.connector(req.ConnectorId)
			if c == nil {
				return v16.UnlockConnectorResponse{Status: v16.UnlockStatusUnlockFailed}, nil
			}
			return ocpptest.ReplyThen(v16.UnlockConnectorResponse{Status: v16.UnlockStatusUnlocked}, func() {
				cp.mu.Lock()
				defer cp.mu.Unlock()
				if c.sess != nil {
					select {
					case c.sess.stop <- v16.ReasonUnlockCommand:
					default:
					}
				}
			}), nil
		}),
		v16.ActionGetConfiguration: typed(func(ctx context.Context, req v16.GetConfigurationRequest) (any, error) {
			return cp.getConfiguration(req), nil
		}),
		v16.ActionChangeConfiguration: typed(func(ctx context.Context, req v16.ChangeConfigurationRequest) (any, error) {
			return cp.changeConfiguration(req), nil
		}),
		v16.ActionTriggerMessage: typed(func(ctx context.Context, req v16.TriggerMessageRequest) (any, error) {
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

func (cp *chargePoint) remoteStart(runCtx context.Context, req v16.RemoteStartTransactionRequest) any {
	rejected := v16.RemoteStartTransactionResponse{Status: v16.RemoteStartStopStatusRejected}
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
		return ocpptest.ReplyThen(v16.RemoteStartTransactionResponse{Status: v16.RemoteStartStopStatusAccepted}, func() {
			defer cp.sessions.Done()
			cp.charge(runCtx, c, sess)
		})
	}
	return rejected
}

func (cp *chargePoint) remoteStop(req v16.RemoteStopTransactionRequest) any {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.connectors {
		if s := c.sess; s != nil && s.os != nil && s.txID == req.TransactionId {
			return ocpptest.ReplyThen(v16.RemoteStopTransactionResponse{Status: v16.RemoteStartStopStatusAccepted}, func() {
				select {
				case s.stop <- v16.ReasonRemote:
				default:
				}
			})
		}
	}
	return v16.RemoteStopTransactionResponse{Status: v16.RemoteStartStopStatusRejected}
}

func (cp *chargePoint) changeAvailability(ctx context.Context, req v16.ChangeAvailabilityRequest) any {
	targets := cp.connectors
	if req.ConnectorId != 0 {
		c := cp.connector(req.ConnectorId)
		if c == nil {
			return v16.ChangeAvailabilityResponse{Status: v16.AvailabilityStatusRejected}
		}
		targets = []*connector{c}
	}
	inoperative := req.Type == v16.AvailabilityTypeInoperative
	want := v16.ChargePointStatusAvailable
	if inoperative {
		want = v16.ChargePointStatusUnavailable
	}
	status := v16.AvailabilityStatusAccepted
	var now []*connector // idle connectors whose status changes now
	cp.mu.Lock()
	for _, c := range targets {
		c.inoperative = inoperative
		switch {
		case c.sess != nil:
			status = v16.AvailabilityStatusScheduled // applied when the session ends
		case c.status != want:
			now = append(now, c)
		}
	}
	cp.mu.Unlock()
	return ocpptest.ReplyThen(v16.ChangeAvailabilityResponse{Status: status}, func() {
		conn, ok := ocpptest.FromContext(ctx)
		if req.ConnectorId == 0 && ok {
			_, err := conn.StatusNotification(ctx, 0, want, v16.ChargePointErrorCodeNoError)
			cp.track(v16.ActionStatusNotification, err)
		}
		for _, c := range now {
			cp.setStatus(ctx, c, want)
		}
	})
}

func (cp *chargePoint) configuration() []v16.KeyValue {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	kv := []v16.KeyValue{
		{Key: "NumberOfConnectors", Readonly: true, Value: strconv.Itoa(len(cp.connectors))},
		{Key: "AuthorizeRemoteTxRequests", Readonly: true, Value: "false"},
		{Key: "SupportedFeatureProfiles", Readonly: true, Value: "Core,RemoteTrigger"},
	}
	for k, v := range cp.config {
		kv = append(kv, v16.KeyValue{Key: k, Value: v})
	}
	slices.SortFunc(kv, func(a, b v16.KeyValue) int { return strings.Compare(a.Key, b.Key) })
	return kv
}

func (cp *chargePoint) getConfiguration(req v16.GetConfigurationRequest) v16.GetConfigurationResponse {
	all := cp.configuration()
	if len(req.Key) == 0 {
		return v16.GetConfigurationResponse{ConfigurationKey: all}
	}
	var res v16.GetConfigurationResponse
	for _, k := range req.Key {
		i := slices.IndexFunc(all, func(kv v16.KeyValue) bool { return kv.Key == k })
		if i < 0 {
			res.UnknownKey = append(res.UnknownKey, k)
			continue
		}
		res.ConfigurationKey = append(res.ConfigurationKey, all[i])
	}
	return res
}

func (cp *chargePoint) changeConfiguration(req v16.ChangeConfigurationRequest) v16.ChangeConfigurationResponse {
	if slices.Contains(readonlyKeys, req.Key) {
		return v16.ChangeConfigurationResponse{Status: v16.ConfigurationStatusRejected}
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if _, ok := cp.config[req.Key]; !ok {
		return v16.ChangeConfigurationResponse{Status: v16.ConfigurationStatusNotSupported}
	}
	switch req.Key {
	case "HeartbeatInterval", "MeterValueSampleInterval", "ConnectionTimeOut":
		if n, err := strconv.Atoi(req.Value); err != nil || n <= 0 {
			return v16.ChangeConfigurationResponse{Status: v16.ConfigurationStatusRejected}
		}
	}
	cp.config[req.Key] = req.Value
	return v16.ChangeConfigurationResponse{Status: v16.ConfigurationStatusAccepted}
}

// trigger accepts a TriggerMessage and sends the message asked for once the
// reply is out.
func (cp *chargePoint) trigger(ctx context.Context, req v16.TriggerMessageRequest) any {
	conn, ok := ocpptest.FromContext(ctx)
	if !ok {
		return v16.TriggerMessageResponse{Status: v16.TriggerMessageStatusRejected}
	}
	var targets []*connector // nil: all connectors (and connector 0)
	if req.ConnectorId != nil && *req.ConnectorId != 0 {
		c := cp.connector(*req.ConnectorId)
		if c == nil {
			return v16.TriggerMessageResponse{Status: v16.TriggerMessageStatusRejected}
		}
		targets = []*connector{c}
	}
	var send func()
	switch req.RequestedMessage {
	case v16.MessageTriggerBootNotification:
		send = func() {
			_, err := conn.BootNotification(ctx, v16.BootNotificationRequest{
				ChargePointVendor: cp.s.cfg.Vendor, ChargePointModel: cp.s.cfg.Model,
				ChargePointSerialNumber: cp.id, FirmwareVersion: "1.0.0", MeterType: "SimMeter",
			})
			cp.track(v16.ActionBootNotification, err)
		}
	case v16.MessageTriggerHeartbeat:
		send = func() {
			_, err := conn.Heartbeat(ctx)
			cp.track(v16.ActionHeartbeat, err)
		}
	case v16.MessageTriggerStatusNotification:
		send = func() {
			if targets == nil {
				cp.statusAll(ctx, conn, req.ConnectorId == nil || *req.ConnectorId == 0)
				return
			}
			cp.mu.Lock()
			st := targets[0].status
			cp.mu.Unlock()
			_, err := conn.StatusNotification(ctx, targets[0].id, st, v16.ChargePointErrorCodeNoError)
			cp.track(v16.ActionStatusNotification, err)
		}
	case v16.MessageTriggerMeterValues:
		if targets == nil {
			targets = cp.connectors
		}
		send = func() {
			for _, c := range targets {
				req := cp.triggeredMeterValues(c)
				_, err := conn.MeterValues(ctx, req)
				cp.track(v16.ActionMeterValues, err)
			}
		}
	case v16.MessageTriggerDiagnosticsStatusNotification:
		send = func() {
			_, err := conn.DiagnosticsStatusNotification(ctx, v16.DiagnosticsStatusIdle)
			cp.track(v16.ActionDiagnosticsStatusNotification, err)
		}
	case v16.MessageTriggerFirmwareStatusNotification:
		send = func() {
			_, err := conn.FirmwareStatusNotification(ctx, v16.FirmwareStatusIdle)
			cp.track(v16.ActionFirmwareStatusNotification, err)
		}
	default:
		return v16.TriggerMessageResponse{Status: v16.TriggerMessageStatusNotImplemented}
	}
	return ocpptest.ReplyThen(v16.TriggerMessageResponse{Status: v16.TriggerMessageStatusAccepted}, send)
}

// triggeredMeterValues is connector c's meter now, with its transaction.
func (cp *chargePoint) triggeredMeterValues(c *connector) v16.MeterValuesRequest {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	r := ocpptest.Reading{EnergyWh: c.energyWh, Voltages: []float64{230, 230, 230}}
	req := v16.MeterValuesRequest{ConnectorId: c.id}
	if s := c.sess; s != nil && s.os != nil {
		r = s.last
		r.EnergyWh = c.energyWh
		tx := s.txID
		req.TransactionId = &tx
	}
	r.Context = v16.ReadingContextTrigger
	r.Time = time.Now()
	req.MeterValue = []v16.MeterValue{r.MeterValue()}
	return req
}
