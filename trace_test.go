package ocppkit_test

import (
	"context"
	"encoding/json"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// TestTracing: with a TracerProvider, every CALL a charge point sends is a
// server span and every command a client span, named after the action and
// carrying the identity; a command's span is a child of the span in the
// host's context.
func TestTracing(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{TracerProvider: tp, AcceptUnknownIDTags: true})
	e.register(t, "CP-T", "trace-pw-0123456789")
	cp := e.dial(t, "CP-T", "trace-pw-0123456789") // one Heartbeat
	ctx := context.Background()
	if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "V", ChargePointModel: "M"}); err != nil {
		t.Fatal(err)
	}
	if f, err := cp.CallRaw(ctx, []byte(`[2,"x","NoSuchAction",{}]`)); err != nil || f.ErrorCode != ocpp.NotImplemented {
		t.Fatalf("unknown action answered %+v, %v", f, err)
	}
	cp.Handle(ocpp16.ActionReset, func(context.Context, json.RawMessage) (any, error) {
		return ocpp16.ResetResponse{Status: ocpp16.ResetStatusAccepted}, nil
	})
	hostCtx, hostSpan := tp.Tracer("host").Start(ctx, "operator request")
	if _, err := e.csms.Remote.Reset(hostCtx, "CP-T", ocpp16.ResetRequest{Type: ocpp16.ResetTypeHard}); err != nil {
		t.Fatal(err)
	}
	hostSpan.End()

	type want struct {
		name   string
		kind   trace.SpanKind
		status codes.Code
	}
	wants := []want{
		{"ocpp Heartbeat", trace.SpanKindServer, codes.Unset},
		{"ocpp BootNotification", trace.SpanKindServer, codes.Unset},
		{"ocpp unknown", trace.SpanKindServer, codes.Error},
		{"ocpp Reset", trace.SpanKindClient, codes.Unset},
	}
	// A handled CALL's span ends before its reply is written: all ended.
	var spans []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.InstrumentationScope().Name == "github.com/ocppkit/ocppkit" {
			spans = append(spans, s)
		}
	}
	if len(spans) != len(wants) {
		for _, s := range spans {
			t.Logf("span %s", s.Name())
		}
		t.Fatalf("%d spans, want %d (one per handled CALL and per command)", len(spans), len(wants))
	}
	for i, w := range wants {
		s := spans[i]
		if s.Name() != w.name || s.SpanKind() != w.kind || s.Status().Code != w.status {
			t.Errorf("span %d = %s (%v, %v), want %s (%v, %v)", i, s.Name(), s.SpanKind(), s.Status(), w.name, w.kind, w.status)
		}
		attrs := map[attribute.Key]string{}
		for _, kv := range s.Attributes() {
			attrs[kv.Key] = kv.Value.Emit()
		}
		if attrs["ocpp.charge_point"] != "CP-T" || attrs["rpc.system"] != "ocpp" || attrs["rpc.method"] == "" {
			t.Errorf("span %s attributes %v", s.Name(), attrs)
		}
		if w.kind == trace.SpanKindServer && attrs["ocpp.version"] != "ocpp1.6" {
			t.Errorf("span %s version %q", s.Name(), attrs["ocpp.version"])
		}
	}
	if got := spans[2].Attributes(); !hasAttr(got, "rpc.method", "NoSuchAction") {
		t.Errorf("unknown action's span attributes %v", got)
	}
	cmd := spans[3]
	if cmd.Parent().SpanID() != hostSpan.SpanContext().SpanID() || cmd.SpanContext().TraceID() != hostSpan.SpanContext().TraceID() {
		t.Errorf("command span's parent %v, want the host's span %v", cmd.Parent(), hostSpan.SpanContext())
	}
}

func hasAttr(kvs []attribute.KeyValue, key, value string) bool {
	for _, kv := range kvs {
		if string(kv.Key) == key && kv.Value.Emit() == value {
			return true
		}
	}
	return false
}
