package ocpp201

import (
	"time"

	"github.com/ocppkit/ocppkit/ocpp/internal/payload"
)

// DateTime is an OCPP dateTime. It marshals as UTC RFC 3339 with
// milliseconds ("2006-01-02T15:04:05.000Z") and unmarshals any RFC 3339
// date-time, with or without fractional seconds, with "Z" or any offset; the
// result is converted to UTC.
//
// DateTime.UnmarshalJSON (what encoding/json uses) always requires the zone.
// Timestamps without one ("2024-05-01T12:00:00") are accepted, as UTC, only
// by [Unmarshal] in [Tolerant] mode.
type DateTime struct{ time.Time }

// Now returns the current time as a DateTime, in UTC, truncated to the
// millisecond the wire format carries.
func Now() DateTime { return NewDateTime(time.Now()) }

// NewDateTime returns t as a DateTime, in UTC, truncated to the millisecond.
func NewDateTime(t time.Time) DateTime { return DateTime{payload.Millis(t)} }

// String returns the wire format of t.
func (t DateTime) String() string { return payload.FormatDateTime(t.Time) }

// MarshalJSON writes t as a quoted UTC RFC 3339 timestamp with milliseconds.
func (t DateTime) MarshalJSON() ([]byte, error) { return payload.MarshalDateTime("ocpp201", t.Time) }

// AppendJSON is MarshalJSON appending to b.
func (t DateTime) AppendJSON(b []byte) ([]byte, error) {
	return payload.AppendDateTime("ocpp201", b, t.Time)
}

// UnmarshalJSON parses a quoted RFC 3339 date-time. The JSON null leaves t
// unchanged, as encoding/json does for other types.
func (t *DateTime) UnmarshalJSON(b []byte) error {
	return payload.UnmarshalDateTime("ocpp201", b, &t.Time)
}
