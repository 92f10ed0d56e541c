package ocppkit

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// schemaCheck is the middleware of Config.ValidateSchemas: it validates
// the payload of each call, as the charge point sent it, against the
// official schema of its version.
func (c *CSMS) schemaCheck(next handlers.Handler) handlers.Handler {
	return handlers.HandlerFunc(func(ctx context.Context, call *handlers.Call, req ocpp.Request) (ocpp.Response, error) {
		if call.Payload == nil {
			return next.Handle(ctx, call, req)
		}
		version := call.Version
		if version == "" {
			version = ocpp.OCPP16
		}
		name := schemas.OCPP16
		if version == ocpp.OCPP201 {
			name = schemas.OCPP201
		}
		set, err := schemas.Load(name)
		if err != nil {
			return nil, err
		}
		if err := set.Validate(call.Action, false, call.Payload); err != nil {
			verdict := oneLine(err.Error(), 300)
			if c.Handlers.ModeFor(version, call.Identity, call.Action) == ocpp16.Tolerant {
				call.Logger.Warn("payload breaks the official schema; handled in tolerant mode", "action", call.Action, "schema_error", verdict)
				return next.Handle(ctx, call, req)
			}
			return nil, ocpp.NewError(ocpp.FormationViolation, "payload does not conform to the official schema: %s", verdict)
		}
		return next.Handle(ctx, call, req)
	})
}

// oneLine returns s on one line, cut to at most n bytes on a character
// boundary (a CALLERROR's text must stay valid UTF-8).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
