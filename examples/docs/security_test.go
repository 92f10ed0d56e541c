package docs

// The Go of docs/security.md and docs/troubleshooting.md.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
)

// doc:begin profile-2

// serveTLS serves charge points over wss:// and refuses plain ws://
// handshakes (security profile 2: HTTP Basic over TLS).
func serveTLS(db *gorm.DB, certFile, keyFile string) error {
	csms, err := ocppkit.New(ocppkit.Config{DB: db, SecurityProfile: ocppkit.SecurityProfileTLSBasic})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	srv := &http.Server{Addr: ":443", Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	return srv.ListenAndServeTLS(certFile, keyFile)
}

// doc:end

// doc:begin profile-3

// serveClientCerts accepts only charge points with a certificate from
// the operator's CA whose CommonName is their identity (security
// profile 3).
func serveClientCerts(db *gorm.DB, caFile, certFile, keyFile string) error {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	cas := x509.NewCertPool()
	if !cas.AppendCertsFromPEM(caPEM) {
		return errors.New("no CA certificate in " + caFile)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db, SecurityProfile: ocppkit.SecurityProfileTLSCertificate})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	srv := &http.Server{Addr: ":443", Handler: mux, ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs:  cas,
	}}
	return srv.ListenAndServeTLS(certFile, keyFile)
}

// doc:end

// doc:begin proxy-authenticator

// behindProxy authenticates charge points whose TLS (and client
// certificate) a proxy terminated: the proxy verifies the certificate and
// passes its CommonName in a header it always sets itself, so a charge
// point cannot forge it. Only the proxy may reach this server.
func behindProxy(db *gorm.DB) (*ocppkit.CSMS, error) {
	return ocppkit.New(ocppkit.Config{
		DB: db,
		Authenticator: ocpp.AuthenticatorFunc(func(ctx context.Context, r *http.Request, identity string) error {
			if r.Header.Get("X-Client-Verified") != "SUCCESS" || r.Header.Get("X-Client-CN") != identity {
				return ocpp.ErrUnauthorized // 401
			}
			return nil
		}),
	})
}

// doc:end

// doc:begin passwords

func managePasswords(ctx context.Context, csms *ocppkit.CSMS) error {
	// A new random key, sent as AuthorizationKey; stored only once the
	// charge point accepts it. Both keys work while the command is under way.
	if _, err := csms.RotatePassword(ctx, "CP001"); errors.Is(err, ocppkit.ErrPasswordRejected) {
		return fmt.Errorf("CP001 keeps its old key: %w", err)
	} else if err != nil {
		return err
	}
	// Out of band (the installer typed a key into the charger's menu).
	return csms.SetPassword(ctx, "CP002", "the-key-typed-into-the-charger-0123")
}

// doc:end

// doc:begin api-auth

// requireOperator lets signed-in operators through. isOperator is the
// host's (its session cookie, its roles).
func requireOperator(isOperator func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !isOperator(r) {
				http.Error(w, "sign in as an operator", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// doc:end

// doc:begin remote-errors

func explain(err error) string {
	var callErr *ocpp.Error
	switch {
	case err == nil:
		return "done"
	case errors.Is(err, remote.ErrUnknownChargePoint):
		return "no such charge point: register it first"
	case errors.Is(err, remote.ErrNotConnected):
		return "the charge point is offline: Enqueue the command, it is sent when it connects"
	case errors.Is(err, remote.ErrTimeout):
		return "no answer in time: it may still act on the command"
	case errors.Is(err, remote.ErrInvalidRequest):
		return "the request breaks the OCPP schema: " + err.Error()
	case errors.Is(err, remote.ErrInvalidResponse):
		return "the charge point answered something invalid: " + err.Error()
	case errors.As(err, &callErr):
		return fmt.Sprintf("the charge point refused with %s: %s", callErr.Code, callErr.Description)
	}
	return "internal: " + err.Error()
}

// doc:end

// doc:begin debug-frames

// debugCSMS logs every OCPP frame in and out (at debug level), with the
// charge point's identity on each line.
func debugCSMS(db *gorm.DB) (*ocppkit.CSMS, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return ocppkit.New(ocppkit.Config{DB: db, Logger: logger})
}

// doc:end

// doc:begin tolerant

// A charger whose firmware sends over-long strings or numbers as strings:
// tolerate its quirks, and only its.
func tolerateQuirks(csms *ocppkit.CSMS) {
	csms.Handlers.SetChargePointMode("CP-OLD-FIRMWARE", ocpp16.Tolerant)
}

// doc:end
