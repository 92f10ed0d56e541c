package ocppkit

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ocppkit/ocppkit/ocpp"
)

// Tracing (Config.TracerProvider): a span per CALL a charge point sends
// (kind server, around the handler and its commits) and per command sent to
// a charge point (kind client, around the round trip), named
// "ocpp <Action>" (an unknown action is "ocpp unknown"), with the
// attributes rpc.system=ocpp, rpc.method, ocpp.charge_point and, for
// handled CALLs, ocpp.version. A span's parent is in the context it starts
// from: the command's caller's, or for a handled CALL the handshake
// request's (its values are the connection's context's). A CALLERROR or a
// failed command sets the span's status to Error with the OCPP error code.

// tracerName is the instrumentation scope of ocppkit's spans.
const tracerName = "github.com/ocppkit/ocppkit"

// maxActionAttr bounds the rpc.method attribute of an unknown action.
const maxActionAttr = 64

func noEnd(error) {}

// traceCall starts the span of a CALL the charge point sent; end ends it
// with the handler's error.
func (c *CSMS) traceCall(ctx context.Context, conn *ocpp.Conn, action string) (_ context.Context, end func(error)) {
	if c.tracer == nil {
		return ctx, noEnd
	}
	return c.startSpan(ctx, trace.SpanKindServer, conn.Identity(), action,
		func(err error) string { return string(ocpp.CodeOf(err)) },
		attribute.String("ocpp.version", conn.Subprotocol()))
}

// traceCommand starts the span of a command sent to a charge point.
func (c *CSMS) traceCommand(ctx context.Context, identity, action string) (_ context.Context, end func(error)) {
	if c.tracer == nil {
		return ctx, noEnd
	}
	return c.startSpan(ctx, trace.SpanKindClient, identity, action,
		func(err error) string { return sentOutcome(nil, err) })
}

// startSpan starts a span of an OCPP call; end records the call's error,
// with status(err) as the span's status description.
func (c *CSMS) startSpan(ctx context.Context, kind trace.SpanKind, identity, action string, status func(error) string, attrs ...attribute.KeyValue) (_ context.Context, end func(error)) {
	attrs = append(attrs,
		attribute.String("rpc.system", "ocpp"),
		attribute.String("rpc.method", truncate(action, maxActionAttr)),
		attribute.String("ocpp.charge_point", identity))
	ctx, span := c.tracer.Start(ctx, "ocpp "+actionLabel(action), trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
	return ctx, func(err error) {
		if err != nil {
			endSpan(span, err, status(err))
		} else {
			span.End()
		}
	}
}

// endSpan ends a failed span.
func endSpan(span trace.Span, err error, status string) {
	span.RecordError(err)
	span.SetStatus(codes.Error, status)
	span.End()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
