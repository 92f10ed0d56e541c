package ocpptest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// NominalVoltage is the per-phase voltage a [Reading] assumes by default.
const NominalVoltage = 230.0

// Reading is one sample of a connector's meter, as [Session.Meter] and
// [Reading.MeterValue] send it.
type Reading struct {
	// EnergyWh is the meter's absolute register
	// (Energy.Active.Import.Register, Wh). It must never decrease.
	EnergyWh float64
	// PowerW is the active power drawn (Power.Active.Import, W).
	PowerW float64
	// Phases is the number of phases the vehicle draws from. By default 3.
	Phases int
	// Voltages are the per-phase voltages (Voltage, V, phase L1-N …).
	// By default NominalVoltage on each phase. The per-phase current
	// (Current.Import, A) is PowerW / (Phases · voltage).
	Voltages []float64
	// SoC is the vehicle's state of charge in percent; sent when > 0.
	SoC float64
	// Context of the sample. By default Sample.Periodic.
	Context ocpp16.ReadingContext
	// Time of the sample. By default now.
	Time time.Time
}

// MeterValue returns the reading as one OCPP meterValue element: energy
// (Wh, at most three decimals), power, per-phase current and voltage (one
// decimal) and SoC.
func (r Reading) MeterValue() ocpp16.MeterValue {
	phases := cmp.Or(r.Phases, 3)
	ctx := cmp.Or(r.Context, ocpp16.ReadingContextSamplePeriodic)
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	sv := []ocpp16.SampledValue{
		{Value: strconv.FormatFloat(math.Round(r.EnergyWh*1000)/1000, 'f', -1, 64), Context: ctx, Measurand: ocpp16.MeasurandEnergyActiveImportRegister, Location: ocpp16.LocationOutlet, Unit: ocpp16.UnitOfMeasureWh},
		{Value: decimal(r.PowerW, 1), Context: ctx, Measurand: ocpp16.MeasurandPowerActiveImport, Location: ocpp16.LocationOutlet, Unit: ocpp16.UnitOfMeasureW},
	}
	currentPhases := []ocpp16.Phase{ocpp16.PhaseL1, ocpp16.PhaseL2, ocpp16.PhaseL3}
	voltagePhases := []ocpp16.Phase{ocpp16.PhaseL1N, ocpp16.PhaseL2N, ocpp16.PhaseL3N}
	for i := range min(phases, 3) {
		v := NominalVoltage
		if i < len(r.Voltages) && r.Voltages[i] > 0 {
			v = r.Voltages[i]
		}
		sv = append(sv,
			ocpp16.SampledValue{Value: decimal(r.PowerW/(float64(phases)*v), 1), Context: ctx, Measurand: ocpp16.MeasurandCurrentImport, Phase: currentPhases[i], Location: ocpp16.LocationOutlet, Unit: ocpp16.UnitOfMeasureA},
			ocpp16.SampledValue{Value: decimal(v, 1), Context: ctx, Measurand: ocpp16.MeasurandVoltage, Phase: voltagePhases[i], Location: ocpp16.LocationOutlet, Unit: ocpp16.UnitOfMeasureV},
		)
	}
	if r.SoC > 0 {
		sv = append(sv, ocpp16.SampledValue{Value: decimal(math.Min(r.SoC, 100), 1), Context: ctx, Measurand: ocpp16.MeasurandSoC, Location: ocpp16.LocationEV, Unit: ocpp16.UnitOfMeasurePercent})
	}
	return ocpp16.MeterValue{Timestamp: ocpp16.NewDateTime(t), SampledValue: sv}
}

func decimal(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if s == "-0" || s == "-0.0" {
		s = s[1:]
	}
	return s
}

// Session is a charging session scripted on one connector: started by
// [ChargePoint.StartSession], metered with [Session.Meter], ended with
// [Session.Stop]. Its methods are safe for concurrent use.
type Session struct {
	ConnectorID   int
	IDTag         string
	TransactionID int
	MeterStart    int              // Wh
	IDTagInfo     ocpp16.IdTagInfo // as StartTransaction answered it

	mu         sync.Mutex
	cp         *ChargePoint
	lastEnergy float64
	stopped    bool
}

// StartSession sends StartTransaction for idTag on connectorID with the
// given meter register (Wh) and returns the session. The session is
// returned whatever the idTagInfo status: OCPP leaves it to the charge
// point to stop a transaction the Central System did not accept (check
// s.IDTagInfo.Status).
func (cp *ChargePoint) StartSession(ctx context.Context, connectorID int, idTag string, meterStartWh int) (*Session, error) {
	res, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{
		ConnectorId: connectorID,
		IdTag:       idTag,
		MeterStart:  meterStartWh,
		Timestamp:   ocpp16.Now(),
	})
	if err != nil {
		return nil, err
	}
	return &Session{
		ConnectorID:   connectorID,
		IDTag:         idTag,
		TransactionID: res.TransactionId,
		MeterStart:    meterStartWh,
		IDTagInfo:     res.IdTagInfo,
		cp:            cp,
		lastEnergy:    float64(meterStartWh),
	}, nil
}

// SetChargePoint makes the session send its further messages over cp, a
// new connection of the same charge point.
func (s *Session) SetChargePoint(cp *ChargePoint) {
	s.mu.Lock()
	s.cp = cp
	s.mu.Unlock()
}

// EnergyWh returns the last energy register the session reported.
func (s *Session) EnergyWh() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastEnergy
}

// Meter sends one MeterValues for the session's connector and transaction.
// A reading whose energy is below the last one reported is refused: the
// register is monotonic.
func (s *Session) Meter(ctx context.Context, r Reading) error {
	s.mu.Lock()
	cp, last := s.cp, s.lastEnergy
	s.mu.Unlock()
	if r.EnergyWh < last {
		return fmt.Errorf("ocpptest: energy register %.0f Wh below the last reading %.0f Wh", r.EnergyWh, last)
	}
	tx := s.TransactionID
	_, err := cp.MeterValues(ctx, ocpp16.MeterValuesRequest{
		ConnectorId:   s.ConnectorID,
		TransactionId: &tx,
		MeterValue:    []ocpp16.MeterValue{r.MeterValue()},
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.lastEnergy = max(s.lastEnergy, r.EnergyWh)
	s.mu.Unlock()
	return nil
}

// Stop sends StopTransaction with the last energy register reported (whole
// Wh) as meterStop. reason may be empty (the specification's default,
// Local).
func (s *Session) Stop(ctx context.Context, reason ocpp16.Reason) (ocpp16.StopTransactionResponse, error) {
	s.mu.Lock()
	cp, meterStop := s.cp, int(math.Round(s.lastEnergy))
	s.mu.Unlock()
	res, err := cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{
		IdTag:         s.IDTag,
		MeterStop:     meterStop,
		Timestamp:     ocpp16.Now(),
		TransactionId: s.TransactionID,
		Reason:        reason,
	})
	if err == nil {
		s.mu.Lock()
		s.stopped = true
		s.mu.Unlock()
	}
	return res, err
}

// Stopped reports whether Stop has succeeded.
func (s *Session) Stopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}
