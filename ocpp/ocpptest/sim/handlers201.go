package sim

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// handlers201 answers a 2.0.1 CSMS's commands; the others get package
// ocpptest's obliging 2.0.1 replies. runCtx is the simulator's: sessions
// started by RequestStartTransaction outlive the connection that asked.
func (cp *chargePoint) handlers201(runCtx context.Context) map[string]ocpptest.HandlerFunc {
	return map[string]ocpptest.HandlerFunc{
		ocpp201.ActionRequestStartTransaction: typed(func(ctx context.Context, req ocpp201.RequestStartTransactionRequest) (any, error) {
			return cp.requestStart(runCtx, req), nil
		}),
		ocpp201.ActionRequestStopTransaction: typed(func(ctx context.Context, req ocpp201.RequestStopTransactionRequest) (any, error) {
			return cp.requestStop(req), nil
		}),
		ocpp201.ActionReset: typed(func(ctx context.Context, req ocpp201.ResetRequest) (any, error) {
			return cp.reset201(req), nil
		}),
		ocpp201.ActionChangeAvailability: typed(func(ctx context.Context, req ocpp201.ChangeAvailabilityRequest) (any, error) {
			return cp.changeAvailability201(ctx, req), nil
		}),
		ocpp201.ActionUnlockConnector: typed(func(ctx context.Context, req ocpp201.UnlockConnectorRequest) (any, error) {
			return cp.unlock201(req), nil
		}),
		ocpp201.ActionGetVariables: typed(func(ctx context.Context, req ocpp201.GetVariablesRequest) (any, error) {
			return cp.getVariables(req), nil
		}),
		ocpp201.ActionSetVariables: typed(func(ctx context.Context, req ocpp201.SetVariablesRequest) (any, error) {
			return cp.setVariables(req), nil
		}),
		ocpp201.ActionGetBaseReport: typed(func(ctx context.Context, req ocpp201.GetBaseReportRequest) (any, error) {
			return cp.getBaseReport(ctx, req), nil
		}),
		ocpp201.ActionGetReport: typed(func(ctx context.Context, req ocpp201.GetReportRequest) (any, error) {
			return cp.getReport(ctx, req), nil
		}),
		ocpp201.ActionTriggerMessage: typed(func(ctx context.Context, req ocpp201.TriggerMessageRequest) (any, error) {
			return cp.trigger201(ctx, req), nil
		}),
		ocpp201.ActionSetChargingProfile: typed(func(ctx context.Context, req ocpp201.SetChargingProfileRequest) (any, error) {
			return cp.setChargingProfile(req), nil
		}),
		ocpp201.ActionClearChargingProfile: typed(func(ctx context.Context, req ocpp201.ClearChargingProfileRequest) (any, error) {
			cp.mu.Lock()
			defer cp.mu.Unlock()
			cp.limitW = 0
			for _, c := range cp.connectors {
				c.limitW = 0
			}
			return ocpp201.ClearChargingProfileResponse{Status: ocpp201.ClearChargingProfileStatusAccepted}, nil
		}),
	}
}

func (cp *chargePoint) requestStart(runCtx context.Context, req ocpp201.RequestStartTransactionRequest) any {
	rejected := ocpp201.RequestStartTransactionResponse{Status: ocpp201.RequestStartStopStatusRejected}
	candidates := cp.connectors
	if req.EvseId != nil {
		c := cp.connector(*req.EvseId)
		if c == nil {
			return rejected
		}
		candidates = []*connector{c}
	}
	for _, c := range candidates {
		sess, ok := cp.reserve(c, req.IdToken.IdToken, true)
		if !ok {
			continue
		}
		remoteStartID := req.RemoteStartId
		cp.mu.Lock()
		sess.token, sess.remoteStartID = req.IdToken, &remoteStartID
		cp.mu.Unlock()
		cp.sessions.Add(1)
		return ocpptest.ReplyThen(ocpp201.RequestStartTransactionResponse{Status: ocpp201.RequestStartStopStatusAccepted}, func() {
			defer cp.sessions.Done()
			cp.charge(runCtx, c, sess)
		})
	}
	return rejected
}

