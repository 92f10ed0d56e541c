// Package handlers dispatches the messages charge points send to typed
// handlers, and holds the library's default handler for each of them, of
// OCPP 1.6 and 2.0.1.
//
// # Registry
//
// A Registry maps each action of each version to a handler: the default
// (Defaults.Register installs the library's) and, optionally, the host's
// override. handlers.On registers an override from a typed function; the
// action and its version come from the request type:
//
//	handlers.On(reg, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) { … })
//	handlers.On(reg, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) { … })
//
// are two handlers, for the 1.6 and the 2.0.1 StatusNotification. Dispatch
// decodes and validates the payload once, with the schema of the
// connection's version (Call.Version), runs the handler inside the
// registry's middleware and validates the reply. An action the version
// does not have is NotImplemented (a 1.6 StartTransaction on a 2.0.1
// connection is never handled as 1.6); one it has without a handler (the
// central system's own) NotSupported. Validation is Strict by default;
// SetMode, SetVersionMode, SetActionMode and SetChargePointMode choose
// Tolerant for all, one version, one action or one charge point.
//
// # Defaults
//
// Defaults holds the default handler of every 1.6 message as a method
// (Defaults.StatusNotification), and Defaults.V201 those of the 25
// messages a 2.0.1 station sends (Defaults.V201.TransactionEvent). Each
// persists what it receives through package store, answers only after the
// commit, and publishes on the topics of package broadcast, in the same
// version-neutral rows and payloads for both versions (see Defaults201).
// A host wraps a default by calling it from its override.
//
// The Authorizer decides on the tokens of both versions (a 1.6 idTag, a
// 2.0.1 idToken with its type); the Signer signs the CSRs of
// SignCertificate of both.
//
// # Concurrency
//
// The handlers of one connection run one at a time, in arrival order;
// those of different connections concurrently: handlers, middleware and
// the Authorizer must be safe for concurrent use.
package handlers
