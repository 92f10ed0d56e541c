// Package remote sends commands from the Central System to charge points:
// typed and awaitable (one method per command of OCPP 1.6 and its security
// extension, e.g. Client.Reset, Client.ReserveNow; Client.Send, Call),
// persisted and delivered later (Client.Enqueue), and as a JSON API
// (Client.HTTPHandler).
//
// A command is sent over the charge point's socket through a Caller
// (*ocpp.Server on a single node); the reply is validated and returned as
// the action's typed response. Errors say what happened:
// ErrUnknownChargePoint (the store has no such charge point),
// ErrNotConnected (it has, but the charge point holds no socket),
// ErrTimeout, *ocpp.Error for a CALLERROR, ErrInvalidRequest,
// ErrInvalidResponse.
//
// The state a command implies is recorded when the charge point accepts it
// (effects.go), whichever way it was sent: reservations (ReserveNow,
// CancelReservation; expired by the client's expire loop), the local
// authorization list and its version (SendLocalList, GetLocalListVersion),
// charging profiles per connector (SetChargingProfile, ClearChargingProfile,
// RemoteStartTransaction with a profile) and configuration keys
// (GetConfiguration, ChangeConfiguration).
package remote
