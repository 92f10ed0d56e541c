// Package ocpptest is a scriptable simulated OCPP charge point, of version
// 1.6J or 2.0.1.
//
// It dials a Central System over a real websocket, the way a charger would,
// and exposes the charge point's side of the protocol as ordinary awaitable
// calls. Tests of a CSMS use it end to end against httptest.NewServer; the
// simulator in examples/simulator runs thousands of them; hosts use it in
// their own tests. Nothing in it needs a *testing.T.
//
//	cp, err := ocpptest.Dial(ctx, "ws://127.0.0.1:8080/ocpp", "CP-001", nil)
//	if err != nil { … }
//	defer cp.Close()
//	boot, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{
//		ChargePointVendor: "ACME", ChargePointModel: "Wallbox"})
//
// # Outgoing calls
//
// [Call] and the typed methods ([ChargePoint.BootNotification],
// [ChargePoint.StartTransaction], …) send one CALL and return the decoded
// CALLRESULT. A CALLERROR from the Central System is returned as an
// *ocpp.Error. As OCPP-J requires, a charge point has at most one
// outstanding CALL: concurrent callers wait their turn. By default every
// CALLRESULT is validated strictly ([Options.Mode]); an invalid one makes the
// call fail with the *ocpp.Error that validation produced.
//
// For protocol tests, [ChargePoint.SendRaw] writes arbitrary bytes and
// [ChargePoint.CallRaw] writes a raw frame and awaits the reply with the same
// message id, even when the frame's payload is invalid.
//
// # Incoming calls
//
// Calls from the Central System are answered while the charge point's own
// CALL awaits its reply, one at a time in arrival order. A handler registered
// with [ChargePoint.Handle] (or [Options.Handlers], or the typed [On])
// answers its action; every other Central System action of OCPP 1.6 (and its
// security extension) gets a default reply that is valid against the
// official schema (Accepted, Unlocked, empty configuration, …), and unknown
// actions get a NotImplemented CALLERROR. A call whose payload fails
// validation is answered with the precise CALLERROR code. Every answered call
// is reported on [ChargePoint.Calls].
//
// # Sessions
//
// [ChargePoint.StartSession] scripts a charging session: StartTransaction,
// then [Session.Meter] for periodic MeterValues with energy, power, per-phase
// current and voltage and state of charge, then [Session.Stop].
//
// # OCPP 2.0.1
//
// A charge point that offers ocpp2.0.1 ([Options.Subprotocols] =
// [Subprotocols201]) speaks 2.0.1 once the Central System selects it
// ([ChargePoint.Version]): calls from the CSMS are decoded with 2.0.1's
// schemas and answered with 2.0.1 defaults ([DefaultReplyFor]) and error
// spellings; GetVariables and SetVariables read and write its device model
// ([ChargePoint.SetVariable]). [ChargePoint.V201] has the station's typed
// calls, and [V201.StartTransaction] scripts a transaction:
// TransactionEvent Started, [Transaction.Update] for Updated events with
// meter values, [Transaction.End]; [Call] and [On] work with ocpp201 types
// as with ocpp16 ones.
package ocpptest
