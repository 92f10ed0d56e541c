package broadcast

import (
	"strconv"
	"strings"
)

// AllChargePointsTopic carries every event of every charge point published
// with PublishEvent, each wrapped in an Envelope: the topic for dashboards.
const AllChargePointsTopic = "charge_points"

// The kinds of charge point topics: the suffix of "charge_point_<id>_<kind>".
const (
	KindStatus      = "status"       // StatusEvent
	KindSessions    = "sessions"     // SessionEvent
	KindMeterValues = "meter_values" // MeterValueEvent
	KindConnection  = "connection"   // ConnectionEvent
	KindCommands    = "commands"     // CommandEvent
)

const chargePointPrefix = "charge_point_"

// ChargePointTopic returns "charge_point_<id>_<kind>".
func ChargePointTopic(chargePointID uint, kind string) string {
	return chargePointPrefix + strconv.FormatUint(uint64(chargePointID), 10) + "_" + kind
}

// StatusTopic returns "charge_point_<id>_status", carrying StatusEvent.
// chargePointID is the charge point's database id.
func StatusTopic(chargePointID uint) string { return ChargePointTopic(chargePointID, KindStatus) }

// SessionsTopic returns "charge_point_<id>_sessions", carrying SessionEvent.
func SessionsTopic(chargePointID uint) string { return ChargePointTopic(chargePointID, KindSessions) }

// MeterValuesTopic returns "charge_point_<id>_meter_values", carrying MeterValueEvent.
func MeterValuesTopic(chargePointID uint) string {
	return ChargePointTopic(chargePointID, KindMeterValues)
}

// ConnectionTopic returns "charge_point_<id>_connection", carrying ConnectionEvent.
func ConnectionTopic(chargePointID uint) string {
	return ChargePointTopic(chargePointID, KindConnection)
}

// CommandsTopic returns "charge_point_<id>_commands", carrying CommandEvent.
func CommandsTopic(chargePointID uint) string { return ChargePointTopic(chargePointID, KindCommands) }

// ParseTopic splits a charge point topic "charge_point_<id>_<kind>" into the
// charge point's database id and the kind. It accepts any kind made of
// lowercase letters, digits and underscores (not only the Kind constants), so
// hosts can add their own; ok is false for any other topic, including
// AllChargePointsTopic. A typical use is an SSE Authorize function checking
// that the user may see charge point id.
func ParseTopic(topic string) (id uint, kind string, ok bool) {
	rest, found := strings.CutPrefix(topic, chargePointPrefix)
	if !found {
		return 0, "", false
	}
	digits, kind, found := strings.Cut(rest, "_")
	if !found || digits == "" || kind == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, "", false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, "", false
		}
	}
	n, err := strconv.ParseUint(digits, 10, strconv.IntSize)
	if err != nil {
		return 0, "", false
	}
	for _, c := range kind {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return 0, "", false
		}
	}
	return uint(n), kind, true
}
