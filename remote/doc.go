// Package remote sends commands from the Central System to charge points:
// typed and awaitable (Client.RemoteStartTransaction, Client.Send, Call),
// persisted and delivered later (Client.Enqueue), and as a JSON API
// (Client.HTTPHandler).
//
// A command is sent over the charge point's socket through a Caller
// (*ocpp.Server on a single node); the reply is validated and returned as
// the action's typed response. Errors say what happened: ErrNotConnected,
// ErrTimeout, *ocpp.Error for a CALLERROR, ErrInvalidRequest,
// ErrInvalidResponse.
package remote
