package handlers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// senderFunc records what the SignCertificate handler sends.
type senderFunc func(ctx context.Context, identity string, req ocpp16.Request) (ocpp16.Response, error)

func (f senderFunc) Send(ctx context.Context, identity string, req ocpp16.Request) (ocpp16.Response, error) {
	return f(ctx, identity, req)
}

func TestSignCertificate(t *testing.T) {
	db := testdb.SQLite(t)
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	s := store.New(db)
	sent := make(chan ocpp16.Request, 1)
	sender := senderFunc(func(ctx context.Context, identity string, req ocpp16.Request) (ocpp16.Response, error) {
		if identity != "CP-1" {
			t.Errorf("sent to %s", identity)
		}
		sent <- req
		return &ocpp16.CertificateSignedResponse{Status: ocpp16.CertificateSignedStatusAccepted}, nil
	})
	signer := handlers.SignerFunc(func(ctx context.Context, cp *store.ChargePoint, csr string) (string, error) {
		if csr == "bad" {
			return "", errors.New("refused")
		}
		return "CHAIN FOR " + cp.Identifier, nil
	})
	tests := []struct {
		name   string
		cfg    handlers.DefaultsConfig
		csr    string
		want   ocpp16.GenericStatus
		chain  string // expected CertificateSigned chain, "" for none
		closed bool
	}{
		{"signer and sender", handlers.DefaultsConfig{Signer: signer, Sender: sender}, "csr", ocpp16.GenericStatusAccepted, "CHAIN FOR CP-1", false},
		{"signer fails after accepting", handlers.DefaultsConfig{Signer: signer, Sender: sender}, "bad", ocpp16.GenericStatusAccepted, "", false},
		{"no signer", handlers.DefaultsConfig{Sender: sender}, "csr", ocpp16.GenericStatusRejected, "", false},
		{"no sender", handlers.DefaultsConfig{Signer: signer}, "csr", ocpp16.GenericStatusRejected, "", false},
		{"closed", handlers.DefaultsConfig{Signer: signer, Sender: sender}, "csr", ocpp16.GenericStatusRejected, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Store = s
			d := handlers.NewDefaults(tt.cfg)
			if tt.closed {
				if err := d.Close(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			res, err := d.SignCertificate(context.Background(), newCall(ocpp16.ActionSignCertificate), ocpp16.SignCertificateRequest{Csr: tt.csr})
			if err != nil || res.Status != tt.want {
				t.Fatalf("SignCertificate = %+v, %v; want %s", res, err, tt.want)
			}
			// Close waits for the background signing, so what was sent is
			// known once it returns.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := d.Close(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case req := <-sent:
				cs, ok := req.(ocpp16.CertificateSignedRequest)
				if tt.chain == "" || !ok || cs.CertificateChain != tt.chain {
					t.Errorf("sent %#v, want chain %q", req, tt.chain)
				}
			default:
				if tt.chain != "" {
					t.Errorf("nothing sent, want chain %q", tt.chain)
				}
			}
		})
	}
}
