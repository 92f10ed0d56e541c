package ocpptest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Subprotocols201 offers OCPP 2.0.1 only, for [Options.Subprotocols]: the
// charge point then speaks 2.0.1 (see [ChargePoint.V201]).
var Subprotocols201 = []string{ocpp.OCPP201}

// V201 is the OCPP 2.0.1 side of a charge point that negotiated ocpp2.0.1:
// typed calls of a charging station, and scripted transactions. Get it
// with [ChargePoint.V201]; [Call] with any ocpp201 request works too.
// Calls from the CSMS are answered by the charge point as for 1.6, with
// the 2.0.1 defaults of [DefaultReplyFor] and the charge point's device
// model ([ChargePoint.SetVariable]).
type V201 struct{ cp *ChargePoint }

// V201 returns the charge point's 2.0.1 calls. It does not check the
// negotiated version: calls of the wrong version get the Central System's
// CALLERROR (NotImplemented).
func (cp *ChargePoint) V201() V201 { return V201{cp: cp} }

// BootNotification sends a BootNotification.
func (s V201) BootNotification(ctx context.Context, req ocpp201.BootNotificationRequest) (ocpp201.BootNotificationResponse, error) {
	return Call[ocpp201.BootNotificationResponse](ctx, s.cp, req)
}

// Heartbeat sends a Heartbeat.
func (s V201) Heartbeat(ctx context.Context) (ocpp201.HeartbeatResponse, error) {
	return Call[ocpp201.HeartbeatResponse](ctx, s.cp, ocpp201.HeartbeatRequest{})
}

// StatusNotification reports the status of a connector of an EVSE,
// timestamped now.
func (s V201) StatusNotification(ctx context.Context, evseID, connectorID int, status ocpp201.ConnectorStatus) (ocpp201.StatusNotificationResponse, error) {
	return Call[ocpp201.StatusNotificationResponse](ctx, s.cp, ocpp201.StatusNotificationRequest{
		Timestamp: ocpp201.Now(), ConnectorStatus: status, EvseId: evseID, ConnectorId: connectorID,
	})
}

// Authorize asks the CSMS whether token may charge.
func (s V201) Authorize(ctx context.Context, token ocpp201.IdToken) (ocpp201.AuthorizeResponse, error) {
	return Call[ocpp201.AuthorizeResponse](ctx, s.cp, ocpp201.AuthorizeRequest{IdToken: token})
}

// MeterValues sends meter values of an EVSE (0: the station's main meter)
// outside a transaction.
func (s V201) MeterValues(ctx context.Context, evseID int, values ...ocpp201.MeterValue) (ocpp201.MeterValuesResponse, error) {
	return Call[ocpp201.MeterValuesResponse](ctx, s.cp, ocpp201.MeterValuesRequest{EvseId: evseID, MeterValue: values})
}

// TransactionEvent sends a TransactionEvent with every field under the
// caller's control.
func (s V201) TransactionEvent(ctx context.Context, req ocpp201.TransactionEventRequest) (ocpp201.TransactionEventResponse, error) {
	return Call[ocpp201.TransactionEventResponse](ctx, s.cp, req)
}

// MeterValue201 returns the reading as one OCPP 2.0.1 meterValue element:
// the same samples as [Reading.MeterValue] (energy in Wh, power, per-phase
// current and voltage, SoC), with numbers for values.
func (r Reading) MeterValue201() ocpp201.MeterValue {
	mv := r.MeterValue()
	out := ocpp201.MeterValue{Timestamp: ocpp201.NewDateTime(mv.Timestamp.Time)}
	for _, sv := range mv.SampledValue {
		var v float64
		_, _ = fmt.Sscan(sv.Value, &v)
		out.SampledValue = append(out.SampledValue, ocpp201.SampledValue{
			Value:         v,
			Context:       ocpp201.ReadingContext(sv.Context),
			Measurand:     ocpp201.Measurand(sv.Measurand),
			Phase:         ocpp201.Phase(sv.Phase),
			Location:      ocpp201.Location(sv.Location),
			UnitOfMeasure: &ocpp201.UnitOfMeasure{Unit: string(sv.Unit)},
		})
	}
	return out
}

// TransactionOptions start a scripted 2.0.1 transaction
// ([V201.StartTransaction]).
type TransactionOptions struct {
	// EVSEID and ConnectorID are where the vehicle is plugged in. By
	// default EVSE 1, connector 1.
	EVSEID, ConnectorID int
	// IDToken authorizes the transaction; a zero IDToken (no value) sends
	// none.
	IDToken ocpp201.IdToken
	// TransactionID is the station's id for the transaction. By default a
	// random one.
	TransactionID string
	// MeterStartWh is the energy register at the start (Wh), sent with
	// the Started event (context Transaction.Begin).
	MeterStartWh float64
	// RemoteStartID links the transaction to a RequestStartTransaction.
	RemoteStartID *int
	// ReservationID consumes a reservation.
	ReservationID *int
	// Time of the Started event. By default now.
	Time time.Time
}

// Transaction is a 2.0.1 transaction scripted on one EVSE: started by
// [V201.StartTransaction], metered with [Transaction.Update], ended with
// [Transaction.End]. Each event takes the next seqNo. Its methods are safe
// for concurrent use.
type Transaction struct {
	ID                  string
	EVSEID, ConnectorID int
	IDToken             ocpp201.IdToken
	// IDTokenInfo is the Started event's answer, when it carried a token.
	IDTokenInfo *ocpp201.IdTokenInfo

	mu         sync.Mutex
	cp         *ChargePoint
	seq        int
	lastEnergy float64
	ended      bool
}

