package ocpp_test

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// A minimal Central System: it answers Heartbeat, refuses everything else
// with NotImplemented, and accepts only charge points that know their
// password.
func ExampleNewServer() {
	digests := map[string]string{} // identity → HashPassword digest, e.g. from a database

	srv := ocpp.NewServer(ocpp.ServerConfig{
		Handler: ocpp.HandlerFunc(func(ctx context.Context, c *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
			switch action {
			case "Heartbeat":
				return json.Marshal(map[string]string{"currentTime": time.Now().UTC().Format("2006-01-02T15:04:05.000Z")})
			}
			return nil, ocpp.NewError(ocpp.NotImplemented, "%s is not implemented", action)
		}),
		Authenticator: ocpp.AuthenticatorFunc(func(ctx context.Context, r *http.Request, identity string) error {
			digest, ok := digests[identity]
			if !ok {
				return ocpp.ErrUnknownChargePoint
			}
			user, pass, ok := r.BasicAuth()
			if !ok || user != identity || !ocpp.VerifyPassword(digest, pass) {
				return ocpp.ErrUnauthorized
			}
			return nil
		}),
	})

	mux := http.NewServeMux()
	mux.Handle("/ocpp/", srv) // charge points dial ws://host:8080/ocpp/<identity>
	hs := &http.Server{Addr: ":8080", Handler: mux}
	go func() {
		if err := hs.ListenAndServe(); err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()

	// Later: a command to a charge point, awaited with a deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := srv.Call(ctx, "CP-001", "Reset", json.RawMessage(`{"type":"Soft"}`))
	log.Println(string(res), err)

	// On exit: close the charge points' sockets, then the HTTP server.
	_ = srv.Shutdown(ctx)
	_ = hs.Shutdown(ctx)
}
