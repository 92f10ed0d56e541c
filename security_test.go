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
	"math/big"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// pki is a certificate authority made for one test.
type pki struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newPKI(t *testing.T, name string) *pki {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"ocppkit tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &pki{cert: cert, key: key, pool: pool}
}

// serial numbers the certificates issued by the tests, which run in
// parallel.
var serial atomic.Int64

// issue signs a charge point certificate (CommonName = identity) for pub.
func (p *pki) issue(t *testing.T, identity string, pub any) []byte {
	t.Helper()
	n := serial.Add(1) + 100
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(n),
		Subject:      pkix.Name{CommonName: identity, Organization: []string{"ocppkit tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, pub, p.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// clientCert returns a TLS client certificate for identity issued by p.
func (p *pki) clientCert(t *testing.T, identity string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{p.issue(t, identity, &key.PublicKey)}, PrivateKey: key}
}

func wssURL(srv *httptest.Server) string {
	return "wss" + strings.TrimPrefix(srv.URL, "https") + "/ocpp"
}

func dialErr(t *testing.T, url, identity string, opts *ocpptest.Options) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, url, identity, opts)
	if err != nil {
		return err
	}
	defer cp.Close()
	_, err = cp.Heartbeat(ctx)
	return err
}

// TestSecurityProfile2 serves the same CSMS over TLS and over plain HTTP:
// with SecurityProfileTLSBasic only the TLS handshake with the right
// password gets in.
func TestSecurityProfile2(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{SecurityProfile: ocppkit.SecurityProfileTLSBasic})
	e.register(t, "CP-TLS", "pw-0123456789abcdef")
	srv := httptest.NewTLSServer(e.server.Config.Handler)
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tlsConf := &tls.Config{RootCAs: roots}

	tests := []struct {
		name    string
		url     string
		opts    *ocpptest.Options
		refused bool
	}{
		{"tls and password", wssURL(srv), &ocpptest.Options{Password: "pw-0123456789abcdef", TLSConfig: tlsConf}, false},
		{"tls, wrong password", wssURL(srv), &ocpptest.Options{Password: "wrong-0123456789abcdef", TLSConfig: tlsConf}, true},
		{"tls, no password", wssURL(srv), &ocpptest.Options{TLSConfig: tlsConf}, true},
		{"plain ws with the password", e.url, &ocpptest.Options{Password: "pw-0123456789abcdef"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dialErr(t, tt.url, "CP-TLS", tt.opts)
			if tt.refused {
				if err == nil || !strings.Contains(err.Error(), "401") {
					t.Fatalf("dial = %v, want HTTP 401", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSecurityProfile3 authenticates charge points by TLS client
// certificates issued by a CA made here: a valid certificate presented for
// another identity is refused, as are no certificate and one from another
// CA.
func TestSecurityProfile3(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{SecurityProfile: ocppkit.SecurityProfileTLSCertificate})
	e.register(t, "CP-A", "")
	e.register(t, "CP-B", "")
	ca := newPKI(t, "Charge Point CA")
	rogue := newPKI(t, "Rogue CA")

	srv := httptest.NewUnstartedServer(e.server.Config.Handler)
	// VerifyClientCertIfGiven lets a handshake without a certificate reach
	// the library, which must refuse it; production servers use
	// RequireAndVerifyClientCert.
	srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rogue handshake's error
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	with := func(certs ...tls.Certificate) *ocpptest.Options {
		return &ocpptest.Options{TLSConfig: &tls.Config{RootCAs: roots, Certificates: certs}}
	}
	// forced sends cert even though the server does not list its CA (Go's
	// client would otherwise send none), so the TLS layer must refuse it.
	forced := func(cert tls.Certificate) *ocpptest.Options {
		return &ocpptest.Options{TLSConfig: &tls.Config{RootCAs: roots, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &cert, nil
		}}}
	}
	certA, certB := ca.clientCert(t, "CP-A"), ca.clientCert(t, "CP-B")

	tests := []struct {
		name     string
		identity string
		opts     *ocpptest.Options
		want     string // "" accepted; else a substring of the dial error
	}{
		{"own certificate", "CP-A", with(certA), ""},
		{"other charge point's own certificate", "CP-B", with(certB), ""},
		{"valid certificate of CP-A presented as CP-B", "CP-B", with(certA), "401"},
		{"no certificate", "CP-A", with(), "401"},
		{"no certificate, but a password", "CP-A", &ocpptest.Options{Password: "pw-0123456789abcdef", TLSConfig: &tls.Config{RootCAs: roots}}, "401"},
		{"certificate from another CA", "CP-A", forced(rogue.clientCert(t, "CP-A")), "tls"},
		{"certificate for an unknown charge point", "CP-C", with(ca.clientCert(t, "CP-C")), "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dialErr(t, wssURL(srv), tt.identity, tt.opts)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("dial = %v, want refusal (%s)", err, tt.want)
			}
		})
	}
}

// TestRotatePassword rotates a charge point's password over a real socket:
// it receives the new AuthorizationKey, after which the old password is
// refused and the new one works. A charge point that rejects the key keeps
// its old password.
func TestRotatePassword(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-ROT", "old-pw-0123456789abcdef")
	ctx := context.Background()
	cp := e.dial(t, "CP-ROT", "old-pw-0123456789abcdef")

	// A charge point that rejects the new key.
	cp.Handle("ChangeConfiguration", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusRejected}, nil
	})
	if _, err := e.csms.RotatePassword(ctx, "CP-ROT"); !errors.Is(err, ocppkit.ErrPasswordRejected) {
		t.Fatalf("rejected rotation: %v", err)
	}
	<-cp.Calls()
	cp.Handle("ChangeConfiguration", nil)

	pw, err := e.csms.RotatePassword(ctx, "CP-ROT")
	if err != nil {
		t.Fatal(err)
	}
	if len(pw) < 16 || len(pw) > 40 {
		t.Errorf("password of %d characters, want 16 to 40", len(pw))
	}
	got := <-cp.Calls()
	var req ocpp16.ChangeConfigurationRequest
	if err := json.Unmarshal(got.Payload, &req); err != nil || got.Action != "ChangeConfiguration" || req.Key != "AuthorizationKey" || req.Value != pw {
		t.Fatalf("charge point received %s %s", got.Action, got.Payload)
	}
	cp.Close()

	if err := dialErr(t, e.url, "CP-ROT", &ocpptest.Options{Password: "old-pw-0123456789abcdef"}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("old password after rotation: %v, want 401", err)
	}
	if err := dialErr(t, e.url, "CP-ROT", &ocpptest.Options{Password: pw}); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := e.csms.RotatePassword(ctx, "CP-NOPE"); err == nil {
		t.Error("rotation of an unknown charge point succeeded")
	}
}