func (cp *chargePoint) requestStop(req ocpp201.RequestStopTransactionRequest) any {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.connectors {
		if s := c.sess; s != nil && s.started && s.txID201 == req.TransactionId {
			return ocpptest.ReplyThen(ocpp201.RequestStopTransactionResponse{Status: ocpp201.RequestStartStopStatusAccepted}, func() {
				select {
				case s.stop <- ocpp16.ReasonRemote:
				default:
				}
			})
		}
	}
	return ocpp201.RequestStopTransactionResponse{Status: ocpp201.RequestStartStopStatusRejected}
}

// reset201: Immediate stops the transactions and restarts; OnIdle
// restarts once they have ended (Scheduled while any runs). Resetting a
// single EVSE is not supported (Rejected).
func (cp *chargePoint) reset201(req ocpp201.ResetRequest) any {
	if req.EvseId != nil && *req.EvseId != 0 {
		return ocpp201.ResetResponse{Status: ocpp201.ResetStatusRejected}
	}
	if req.Type == ocpp201.ResetImmediate {
		return ocpptest.ReplyThen(ocpp201.ResetResponse{Status: ocpp201.ResetStatusAccepted}, func() {
			cp.requestReset(ocpp16.ReasonHardReset)
		})
	}
	status := ocpp201.ResetStatusAccepted
	cp.mu.Lock()
	for _, c := range cp.connectors {
		if c.sess != nil {
			status = ocpp201.ResetStatusScheduled
		}
	}
	cp.mu.Unlock()
	return ocpptest.ReplyThen(ocpp201.ResetResponse{Status: status}, func() { cp.requestReset("") })
}

func (cp *chargePoint) changeAvailability201(ctx context.Context, req ocpp201.ChangeAvailabilityRequest) any {
	id := 0
	if req.Evse != nil {
		id = req.Evse.Id
		if id != 0 && req.Evse.ConnectorId != nil && *req.Evse.ConnectorId != 1 {
			return ocpp201.ChangeAvailabilityResponse{Status: ocpp201.ChangeAvailabilityStatusRejected}
		}
	}
	ok, scheduled, apply := cp.availability(ctx, id, req.OperationalStatus == ocpp201.OperationalStatusInoperative)
	switch {
	case !ok:
		return ocpp201.ChangeAvailabilityResponse{Status: ocpp201.ChangeAvailabilityStatusRejected}
	case scheduled:
		return ocpptest.ReplyThen(ocpp201.ChangeAvailabilityResponse{Status: ocpp201.ChangeAvailabilityStatusScheduled}, apply)
	}
	return ocpptest.ReplyThen(ocpp201.ChangeAvailabilityResponse{Status: ocpp201.ChangeAvailabilityStatusAccepted}, apply)
}

