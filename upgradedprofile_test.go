package ocppkit_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// TestEnforceUpgradedProfile: with Config.EnforceUpgradedProfile, a charge
// point whose SecurityProfile key was changed to 2 is refused without TLS,
// and one changed to 3 without a verified client certificate; without the
// option both downgrades are let in.
func TestEnforceUpgradedProfile(t *testing.T) {
	for _, enforce := range []bool{false, true} {
		t.Run(map[bool]string{false: "off", true: "on"}[enforce], func(t *testing.T) {
			e := newEnv(t, testdb.SQLite(t), ocppkit.Config{EnforceUpgradedProfile: enforce})
			ca := newPKI(t, "charge point CA")
			srv := httptest.NewUnstartedServer(e.server.Config.Handler)
			srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: ca.pool}
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			t.Cleanup(srv.Close)
			roots := x509.NewCertPool()
			roots.AddCert(srv.Certificate())
			const pw = "pw-0123456789abcdef"
			plain := &ocpptest.Options{Password: pw}
			overTLS := &ocpptest.Options{Password: pw, TLSConfig: &tls.Config{RootCAs: roots}}
			withCert := func(identity string) *ocpptest.Options {
				return &ocpptest.Options{Password: pw, TLSConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{ca.clientCert(t, identity)}}}
			}
			upgrade := func(identity, profile string) {
				t.Helper()
				e.register(t, identity, pw)
				cp := e.dial(t, identity, pw)
				res, err := e.csms.Remote.ChangeConfiguration(context.Background(), identity, ocpp16.ChangeConfigurationRequest{Key: ocppkit.SecurityProfileKey, Value: profile})
				if err != nil || res.Status != ocpp16.ConfigurationStatusAccepted {
					t.Fatalf("ChangeConfiguration: %+v, %v", res, err)
				}
				cp.Close()
			}
			upgrade("CP-2", "2")
			upgrade("CP-3", "3")
			tests := []struct {
				name, url, identity string
				opts                *ocpptest.Options
				refused             bool
			}{
				{"profile 2 on ws://", e.url, "CP-2", plain, enforce},
				{"profile 2 on wss://", wssURL(srv), "CP-2", overTLS, false},
				{"profile 3 on ws://", e.url, "CP-3", plain, enforce},
				{"profile 3 on wss:// without a certificate", wssURL(srv), "CP-3", overTLS, enforce},
				{"profile 3 on wss:// with its certificate", wssURL(srv), "CP-3", withCert("CP-3"), false},
			}
			for _, tt := range tests {
				err := dialErr(t, tt.url, tt.identity, tt.opts)
				switch {
				case tt.refused && (err == nil || !strings.Contains(err.Error(), "401")):
					t.Errorf("%s: %v, want 401", tt.name, err)
				case !tt.refused && err != nil:
					t.Errorf("%s: %v", tt.name, err)
				}
			}
		})
	}
}
