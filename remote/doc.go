// Package remote sends commands from the Central System to charge points of
// OCPP 1.6 and 2.0.1: typed and awaitable (one method per command of OCPP
// 1.6 and its security extension on Client, e.g. Client.Reset,
// Client.ReserveNow; one per 2.0.1 CSMS command on Client.V201(), e.g.
// Client.V201().RequestStartTransaction; Client.Send and Call for either),
// version-neutral (StartSession, StopSession, ResetStation, Unlock,
// SetAvailability, SetChargingLimit, ReadSetting, WriteSetting: one call
// for a mixed fleet, the right message for each charge point's version),
// persisted and delivered later (Client.Enqueue), and as a JSON API
// (Client.HTTPHandler).
//
// A command is sent over the charge point's socket through a Caller
// (*ocpp.Server on a single node); the reply is validated and returned as
// the action's typed response, of the request's version. Errors say what
// happened: ErrUnknownChargePoint (the store has no such charge point),
// ErrNotConnected (it has, but the charge point holds no socket),
// ErrTimeout, *ocpp.Error for a CALLERROR, ErrInvalidRequest,
// ErrInvalidResponse, ErrWrongVersion for a command of the version the
// charge point does not speak (refused before anything is sent: never a
// malformed frame).
//
// # Naming
//
// The 1.6 commands are methods of Client named after their action, as
// before 2.0.1 existed. 2.0.1 has commands of the same names with other
// messages (Reset, ChangeAvailability, UnlockConnector, …), so its typed
// commands live on a view, Client201 (Client.V201()), named after their
// actions too: host code reads csms.Remote.V201().Reset(ctx, id,
// ocpp201.ResetRequest{…}) beside csms.Remote.Reset(ctx, id,
// ocpp16.ResetRequest{…}), with no prefixes to learn, and the verbs a
// host writes once for both versions are plain methods of Client with
// names no action has (StartSession, ResetStation, …).
//
// # Effects
//
// The state a command implies is recorded when the charge point accepts it
// (effects.go, effects201.go), whichever way it was sent: reservations
// (ReserveNow, CancelReservation; expired by the client's expire loop),
// the local authorization list and its version (SendLocalList,
// GetLocalListVersion), charging profiles per outlet (SetChargingProfile,
// ClearChargingProfile, RemoteStartTransaction and RequestStartTransaction
// with a profile), configuration keys (1.6 GetConfiguration,
// ChangeConfiguration) and the device model (2.0.1 GetVariables,
// SetVariables: store.Variable). The HTTP Basic password (1.6
// AuthorizationKey, 2.0.1 SecurityCtrlr.BasicAuthPassword) is never
// stored: see secrets.go.
package remote
