package ocppkit_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
	"github.com/ocppkit/ocppkit/store"
)

// dialErr201 connects a 2.0.1 station with opts and sends one Heartbeat.
func dialErr201(t *testing.T, url, identity string, opts *ocpptest.Options) error {
	t.Helper()
	o := *opts
	o.Subprotocols = ocpptest.Subprotocols201
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, url, identity, &o)
	if err != nil {
		return err
	}
	defer cp.Close()
	if cp.Version() != ocpp.OCPP201 {
		return errors.New("not 2.0.1: " + cp.Subprotocol())
	}
	_, err = cp.V201().Heartbeat(ctx)
	return err
}

// TestSecurityProfiles201: the three security profiles hold for 2.0.1
// stations exactly as for 1.6: HTTP Basic (profile 1), HTTP Basic over TLS
// only (2), a TLS client certificate bound to the identity (3).
func TestSecurityProfiles201(t *testing.T) {
	t.Run("profile 1", func(t *testing.T) {
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
		e.register(t, "CS-P1", "pw-0123456789abcdef")
		if err := dialErr201(t, e.url, "CS-P1", &ocpptest.Options{Password: "pw-0123456789abcdef"}); err != nil {
			t.Errorf("right password: %v", err)
		}
		for _, pw := range []string{"wrong-0123456789abcdef", ""} {
			if err := dialErr201(t, e.url, "CS-P1", &ocpptest.Options{Password: pw}); err == nil || !strings.Contains(err.Error(), "401") {
				t.Errorf("password %q: %v, want 401", pw, err)
			}
		}
	})
	t.Run("profile 2", func(t *testing.T) {
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{SecurityProfile: ocppkit.SecurityProfileTLSBasic})
		e.register(t, "CS-P2", "pw-0123456789abcdef")
		srv := httptest.NewTLSServer(e.server.Config.Handler)
		t.Cleanup(srv.Close)
		roots := x509.NewCertPool()
		roots.AddCert(srv.Certificate())
		if err := dialErr201(t, wssURL(srv), "CS-P2", &ocpptest.Options{Password: "pw-0123456789abcdef", TLSConfig: &tls.Config{RootCAs: roots}}); err != nil {
			t.Errorf("TLS and password: %v", err)
		}
		if err := dialErr201(t, e.url, "CS-P2", &ocpptest.Options{Password: "pw-0123456789abcdef"}); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("plain ws: %v, want 401", err)
		}
	})
	t.Run("profile 3", func(t *testing.T) {
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{SecurityProfile: ocppkit.SecurityProfileTLSCertificate})
		e.register(t, "CS-A", "")
		e.register(t, "CS-B", "")
		ca := newPKI(t, "Charging Station CA")
		srv := httptest.NewUnstartedServer(e.server.Config.Handler)
		srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.pool}
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		t.Cleanup(srv.Close)
		roots := x509.NewCertPool()
		roots.AddCert(srv.Certificate())
		with := func(certs ...tls.Certificate) *ocpptest.Options {
			return &ocpptest.Options{TLSConfig: &tls.Config{RootCAs: roots, Certificates: certs}}
		}
		if err := dialErr201(t, wssURL(srv), "CS-A", with(ca.clientCert(t, "CS-A"))); err != nil {
			t.Errorf("own certificate: %v", err)
		}
		if err := dialErr201(t, wssURL(srv), "CS-B", with(ca.clientCert(t, "CS-A"))); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("CS-A's certificate presented as CS-B: %v, want 401", err)
		}
		if err := dialErr201(t, wssURL(srv), "CS-A", with()); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("no certificate: %v, want 401", err)
		}
	})
}

