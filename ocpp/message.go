package ocpp

// Message is an OCPP payload of any version: a request or a response.
// Validate checks the value against its JSON schema and returns nil or an
// *Error (see ocpp16.Message and ocpp201.Message for the details of each
// version). The message types themselves live in ocpp/ocpp16 and
// ocpp/ocpp201, whose Message, Request and Response are aliases of these,
// so that code handling messages (handlers.Handler, remote.Client.Send)
// takes the messages of either version.
type Message interface {
	Validate() error
}

// Request is the payload of a CALL. Action returns its OCPP action name.
type Request interface {
	Message
	Action() string
}

// Response is the payload of a CALLRESULT. Action returns the name of the
// action it answers.
type Response interface {
	Message
	Action() string
}
