package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
)

// OCPP 2.0.1 clients (-ocpp 2.0.1 or both): the same scenarios in 2.0.1
// messages. BootNotification and Heartbeat; the transaction is
// TransactionEvent Started (an idToken, no meter value), Updated with the
// same four sampled values as 1.6's MeterValues (so a meter scenario
// persists four rows per acknowledged message in both versions), and Ended.

// target201 is ocppkit driven by 2.0.1 clients.
const target201 = "ocppkit-2.0.1"

// speaks201 reports whether target's clients speak 2.0.1: ocppkit-2.0.1,
// or the external CSMS with -ocpp 2.0.1. The baseline responder speaks
// 1.6 only.
func speaks201(o *options, target string) bool {
	return target == target201 || (target == "external" && o.ocpp == "2.0.1")
}

func (c *client) bootFrame201(b []byte) []byte {
	b = c.begin(b, "BootNotification")
	b = append(b, `{"chargingStation":{"vendorName":"ocppkit","model":"loadtest","serialNumber":"`...)
	b = append(b, c.identity...)
	return append(b, `"},"reason":"PowerUp"}]`...)
}

// event appends the head of a TransactionEvent of the current transaction
// up to and including its transactionInfo, with the next seqNo.
func (c *client) event(b []byte, eventType, trigger, state string) []byte {
	b = c.begin(b, "TransactionEvent")
	b = append(b, `{"eventType":"`...)
	b = append(b, eventType...)
	b = append(b, `","timestamp":"`...)
	b = c.stamp(b)
	b = append(b, `","triggerReason":"`...)
	b = append(b, trigger...)
	b = append(b, `","seqNo":`...)
	b = strconv.AppendInt(b, int64(c.seq201), 10)
	c.seq201++
	b = append(b, `,"transactionInfo":{"transactionId":"`...)
	b = append(b, c.tx201...)
	b = append(b, `","chargingState":"`...)
	b = append(b, state...)
	return append(b, `"`...)
}

func (c *client) startFrame201(b []byte) []byte {
	b = c.event(b, "Started", "Authorized", "Charging")
	return append(b, `},"evse":{"id":1,"connectorId":1},"idToken":{"idToken":"`+idTag+`","type":"Central"}}]`...)
}

// meterFrame201 is a TransactionEvent Updated with four sampled values:
// the energy register (growing with every message), power, current and
// voltage.
func (c *client) meterFrame201(b []byte) []byte {
	c.energy += 37
	b = c.event(b, "Updated", "MeterValuePeriodic", "Charging")
	b = append(b, `},"meterValue":[{"timestamp":"`...)
	b = c.lastTS.AppendFormat(b, "2006-01-02T15:04:05.000Z") // the event's
	b = append(b, `","sampledValue":[{"value":`...)
	b = strconv.AppendInt(b, int64(c.energy), 10)
	b = append(b, `,"context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},`+
		`{"value":7400.5,"context":"Sample.Periodic","measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W"}},`+
		`{"value":32.1,"context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","unitOfMeasure":{"unit":"A"}},`+
		`{"value":230.4,"context":"Sample.Periodic","measurand":"Voltage","phase":"L1-N","unitOfMeasure":{"unit":"V"}}]}]}]`...)
	return b
}

func (c *client) stopFrame201(b []byte) []byte {
	b = c.event(b, "Ended", "EVCommunicationLost", "EVConnected")
	return append(b, `,"stoppedReason":"EVDisconnected"}}]`...)
}

// start201 starts a new transaction with TransactionEvent Started and
// checks its idToken was accepted.
func (c *client) start201(ctx context.Context) bool {
	c.txCount++
	c.tx201 = c.identity + "-" + strconv.Itoa(c.txCount)
	c.seq201 = 0
	p, err := c.call(ctx, c.startFrame, false)
	if err != nil {
		return false
	}
	if !bytes.Contains(p, []byte(`"status":"Accepted"`)) {
		c.stats.fail(errCallError, fmt.Errorf("%s: TransactionEvent Started: %s", c.identity, truncate(p, 200)))
		return false
	}
	return true
}
