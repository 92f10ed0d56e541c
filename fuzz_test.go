package ocppkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// FuzzStationCall sends a CALL of any station action with any JSON payload
// through the whole stack, a real socket to a fully wired CSMS on SQLite,
// from an OCPP 1.6 charge point (v201 false) or a 2.0.1 station (true). The
// CSMS must answer every call: with a CALLRESULT that validates against the
// official schema, or with a CALLERROR whose code the version knows and is
// not InternalError (bad input gets the precise error); it must log
// nothing at Error level and keep the connection.
func FuzzStationCall(f *testing.F) {
	e := newEnv(f, testdb.SQLite(f), ocppkit.Config{AcceptUnknownIDTags: true, Server: ocpp.ServerConfig{RateLimit: rate.Inf}})
	e.register(f, "FUZZ-16", "fuzz-pw-0123456789abcdef")
	e.register(f, "FUZZ-201", "fuzz-pw-0123456789abcdef")
	cp16 := e.dial(f, "FUZZ-16", "fuzz-pw-0123456789abcdef")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp201, err := ocpptest.Dial(ctx, e.url, "FUZZ-201", &ocpptest.Options{Password: "fuzz-pw-0123456789abcdef", Subprotocols: ocpptest.Subprotocols201})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { cp201.Close() })
	boot := `{"reason":"PowerUp","chargingStation":{"model":"Fuzz","vendorName":"ocppkit"}}`
	if r, err := cp201.CallRaw(ctx, []byte(`[2,"boot","BootNotification",`+boot+`]`)); err != nil || r.Type != ocpp.CallResult {
		f.Fatalf("2.0.1 boot: %+v, %v", r, err)
	}

	type side struct {
		version string
		actions []string
		cp      *ocpptest.ChargePoint
		set     *schemas.Set
		suite   *schematest.Suite
	}
	sides := map[bool]side{
		false: {ocpp.OCPP16, ocpp16.ChargePointActions, cp16, nil, schematest.NewSuite(f, schematest.Version{Schemas: schemas.OCPP16, IntegralNumbers: true})},
		true:  {ocpp.OCPP201, ocpp201.ChargingStationActions, cp201, nil, schematest.NewSuite(f, schematest.Version{Schemas: schemas.OCPP201})},
	}
	for v201, s := range sides {
		if s.set, err = schemas.Load(map[bool]string{false: schemas.OCPP16, true: schemas.OCPP201}[v201]); err != nil {
			f.Fatal(err)
		}
		sides[v201] = s
		// Seeds: a minimal and a full sample of every request, and
		// payloads of the wrong shape.
		for i, a := range s.actions {
			for _, full := range []bool{false, true} {
				sample := s.suite.Sample(schematest.Side{Action: a, Schema: s.set.Name(a, false)}, full)
				f.Add(v201, uint8(i), schematest.MustJSON(f, sample))
			}
			for _, bad := range []string{`{}`, `[]`, `null`, `"x"`, `{"connectorId":-1,"idTag":""}`} {
				f.Add(v201, uint8(i), []byte(bad))
			}
		}
	}
	// Payloads of the tests: a session on 1.6.
	i16 := func(a string) uint8 { return uint8(slices.Index(ocpp16.ChargePointActions, a)) }
	f.Add(false, i16(ocpp16.ActionStartTransaction), []byte(`{"connectorId":1,"idTag":"RFID-OK","meterStart":1000,"timestamp":"2026-11-26T10:00:00Z"}`))
	f.Add(false, i16(ocpp16.ActionMeterValues), []byte(meterValuesFuzzSeed))
	f.Add(false, i16(ocpp16.ActionStopTransaction), []byte(`{"transactionId":1,"meterStop":4600,"timestamp":"2026-11-26T10:30:00Z","reason":"Local","idTag":"RFID-OK"}`))
	f.Add(false, i16(ocpp16.ActionStatusNotification), []byte(`{"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"2026-11-26T10:00:00.123+01:00"}`))

	var n atomic.Int64
	f.Fuzz(func(t *testing.T, v201 bool, which uint8, payload []byte) {
		if !json.Valid(payload) || !utf8.Valid(payload) {
			// FuzzDecodeFrame covers frames that are not JSON; a text
			// message that is not UTF-8 ends the connection (close status
			// 1007, RFC 6455 §8.1).
			return
		}
		s := sides[v201]
		action := s.actions[int(which)%len(s.actions)]
		id := fmt.Sprintf("f%d", n.Add(1))
		frame := fmt.Appendf(nil, `[2,%q,%q,%s]`, id, action, payload)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		reply, err := s.cp.CallRaw(ctx, frame)
		if err != nil {
			t.Fatalf("%s: no reply to %s: %v (connection: %v)", s.version, frame, err, s.cp.Err())
		}
		switch reply.Type {
		case ocpp.CallResult:
			if err := s.set.Validate(action, true, reply.Payload); err != nil {
				t.Fatalf("%s: reply to %s does not validate: %v", s.version, frame, err)
			}
		case ocpp.CallError:
			if reply.ErrorCode == ocpp.InternalError || !reply.ErrorCode.ValidFor(s.version) {
				t.Fatalf("%s: %s answered %s %q", s.version, frame, reply.ErrorCode, reply.ErrorDescription)
			}
		default:
			t.Fatalf("%s: %s answered with frame type %d", s.version, frame, reply.Type)
		}
		if n := e.frames.errorsLogged(); n != 0 {
			t.Fatalf("%s: %d records logged at Error level after %s", s.version, n, frame)
		}
		if err := s.cp.Err(); err != nil {
			t.Fatalf("%s: connection ended after %s: %v", s.version, frame, err)
		}
		e.frames.reset()
	})
}

const meterValuesFuzzSeed = `{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-11-26T10:01:00Z","sampledValue":[` +
	`{"value":"2500","measurand":"Energy.Active.Import.Register","unit":"Wh","context":"Sample.Periodic"},` +
	`{"value":"7200.5","measurand":"Power.Active.Import","unit":"W"},` +
	`{"value":"10.4","measurand":"Current.Import","unit":"A","phase":"L1"},` +
	`{"value":"55","measurand":"SoC","unit":"Percent"}]}]}`