// unlock201: a connector with a transaction stays locked
// (OngoingAuthorizedTransaction), as 2.0.1 asks.
func (cp *chargePoint) unlock201(req ocpp201.UnlockConnectorRequest) any {
	c := cp.connector(req.EvseId)
	if c == nil || req.ConnectorId != 1 {
		return ocpp201.UnlockConnectorResponse{Status: ocpp201.UnlockStatusUnknownConnector}
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if c.sess != nil {
		return ocpp201.UnlockConnectorResponse{Status: ocpp201.UnlockStatusOngoingAuthorizedTransaction}
	}
	return ocpp201.UnlockConnectorResponse{Status: ocpp201.UnlockStatusUnlocked}
}

// setChargingProfile caps the power of an EVSE (0: the station) with the
// first period's limit of a profile in W, or in A (at 3 × 230 V).
func (cp *chargePoint) setChargingProfile(req ocpp201.SetChargingProfileRequest) any {
	rejected := ocpp201.SetChargingProfileResponse{Status: ocpp201.ChargingProfileStatusRejected}
	var c *connector
	if req.EvseId != 0 {
		if c = cp.connector(req.EvseId); c == nil {
			return rejected
		}
	}
	sched := req.ChargingProfile.ChargingSchedule[0]
	limit := sched.ChargingSchedulePeriod[0].Limit
	if sched.ChargingRateUnit == ocpp201.ChargingRateUnitA {
		limit *= 3 * ocpptest.NominalVoltage
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if c == nil {
		cp.limitW = limit
	} else {
		c.limitW = limit
	}
	return ocpp201.SetChargingProfileResponse{Status: ocpp201.ChargingProfileStatusAccepted}
}

// trigger201 accepts a TriggerMessage and sends the message asked for once
// the reply is out.
func (cp *chargePoint) trigger201(ctx context.Context, req ocpp201.TriggerMessageRequest) any {
	conn, ok := ocpptest.FromContext(ctx)
	if !ok {
		return ocpp201.TriggerMessageResponse{Status: ocpp201.TriggerMessageStatusRejected}
	}
	targets := cp.connectors
	if req.Evse != nil && req.Evse.Id != 0 {
		c := cp.connector(req.Evse.Id)
		if c == nil || (req.Evse.ConnectorId != nil && *req.Evse.ConnectorId != 1) {
			return ocpp201.TriggerMessageResponse{Status: ocpp201.TriggerMessageStatusRejected}
		}
		targets = []*connector{c}
	}
	var send func()
	switch req.RequestedMessage {
	case ocpp201.MessageTriggerBootNotification:
		send = func() {
			cp.mu.Lock()
			cp.bootReason = ocpp201.BootReasonTriggered
			cp.mu.Unlock()
			_, _, _ = cp.sendBoot(ctx, conn)
		}
	case ocpp201.MessageTriggerHeartbeat:
		send = func() { cp.heartbeat(ctx, conn) }
	case ocpp201.MessageTriggerStatusNotification:
		send = func() {
			for _, c := range targets {
				cp.mu.Lock()
				st := c.status
				cp.mu.Unlock()
				cp.sendStatus(ctx, conn, c.id, st)
			}
		}
	case ocpp201.MessageTriggerMeterValues:
		send = func() {
			for _, c := range targets {
				r, _ := cp.reading(c)
				r.Context = ocpp16.ReadingContextTrigger
				_, err := conn.V201().MeterValues(ctx, c.id, r.MeterValue201())
				cp.track(ocpp201.ActionMeterValues, err)
			}
		}
	case ocpp201.MessageTriggerTransactionEvent:
		send = func() {
			for _, c := range targets {
				r, sess := cp.reading(c)
				if sess == nil {
					continue
				}
				r.Context = ocpp16.ReadingContextTrigger
				cp.track(ocpp201.ActionTransactionEvent, cp.sendUpdated(ctx, conn, sess, ocpp201.TriggerReasonTrigger, r))
			}
		}
	case ocpp201.MessageTriggerFirmwareStatusNotification:
		send = func() {
			_, err := ocpptest.Call[ocpp201.FirmwareStatusNotificationResponse](ctx, conn, ocpp201.FirmwareStatusNotificationRequest{Status: ocpp201.FirmwareStatusIdle})
			cp.track(ocpp201.ActionFirmwareStatusNotification, err)
		}
	case ocpp201.MessageTriggerLogStatusNotification:
		send = func() {
			_, err := ocpptest.Call[ocpp201.LogStatusNotificationResponse](ctx, conn, ocpp201.LogStatusNotificationRequest{Status: ocpp201.UploadLogStatusIdle})
			cp.track(ocpp201.ActionLogStatusNotification, err)
		}
	default:
		return ocpp201.TriggerMessageResponse{Status: ocpp201.TriggerMessageStatusNotImplemented}
	}
	return ocpptest.ReplyThen(ocpp201.TriggerMessageResponse{Status: ocpp201.TriggerMessageStatusAccepted}, send)
}

// reading is connector c's meter now, and its running session (nil when
// none has started).
func (cp *chargePoint) reading(c *connector) (ocpptest.Reading, *session) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	r := ocpptest.Reading{EnergyWh: c.energyWh, Voltages: []float64{230, 230, 230}}
	var sess *session
	if s := c.sess; s != nil && s.started {
		r, sess = s.last, s
		r.EnergyWh = c.energyWh
	}
	r.Time = time.Now()
	return r, sess
}