// StartTransaction sends TransactionEvent(Started) with the token, the
// EVSE and a Transaction.Begin energy reading, charging state Charging,
// and returns the transaction, whatever the token's status (check
// t.IDTokenInfo).
func (s V201) StartTransaction(ctx context.Context, opts TransactionOptions) (*Transaction, error) {
	t := &Transaction{
		ID:          opts.TransactionID,
		EVSEID:      cmp.Or(opts.EVSEID, 1),
		ConnectorID: cmp.Or(opts.ConnectorID, 1),
		IDToken:     opts.IDToken,
		cp:          s.cp,
		lastEnergy:  opts.MeterStartWh,
	}
	if t.ID == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		t.ID = "tx-" + hex.EncodeToString(b[:])
	}
	at := opts.Time
	if at.IsZero() {
		at = time.Now()
	}
	trigger := ocpp201.TriggerReasonCablePluggedIn
	var tok *ocpp201.IdToken
	if opts.IDToken.IdToken != "" || opts.IDToken.Type == ocpp201.IdTokenTypeNoAuthorization {
		trigger, tok = ocpp201.TriggerReasonAuthorized, &t.IDToken
	}
	if opts.RemoteStartID != nil {
		trigger = ocpp201.TriggerReasonRemoteStart
	}
	connector := t.ConnectorID
	res, err := s.TransactionEvent(ctx, ocpp201.TransactionEventRequest{
		EventType:     ocpp201.TransactionEventStarted,
		Timestamp:     ocpp201.NewDateTime(at),
		TriggerReason: trigger,
		SeqNo:         0,
		TransactionInfo: ocpp201.Transaction{
			TransactionId: t.ID, ChargingState: ocpp201.ChargingStateCharging, RemoteStartId: opts.RemoteStartID,
		},
		Evse:          &ocpp201.EVSE{Id: t.EVSEID, ConnectorId: &connector},
		IdToken:       tok,
		ReservationId: opts.ReservationID,
		MeterValue:    []ocpp201.MeterValue{energyValue(at, opts.MeterStartWh, ocpp201.ReadingContextTransactionBegin)},
	})
	if err != nil {
		return nil, err
	}
	t.IDTokenInfo = res.IdTokenInfo
	return t, nil
}

func energyValue(at time.Time, wh float64, context ocpp201.ReadingContext) ocpp201.MeterValue {
	return ocpp201.MeterValue{Timestamp: ocpp201.NewDateTime(at), SampledValue: []ocpp201.SampledValue{{
		Value: math.Round(wh*1000) / 1000, Context: context, Measurand: ocpp201.MeasurandEnergyActiveImportRegister,
		Location: ocpp201.LocationOutlet, UnitOfMeasure: &ocpp201.UnitOfMeasure{Unit: "Wh"},
	}}}
}

// next returns the next seqNo, or an error once the transaction ended.
func (t *Transaction) next() (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return 0, fmt.Errorf("ocpptest: transaction %s has ended", t.ID)
	}
	t.seq++
	return t.seq, nil
}

// Update sends TransactionEvent(Updated), trigger MeterValuePeriodic,
// charging state Charging, with r as its meter value (r.Time: by default
// now). The energy register must not decrease.
func (t *Transaction) Update(ctx context.Context, r Reading) (ocpp201.TransactionEventResponse, error) {
	t.mu.Lock()
	if r.EnergyWh < t.lastEnergy {
		t.mu.Unlock()
		return ocpp201.TransactionEventResponse{}, fmt.Errorf("ocpptest: energy register went back from %v to %v Wh", t.lastEnergy, r.EnergyWh)
	}
	t.lastEnergy = r.EnergyWh
	t.mu.Unlock()
	seq, err := t.next()
	if err != nil {
		return ocpp201.TransactionEventResponse{}, err
	}
	at := r.Time
	if at.IsZero() {
		at = time.Now()
		r.Time = at
	}
	return t.cp.V201().TransactionEvent(ctx, ocpp201.TransactionEventRequest{
		EventType:       ocpp201.TransactionEventUpdated,
		Timestamp:       ocpp201.NewDateTime(at),
		TriggerReason:   ocpp201.TriggerReasonMeterValuePeriodic,
		SeqNo:           seq,
		TransactionInfo: ocpp201.Transaction{TransactionId: t.ID, ChargingState: ocpp201.ChargingStateCharging},
		MeterValue:      []ocpp201.MeterValue{r.MeterValue201()},
	})
}

// End sends TransactionEvent(Ended) with the final energy register (Wh,
// context Transaction.End) and the stop reason (empty: Local, which 2.0.1
// lets a station omit), at now.
func (t *Transaction) End(ctx context.Context, energyWh float64, reason ocpp201.Reason) (ocpp201.TransactionEventResponse, error) {
	seq, err := t.next()
	if err != nil {
		return ocpp201.TransactionEventResponse{}, err
	}
	t.mu.Lock()
	t.ended = true
	t.mu.Unlock()
	at := time.Now()
	trigger := ocpp201.TriggerReasonStopAuthorized
	switch reason {
	case ocpp201.ReasonEVDisconnected:
		trigger = ocpp201.TriggerReasonEVCommunicationLost
	case ocpp201.ReasonRemote:
		trigger = ocpp201.TriggerReasonRemoteStop
	}
	return t.cp.V201().TransactionEvent(ctx, ocpp201.TransactionEventRequest{
		EventType:       ocpp201.TransactionEventEnded,
		Timestamp:       ocpp201.NewDateTime(at),
		TriggerReason:   trigger,
		SeqNo:           seq,
		TransactionInfo: ocpp201.Transaction{TransactionId: t.ID, ChargingState: ocpp201.ChargingStateEVConnected, StoppedReason: reason},
		MeterValue:      []ocpp201.MeterValue{energyValue(at, energyWh, ocpp201.ReadingContextTransactionEnd)},
	})
}