// TestRotatePassword201: on a 2.0.1 station the password is rotated with
// SetVariables of SecurityCtrlr.BasicAuthPassword, with 1.6's switch-over:
// refused, the old password stays; accepted, only the new one works; an
// early reconnect with the new one proves it was taken even if the answer
// is lost. Its value is never stored.
func TestRotatePassword201(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CS-ROT", "old-pw-0123456789abcdef")
	ctx := context.Background()
	cp := e.dial201(t, "CS-ROT", "old-pw-0123456789abcdef")

	cp.Handle("SetVariables", func(_ context.Context, payload json.RawMessage) (any, error) {
		var req ocpp201.SetVariablesRequest
		json.Unmarshal(payload, &req)
		d := req.SetVariableData[0]
		return ocpp201.SetVariablesResponse{SetVariableResult: []ocpp201.SetVariableResult{{
			AttributeStatus: ocpp201.SetVariableStatusRejected, Component: d.Component, Variable: d.Variable}}}, nil
	})
	if _, err := e.csms.RotatePassword(ctx, "CS-ROT"); !errors.Is(err, ocppkit.ErrPasswordRejected) {
		t.Fatalf("refused rotation: %v", err)
	}
	<-cp.Calls()
	cp.Handle("SetVariables", nil) // the station's device model takes it

	pw, err := e.csms.RotatePassword(ctx, "CS-ROT")
	if err != nil {
		t.Fatal(err)
	}
	got := <-cp.Calls()
	schematest.LoadVersion(t, schemas.OCPP201).MustValidate(t, "SetVariables", false, got.Payload)
	if v, _ := cp.Variable(ocpptest.VariableKey{Component: "SecurityCtrlr", Variable: "BasicAuthPassword"}); got.Action != "SetVariables" || v != pw {
		t.Fatalf("station received %s %s; its BasicAuthPassword is %q", got.Action, got.Payload, v)
	}
	cp.Close()
	if err := dialErr201(t, e.url, "CS-ROT", &ocpptest.Options{Password: "old-pw-0123456789abcdef"}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("old password after rotation: %v, want 401", err)
	}
	if err := dialErr201(t, e.url, "CS-ROT", &ocpptest.Options{Password: pw}); err != nil {
		t.Errorf("new password: %v", err)
	}
	v, err := e.csms.Store.Variable(ctx, row.ID, store.VariableKey{Component: "SecurityCtrlr", Name: "BasicAuthPassword"})
	if err != nil || v.Value != "" || v.Status != "Accepted" {
		t.Errorf("stored variable %+v, %v: the status, never the value", v, err)
	}
	var leaks int64
	e.csms.Store.DB().Model(&store.Command{}).Where("payload LIKE ? OR response LIKE ?", "%"+pw+"%", "%"+pw+"%").Count(&leaks)
	if leaks != 0 {
		t.Errorf("the password is in %d command rows", leaks)
	}

	// The answer lost: the station reconnects with the new key first.
	cp = e.dial201(t, "CS-ROT", pw)
	reconnected := make(chan error, 1)
	cp.Handle("SetVariables", func(_ context.Context, payload json.RawMessage) (any, error) {
		var req ocpp201.SetVariablesRequest
		json.Unmarshal(payload, &req)
		reconnected <- dialErr201(t, e.url, "CS-ROT", &ocpptest.Options{Password: req.SetVariableData[0].AttributeValue})
		return nil, errors.New("never answered: the connection was replaced")
	})
	third, err := e.csms.RotatePassword(ctx, "CS-ROT")
	if err != nil {
		t.Fatalf("rotation whose answer was lost: %v", err)
	}
	if err := <-reconnected; err != nil {
		t.Fatalf("reconnect with the new password: %v", err)
	}
	if err := dialErr201(t, e.url, "CS-ROT", &ocpptest.Options{Password: pw}); err == nil {
		t.Error("the previous password still works")
	}
	if err := dialErr201(t, e.url, "CS-ROT", &ocpptest.Options{Password: third}); err != nil {
		t.Errorf("the new password after the rotation: %v", err)
	}
}

// TestSignCertificate201: a 2.0.1 station's CSR goes to the host's Signer
// and the chain comes back with a 2.0.1 CertificateSigned of the requested
// type; both frames validate against the 2.0.1 schemas. Its security
// events are stored and published.
func TestSignCertificate201(t *testing.T) {
	ca := newPKI(t, "CSMS CA")
	signer := handlers.SignerFunc(func(ctx context.Context, cp *store.ChargePoint, csrPEM string) (string, error) {
		block, _ := pem.Decode([]byte(csrPEM))
		if block == nil {
			return "", errors.New("no PEM")
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil || csr.Subject.CommonName != cp.Identifier {
			return "", errors.New("CSR not for this station")
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.issue(t, cp.Identifier, csr.PublicKey)})), nil
	})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "CS-SIGN"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
	schemas := schematest.LoadVersion(t, schemas.OCPP201)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{Signer: signer})
	row := e.register(t, "CS-SIGN", "pw-0123456789abcdef")
	events := e.subscribe(t, broadcast.SecurityEventsTopic(row.ID))
	cp := e.dial201(t, "CS-SIGN", "pw-0123456789abcdef")
	ctx := context.Background()
	res, err := ocpptest.Call[ocpp201.SignCertificateResponse](ctx, cp, ocpp201.SignCertificateRequest{Csr: csrPEM, CertificateType: ocpp201.CertificateSigningUseV2GCertificate})
	if err != nil || res.Status != ocpp201.GenericStatusAccepted {
		t.Fatalf("SignCertificate = %+v, %v", res, err)
	}
	got := <-cp.Calls()
	if got.Action != "CertificateSigned" {
		t.Fatalf("station received %s", got.Action)
	}
	schemas.MustValidate(t, "CertificateSigned", false, got.Payload)
	var signed ocpp201.CertificateSignedRequest
	json.Unmarshal(got.Payload, &signed)
	block, _ := pem.Decode([]byte(signed.CertificateChain))
	if block == nil || signed.CertificateType != ocpp201.CertificateSigningUseV2GCertificate {
		t.Fatalf("CertificateSigned %+v", signed)
	}
	if cert, err := x509.ParseCertificate(block.Bytes); err != nil || cert.Subject.CommonName != "CS-SIGN" {
		t.Errorf("certificate %v, %v", cert, err)
	}

	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	if _, err := ocpptest.Call[ocpp201.SecurityEventNotificationResponse](ctx, cp, ocpp201.SecurityEventNotificationRequest{
		Type: "FailedToAuthenticateAtCsms", Timestamp: ocpp201.NewDateTime(at), TechInfo: "TLS alert 42"}); err != nil {
		t.Fatal(err)
	}
	var ev broadcast.SecurityEvent
	decode(t, next(t, events), &ev)
	if ev.Type != "FailedToAuthenticateAtCsms" || !ev.Timestamp.Equal(at) {
		t.Errorf("published %+v", ev)
	}
	stored, err := e.csms.Store.SecurityEvents(ctx, row.ID, 0)
	if err != nil || len(stored) != 1 || stored[0].TechInfo != "TLS alert 42" {
		t.Errorf("stored %+v, %v", stored, err)
	}
}
