package handlers

import (
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
)

// SessionInfo is the session part of a charge_point_<id>_sessions event.
func SessionInfo(s *store.ChargingSession, now time.Time) broadcast.SessionInfo {
	d := s.StoppedAt
	end := now
	if d != nil {
		end = *d
	}
	dur := end.Sub(s.StartedAt)
	if dur < 0 {
		dur = 0
	}
	return broadcast.SessionInfo{
		ID:              s.ID,
		TransactionID:   s.TransactionID,
		ConnectorID:     s.ConnectorID,
		IDTag:           s.IDTag,
		StartedAt:       s.StartedAt,
		StoppedAt:       s.StoppedAt,
		EnergyConsumed:  store.RoundKWh(s.EnergyConsumed),
		DurationSeconds: int64(dur / time.Second),
		Status:          s.Status,
		StopReason:      s.StopReason,
		MeterStart:      s.MeterStart,
		MeterStop:       s.MeterStop,

		EVSEID:               s.EVSEID,
		StationTransactionID: s.StationTransactionID,
	}
}