// TestRotatePasswordEarlyReconnect: a charger that applies the new key and
// reconnects with it right after answering is let in, whether or not the
// rotation has been recorded yet.
func TestRotatePasswordEarlyReconnect(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-EARLY", "old-pw-0123456789abcdef")
	ctx := context.Background()
	cp := e.dial(t, "CP-EARLY", "old-pw-0123456789abcdef")
	reconnected := make(chan error, 1)
	cp.Handle("ChangeConfiguration", func(_ context.Context, payload json.RawMessage) (any, error) {
		var req ocpp16.ChangeConfigurationRequest
		json.Unmarshal(payload, &req)
		return ocpptest.ReplyThen(ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}, func() {
			reconnected <- dialErr(t, e.url, "CP-EARLY", &ocpptest.Options{Password: req.Value})
		}), nil
	})
	if _, err := e.csms.RotatePassword(ctx, "CP-EARLY"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-reconnected:
		if err != nil {
			t.Fatalf("reconnect with the new password: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reconnect")
	}
}

// TestSignCertificate: a charge point's CSR is answered Accepted and signed
// by the host's Signer, and the chain arrives with CertificateSigned;
// without a Signer the request is Rejected.
func TestSignCertificate(t *testing.T) {
	ca := newPKI(t, "CSMS CA")
	signer := handlers.SignerFunc(func(ctx context.Context, cp *store.ChargePoint, csrPEM string) (string, error) {
		identity := cp.Identifier
		block, _ := pem.Decode([]byte(csrPEM))
		if block == nil {
			return "", errors.New("no PEM")
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return "", err
		}
		if err := csr.CheckSignature(); err != nil || csr.Subject.CommonName != identity {
			return "", errors.New("CSR not for this charge point")
		}
		der := ca.issue(t, identity, csr.PublicKey)
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
	})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "CP-SIGN", Organization: []string{"CPO"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))

	t.Run("with a signer", func(t *testing.T) {
		schemas := schematest.Load(t)
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{Signer: signer})
		e.register(t, "CP-SIGN", "pw-0123456789abcdef")
		cp := e.dial(t, "CP-SIGN", "pw-0123456789abcdef")
		ctx := context.Background()
		res, err := ocpptest.Call[ocpp16.SignCertificateResponse](ctx, cp, ocpp16.SignCertificateRequest{Csr: csrPEM})
		if err != nil || res.Status != ocpp16.GenericStatusAccepted {
			t.Fatalf("SignCertificate = %+v, %v", res, err)
		}
		schemas.MustValidate(t, "SignCertificate", true, res)
		got := <-cp.Calls()
		if got.Action != "CertificateSigned" {
			t.Fatalf("charge point received %s", got.Action)
		}
		schemas.MustValidate(t, "CertificateSigned", false, got.Payload)
		var signed ocpp16.CertificateSignedRequest
		json.Unmarshal(got.Payload, &signed)
		block, _ := pem.Decode([]byte(signed.CertificateChain))
		if block == nil {
			t.Fatalf("chain %q", signed.CertificateChain)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil || cert.Subject.CommonName != "CP-SIGN" {
			t.Fatalf("certificate %v, %v", cert, err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("issued certificate does not verify: %v", err)
		}
	})
	t.Run("without a signer", func(t *testing.T) {
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
		e.register(t, "CP-SIGN", "pw-0123456789abcdef")
		cp := e.dial(t, "CP-SIGN", "pw-0123456789abcdef")
		res, err := ocpptest.Call[ocpp16.SignCertificateResponse](context.Background(), cp, ocpp16.SignCertificateRequest{Csr: csrPEM})
		if err != nil || res.Status != ocpp16.GenericStatusRejected {
			t.Fatalf("SignCertificate = %+v, %v", res, err)
		}
	})
}

