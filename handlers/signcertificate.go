package handlers

import (
	"context"
	"sync"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// Signer signs the certificate signing requests charge points send with
// SignCertificate (security extension): it returns the PEM certificate
// chain for csrPEM, leaf first, issued by a CA the charge point trusts
// (typically the host's own or a PKI service). It should check that the
// CSR's subject (CommonName) is the charge point's identity.
type Signer interface {
	SignCSR(ctx context.Context, cp *store.ChargePoint, csrPEM string) (certificateChainPEM string, err error)
}

// SignerFunc adapts a function to Signer.
type SignerFunc func(ctx context.Context, cp *store.ChargePoint, csrPEM string) (string, error)

// SignCSR calls f.
func (f SignerFunc) SignCSR(ctx context.Context, cp *store.ChargePoint, csrPEM string) (string, error) {
	return f(ctx, cp, csrPEM)
}

// Sender sends a command to a charge point and returns its reply. The
// default SignCertificate handlers (1.6 and 2.0.1) use it to send
// CertificateSigned; *remote.Client is one (the root package wires it).
type Sender interface {
	Send(ctx context.Context, identity string, req ocpp.Request) (ocpp.Response, error)
}

// SignCertificate answers a charge point's certificate signing request.
// Without a Signer (DefaultsConfig.Signer) or a Sender it answers Rejected.
// Otherwise it answers Accepted, then signs the CSR in the background and
// sends the chain with CertificateSigned; a failure is logged (the charge
// point asks again, per the whitepaper, after its own timeout).
func (d *Defaults) SignCertificate(ctx context.Context, c *Call, req ocpp16.SignCertificateRequest) (ocpp16.SignCertificateResponse, error) {
	if !d.signing.start(c, req.Csr, func(chain string) ocpp.Request {
		return ocpp16.CertificateSignedRequest{CertificateChain: chain}
	}) {
		return ocpp16.SignCertificateResponse{Status: ocpp16.GenericStatusRejected}, nil
	}
	return ocpp16.SignCertificateResponse{Status: ocpp16.GenericStatusAccepted}, nil
}

// certSigner runs the background signing of SignCertificate requests, so
// that Defaults.Close can stop and wait for it.
type certSigner struct {
	signer Signer
	sender Sender

	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newCertSigner(signer Signer, sender Sender) *certSigner {
	ctx, cancel := context.WithCancel(context.Background())
	return &certSigner{signer: signer, sender: sender, ctx: ctx, cancel: cancel}
}

// start signs csr and sends the chain in a goroutine, in the
// CertificateSigned request signed returns. It reports false when it cannot
// (no signer or sender, or closed).
func (s *certSigner) start(c *Call, csr string, signed func(chain string) ocpp.Request) bool {
	if s.signer == nil || s.sender == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		chain, err := s.signer.SignCSR(s.ctx, c.ChargePoint, csr)
		if err != nil {
			c.Logger.Error("sign certificate signing request", "err", err)
			return
		}
		res, err := s.sender.Send(s.ctx, c.Identity, signed(chain))
		if err != nil {
			c.Logger.Warn("send CertificateSigned", "err", err)
			return
		}
		switch r := res.(type) {
		case *ocpp16.CertificateSignedResponse:
			if r.Status != ocpp16.CertificateSignedStatusAccepted {
				c.Logger.Warn("charge point rejected the signed certificate", "status", r.Status)
			}
		case *ocpp201.CertificateSignedResponse:
			if r.Status != ocpp201.CertificateSignedStatusAccepted {
				c.Logger.Warn("charge point rejected the signed certificate", "status", r.Status)
			}
		}
	}()
	return true
}

func (s *certSigner) close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
