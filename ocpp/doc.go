// Package ocpp is the OCPP-J core of ocppkit: frames, error codes and the
// charge-point WebSocket server, for OCPP 1.6J and 2.0.1 alike. It knows
// nothing about databases, broadcasting, message types or default handlers
// and is usable on its own; it knows the versions only as subprotocol
// names and error-code spellings. The messages are in ocpp/ocpp16 and
// ocpp/ocpp201, which share the interfaces Message, Request and Response
// declared here.
//
// # Frames and errors
//
// DecodeFrame parses one CALL, CALLRESULT or CALLERROR, leaving the payload
// raw for the caller to decode once into its concrete type. An *Error
// carries an OCPP error code; a Handler that returns one sends exactly that
// CALLERROR, while any other error becomes InternalError "internal error"
// (internal error text never goes on the wire).
//
// Error codes have one canonical spelling in the library, OCPP-J 1.6's
// (FormationViolation, OccurenceConstraintViolation). OCPP-J 2.0.1 spells
// those two FormatViolation and OccurrenceConstraintViolation and adds
// MessageTypeNotSupported and RpcFrameworkError: ErrorCode.For(OCPP201)
// gives the spelling for a 2.0.1 wire, ErrorCode.For(OCPP16) maps the 2.0.1
// codes back to 1.6's, and ErrorCode.Canonical normalises a received code.
//
// # Server
//
// Server is an http.Handler: mount it on the host's own mux, e.g.
// mux.Handle("/ocpp/", srv). The charge point identity is the last path
// segment, percent-decoded, and must pass ValidIdentity (at most 48
// characters of printable ASCII, no '/': 400 otherwise). Handshakes are
// rate limited per remote address (429 with Retry-After; see
// ServerConfig.HandshakeRate and HandshakeKey for proxies). A request that
// is not a WebSocket upgrade gets 426. A handshake must offer one of the
// server's subprotocols (ServerConfig.Subprotocols; by default ocpp2.0.1
// and ocpp1.6, 2.0.1 preferred when both are offered; 400 otherwise) and
// pass the Authenticator, which runs before the upgrade (401 for any
// refusal: an unknown identity answers as a wrong password does). The
// negotiated version is Conn.Version. A text message that is not valid
// UTF-8 closes the connection with 1007. ServerConfig's zero value works;
// every field documents its default.
//
// A second connection with the same identity replaces the first: the old
// socket is closed with StatusPolicyViolation and reason "replaced by a
// newer connection", and the old connection's Disconnected returns before
// the new one's Connected is called and before its first frame is read.
//
// Versions: every CALLERROR a connection sends carries its code as the
// connection's version spells it (ErrorCode.For): a handler returns the
// canonical FormationViolation and a 2.0.1 charge point reads
// FormatViolation. Everything else about framing is the same in 1.6 and
// 2.0.1.
//
// Bad frames: a frame that DecodeFrameFor refuses but whose message id is
// readable is answered with a CALLERROR carrying the decoder's code for the
// connection's version (1.6: FormationViolation, ProtocolError; 2.0.1:
// RpcFrameworkError, MessageTypeNotSupported, FormatViolation); the
// connection stays open. A frame without a readable id is logged at Warn
// and dropped on 1.6 (OCPP-J 1.6 has no way to answer it) and answered with
// RpcFrameworkError under the message id "-1" on 2.0.1 (unless it is a
// reply). A malformed CALLRESULT or CALLERROR fails the Call it answers
// with FormationViolation. A binary WebSocket message closes the
// connection with StatusUnsupportedData; a frame over MaxFrameSize closes it
// with StatusMessageTooBig.
//
// # Concurrency
//
//   - An idle connection costs one goroutine, its own: ServeHTTP returns
//     once the handshake is answered, and the connection's goroutine reads the socket and runs Handler.HandleCall itself: the CALLs of
//     one connection are handled one at a time, in the order they arrived;
//     different connections are handled concurrently. A handler must
//     therefore be safe for concurrent use across connections, and a slow
//     handler delays only its own charge point.
//   - CALLRESULT and CALLERROR frames are routed as soon as they are read.
//     While a handler runs and a reply (or a pong) is awaited, a helper
//     goroutine reads the socket, so a Conn.Call waiting for its reply never
//     waits for a handler, a handler may Call its own charge point, and a
//     CALL the charge point sends while we wait for our own reply is still
//     answered (after the handler in progress).
//   - Conn.Call may be used from any goroutine, handlers included. One CALL
//     per connection is outstanding at a time; the others wait in order.
//   - ConnectHandler.Connected runs before the connection's first frame is
//     read and before Server.Conn finds it; DisconnectHandler.Disconnected
//     runs once, after the connection's last HandleCall has returned. Both
//     run on the connection's own goroutine, concurrently with other
//     connections. ReadyHandler.Ready runs on a goroutine of its own once
//     the connection is visible and read, the place to send the first
//     calls to the charge point.
//   - Incoming frames are rate limited per connection by not reading
//     (backpressure); nothing is dropped.
//   - Server.Shutdown lets each connection finish the CALL it is handling,
//     closes every socket with StatusGoingAway and waits for every
//     goroutine the server started.
//
// # Logging
//
// The server logs to ServerConfig.Logger with one logger per connection
// carrying charge_point=<identity>. Every frame is logged at Debug
// (direction "in" or "out", frame), at no cost when Debug is disabled. A
// misbehaving charge point is logged at Warn, a failure of ours at Error.
//
// # Passwords
//
// HashPassword, VerifyPassword and GeneratePassword handle charge point
// machine passwords (HTTP Basic, security profiles 1 and 2): high-entropy
// keys stored as salted SHA-256 digests and compared in constant time.
package ocpp