// TestRotatePasswordAnswerLost: the charge point takes the new key and
// reconnects with it before its answer to ChangeConfiguration is read (the
// new connection replaces the one the answer was on). Having authenticated
// with the new password proves it adopted it: the rotation succeeds and
// only the new password works afterwards.
func TestRotatePasswordAnswerLost(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-LOST", "old-pw-0123456789abcdef")
	ctx := context.Background()
	cp := e.dial(t, "CP-LOST", "old-pw-0123456789abcdef")
	reconnected := make(chan error, 1)
	cp.Handle("ChangeConfiguration", func(_ context.Context, payload json.RawMessage) (any, error) {
		var req ocpp16.ChangeConfigurationRequest
		json.Unmarshal(payload, &req)
		reconnected <- dialErr(t, e.url, "CP-LOST", &ocpptest.Options{Password: req.Value}) // before answering
		return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}, nil
	})
	password, err := e.csms.RotatePassword(ctx, "CP-LOST")
	if err != nil {
		t.Fatalf("rotation whose answer was lost: %v", err)
	}
	if err := <-reconnected; err != nil {
		t.Fatalf("reconnect with the new password: %v", err)
	}
	if err := dialErr(t, e.url, "CP-LOST", &ocpptest.Options{Password: "old-pw-0123456789abcdef"}); err == nil {
		t.Error("the old password still works")
	}
	if err := dialErr(t, e.url, "CP-LOST", &ocpptest.Options{Password: password}); err != nil {
		t.Errorf("the new password after the rotation: %v", err)
	}
}
