package main

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	ocpp16 "github.com/lorenzodonini/ocpp-go/ocpp1.6"
	"github.com/lorenzodonini/ocpp-go/ocpp1.6/core"
	"github.com/lorenzodonini/ocpp-go/ocpp1.6/types"
	"github.com/lorenzodonini/ocpp-go/ws"
)

// The peer (-peer ocpp-go): a minimal OCPP 1.6 Central System on
// github.com/lorenzodonini/ocpp-go v0.19.0, as its README shows one: the
// default ocppj endpoint (every profile, message validation on) on its
// default WebSocket server, HTTP Basic checked against the same passwords
// the generator sends, every CALL answered Accepted from memory. It
// persists nothing and validates no id tag: it is the library's own cost.
//
// ocpp-go's server only serves through Start(port, path), which listens on
// every interface (":port"). The load test must not listen beyond the
// loopback, so the peer calls Start with an invalid port (the listen fails
// at once, after Start has routed the path to its WebSocket handler) and
// serves that router on the child's own 127.0.0.1 listener. The router is
// an unexported field, read with reflect: a load-test device, never a
// pattern for production code.

// ocppGoTarget is the target name of the peer.
const ocppGoTarget = "ocpp-go"

// newOCPPGoHandler returns the peer's http.Handler for paths /ocpp/<identity>.
func newOCPPGoHandler(auth bool) (http.Handler, error) {
	srv := ws.NewServer()
	// ocpp-go's server expects the charge point to ping (it closes a
	// connection silent for PingWait); the generator's charge points do
	// not ping, like the other targets' do not need them to. No deadline.
	srv.SetTimeoutConfig(ws.ServerTimeoutConfig{WriteWait: 10 * time.Second})
	if auth {
		srv.SetBasicAuthHandler(func(user, pass string) bool {
			return subtle.ConstantTimeCompare([]byte(pass), []byte(passwordOf(user))) == 1
		})
	}
	cs := ocpp16.NewCentralSystem(nil, srv)
	cs.SetCoreHandler(&ocppGoCore{})
	cs.Start(-1, "/ocpp/{ws}") // returns at once: see above
	f := reflect.ValueOf(srv).Elem().FieldByName("httpHandler")
	if !f.IsValid() {
		return nil, errors.New("ocpp-go: ws.Server has no httpHandler field (not v0.19.0?)")
	}
	h, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(http.Handler)
	if !ok || h == nil || reflect.ValueOf(h).IsNil() {
		return nil, errors.New("ocpp-go: ws.Server's router is not an http.Handler")
	}
	return h, nil
}

// ocppGoCore answers the 1.6 core profile from memory.
type ocppGoCore struct{ txID atomic.Int64 }

var accepted = &types.IdTagInfo{Status: types.AuthorizationStatusAccepted}

func (h *ocppGoCore) OnAuthorize(string, *core.AuthorizeRequest) (*core.AuthorizeConfirmation, error) {
	return core.NewAuthorizationConfirmation(accepted), nil
}

func (h *ocppGoCore) OnBootNotification(string, *core.BootNotificationRequest) (*core.BootNotificationConfirmation, error) {
	return core.NewBootNotificationConfirmation(types.Now(), 300, core.RegistrationStatusAccepted), nil
}

func (h *ocppGoCore) OnDataTransfer(string, *core.DataTransferRequest) (*core.DataTransferConfirmation, error) {
	return core.NewDataTransferConfirmation(core.DataTransferStatusRejected), nil
}

func (h *ocppGoCore) OnHeartbeat(string, *core.HeartbeatRequest) (*core.HeartbeatConfirmation, error) {
	return core.NewHeartbeatConfirmation(types.Now()), nil
}

func (h *ocppGoCore) OnMeterValues(string, *core.MeterValuesRequest) (*core.MeterValuesConfirmation, error) {
	return core.NewMeterValuesConfirmation(), nil
}

func (h *ocppGoCore) OnStatusNotification(string, *core.StatusNotificationRequest) (*core.StatusNotificationConfirmation, error) {
	return core.NewStatusNotificationConfirmation(), nil
}

func (h *ocppGoCore) OnStartTransaction(string, *core.StartTransactionRequest) (*core.StartTransactionConfirmation, error) {
	return core.NewStartTransactionConfirmation(accepted, int(h.txID.Add(1))), nil
}

func (h *ocppGoCore) OnStopTransaction(string, *core.StopTransactionRequest) (*core.StopTransactionConfirmation, error) {
	return core.NewStopTransactionConfirmation(), nil
}
