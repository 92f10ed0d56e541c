package ocppkit_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"hash"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// The OCTT cases of the security extension (TC_073 to TC_087).

func octtUpdatePassword(h *octt) {
	h.boot()
	type rotated struct {
		pw  string
		err error
	}
	done := make(chan rotated, 1)
	go func() {
		pw, err := h.e.csms.RotatePassword(h.ctx, octtIdentity)
		done <- rotated{pw, err}
	}()
	got := h.received(ocpp16.ActionChangeConfiguration)
	req := payloadOf[ocpp16.ChangeConfigurationRequest](h, got)
	key, err := hex.DecodeString(req.Value)
	if req.Key != ocppkit.AuthorizationKey || err != nil || len(key) < 16 || len(key) > 20 {
		h.t.Fatalf("charge point received %s, want AuthorizationKey of 16 to 20 bytes in hex", got)
	}
	r := <-done
	if r.err != nil || r.pw != req.Value {
		h.t.Fatalf("RotatePassword = %q, %v", r.pw, r.err)
	}
	// The key is never stored in the clear.
	if k, err := h.configurationValue(ocppkit.AuthorizationKey); err == nil && k.Value != "" {
		h.t.Fatalf("AuthorizationKey stored as %q", k.Value)
	}
	h.cp.Close()
	if err := dialErr(h.t, h.e.url, octtIdentity, &ocpptest.Options{Password: octtPassword}); err == nil || !strings.Contains(err.Error(), "401") {
		h.t.Fatalf("old password after the update: %v, want 401", err)
	}
	h.cp = h.dial(r.pw)
	h.boot()
}

// octtSigner signs CSRs whose CommonName is the charge point's identity
// with a CA made for the test.
func octtSignerConfig(t *testing.T) ocppkit.Config {
	ca := newPKI(t, "OCTT CSMS CA")
	return ocppkit.Config{Signer: handlers.SignerFunc(func(ctx context.Context, cp *store.ChargePoint, csrPEM string) (string, error) {
		block, _ := pem.Decode([]byte(csrPEM))
		if block == nil {
			return "", errors.New("no PEM block")
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return "", err
		}
		if err := csr.CheckSignature(); err != nil || csr.Subject.CommonName != cp.Identifier {
			return "", errors.New("CSR not for this charge point")
		}
		der := ca.issue(t, cp.Identifier, csr.PublicKey)
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
	})}
}

func octtUpdateCertificate(h *octt) {
	h.boot()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: octtIdentity, Organization: []string{"OCTT"}}}, key)
	if err != nil {
		h.t.Fatal(err)
	}
	csr := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
	signed := make(chan error, 1)
	h.cp.Handle(ocpp16.ActionExtendedTriggerMessage, func(ctx context.Context, _ json.RawMessage) (any, error) {
		return ocpptest.ReplyThen(ocpp16.ExtendedTriggerMessageResponse{Status: ocpp16.TriggerMessageStatusAccepted}, func() {
			res, err := ocpptest.Call[ocpp16.SignCertificateResponse](h.ctx, h.cp, ocpp16.SignCertificateRequest{Csr: csr})
			if err == nil && res.Status != ocpp16.GenericStatusAccepted {
				err = errors.New("SignCertificate answered " + string(res.Status))
			}
			signed <- err
		}), nil
	})
	cmd, got := h.command(ocpp16.ExtendedTriggerMessageRequest{RequestedMessage: ocpp16.ExtendedMessageTriggerSignChargePointCertificate}, nil)
	if req := payloadOf[ocpp16.ExtendedTriggerMessageRequest](h, got); req.RequestedMessage != ocpp16.ExtendedMessageTriggerSignChargePointCertificate {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.TriggerMessageStatusAccepted)
	if err := <-signed; err != nil {
		h.t.Fatal(err)
	}
	got = h.received(ocpp16.ActionCertificateSigned)
	chain := payloadOf[ocpp16.CertificateSignedRequest](h, got).CertificateChain
	block, _ := pem.Decode([]byte(chain))
	if block == nil {
		h.t.Fatalf("CertificateSigned chain %q", chain)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		h.t.Fatal(err)
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) || cert.Subject.CommonName != octtIdentity {
		h.t.Fatalf("certificate for %q does not hold the CSR's key", cert.Subject.CommonName)
	}
}

// installedHashes is what a charge point answers GetInstalledCertificateIds
// with: the hash data of one certificate in each algorithm.
func installedHashes(t *testing.T, cert *x509.Certificate) []ocpp16.CertificateHashData {
	var out []ocpp16.CertificateHashData
	for _, alg := range []struct {
		name ocpp16.HashAlgorithm
		new  func() hash.Hash
	}{{ocpp16.HashAlgorithmSHA256, sha256.New}, {ocpp16.HashAlgorithmSHA384, sha512.New384}, {ocpp16.HashAlgorithmSHA512, sha512.New}} {
		sum := func(b []byte) string {
			h := alg.new()
			h.Write(b)
			return hex.EncodeToString(h.Sum(nil))
		}
		out = append(out, ocpp16.CertificateHashData{HashAlgorithm: alg.name, IssuerNameHash: sum(cert.RawIssuer), IssuerKeyHash: sum(cert.RawSubjectPublicKeyInfo), SerialNumber: cert.SerialNumber.Text(16)})
	}
	return out
}

func octtInstallCertificate(use ocpp16.CertificateUse) func(*octt) {
	return func(h *octt) {
		h.boot()
		ca := newPKI(h.t, "OCTT root "+string(use))
		certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
		cmd, got := h.command(ocpp16.InstallCertificateRequest{CertificateType: use, Certificate: certPEM}, ocpp16.InstallCertificateResponse{Status: ocpp16.InstallCertificateStatusAccepted})
		if req := payloadOf[ocpp16.InstallCertificateRequest](h, got); req.CertificateType != use || req.Certificate != certPEM {
			h.t.Fatalf("charge point received %s", got)
		}
		h.recorded(cmd, ocpp16.InstallCertificateStatusAccepted)
		hashes := installedHashes(h.t, ca.cert)[:1]
		cmd, got = h.command(ocpp16.GetInstalledCertificateIdsRequest{CertificateType: use}, ocpp16.GetInstalledCertificateIdsResponse{Status: ocpp16.GetInstalledCertificateStatusAccepted, CertificateHashData: hashes})
		if req := payloadOf[ocpp16.GetInstalledCertificateIdsRequest](h, got); req.CertificateType != use {
			h.t.Fatalf("charge point received %s", got)
		}
		h.recorded(cmd, ocpp16.GetInstalledCertificateStatusAccepted)
		var r ocpp16.GetInstalledCertificateIdsResponse
		if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil || len(r.CertificateHashData) != 1 || r.CertificateHashData[0] != hashes[0] {
			h.t.Fatalf("installed certificates recorded as %s", cmd.Response)
		}
	}
}

func octtDeleteCertificate(h *octt) {
	h.boot()
	ca := newPKI(h.t, "OCTT root to delete")
	hashes := installedHashes(h.t, ca.cert)
	for _, hd := range hashes {
		cmd, _ := h.command(ocpp16.GetInstalledCertificateIdsRequest{CertificateType: ocpp16.CertificateUseCentralSystemRootCertificate},
			ocpp16.GetInstalledCertificateIdsResponse{Status: ocpp16.GetInstalledCertificateStatusAccepted, CertificateHashData: []ocpp16.CertificateHashData{hd}})
		var r ocpp16.GetInstalledCertificateIdsResponse
		if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil || len(r.CertificateHashData) != 1 {
			h.t.Fatalf("installed certificates recorded as %s", cmd.Response)
		}
		cmd, got := h.command(ocpp16.DeleteCertificateRequest{CertificateHashData: r.CertificateHashData[0]}, ocpp16.DeleteCertificateResponse{Status: ocpp16.DeleteCertificateStatusAccepted})
		if req := payloadOf[ocpp16.DeleteCertificateRequest](h, got); req.CertificateHashData != hd {
			h.t.Fatalf("charge point received %s, want %+v", got, hd)
		}
		h.recorded(cmd, ocpp16.DeleteCertificateStatusAccepted)
	}
}

func octtSecurityEvent(typ string) func(*octt) {
	return func(h *octt) {
		h.boot()
		h.securityEvent(typ)
	}
}

// securityEvent sends a SecurityEventNotification of typ and requires it
// stored.
func (h *octt) securityEvent(typ string) {
	h.t.Helper()
	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	if _, err := ocpptest.Call[ocpp16.SecurityEventNotificationResponse](h.ctx, h.cp, ocpp16.SecurityEventNotificationRequest{Type: typ, Timestamp: ocpp16.NewDateTime(at), TechInfo: "OCTT"}); err != nil {
		h.t.Fatal(err)
	}
	evs, err := h.e.csms.Store.SecurityEvents(h.ctx, h.row.ID, 10)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Type == typ && ev.Timestamp.Equal(at) && ev.TechInfo == "OCTT" {
			return
		}
	}
	h.t.Fatalf("security event %s not stored: %+v", typ, evs)
}

func octtGetSecurityLog(h *octt) {
	h.boot()
	cmd, got := h.command(ocpp16.GetLogRequest{LogType: ocpp16.LogTypeSecurityLog, RequestId: 79, Log: ocpp16.LogParameters{RemoteLocation: "https://logs.example.com/upload"}},
		ocpp16.GetLogResponse{Status: ocpp16.LogStatusAccepted, Filename: "security.log"})
	if req := payloadOf[ocpp16.GetLogRequest](h, got); req.LogType != ocpp16.LogTypeSecurityLog || req.RequestId != 79 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.LogStatusAccepted)
	for _, st := range []ocpp16.UploadLogStatus{ocpp16.UploadLogStatusUploading, ocpp16.UploadLogStatusUploaded} {
		if _, err := ocpptest.Call[ocpp16.LogStatusNotificationResponse](h.ctx, h.cp, ocpp16.LogStatusNotificationRequest{Status: st, RequestId: ptr(79)}); err != nil {
			h.t.Fatal(err)
		}
		if r := h.report(store.ReportLog); r.Status != string(st) || r.RequestID == nil || *r.RequestID != 79 {
			h.t.Fatalf("log status stored as %+v, want %s", r, st)
		}
	}
}

func octtSignedFirmware(last ocpp16.SignedFirmwareStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		ca := newPKI(h.t, "OCTT firmware signer")
		certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
		req := ocpp16.SignedUpdateFirmwareRequest{RequestId: 80, Firmware: ocpp16.Firmware{
			Location:           "https://firmware.example.com/octt-signed.bin",
			RetrieveDateTime:   ocpp16.NewDateTime(time.Now().UTC().Truncate(time.Second)),
			SigningCertificate: certPEM,
			Signature:          "c2lnbmF0dXJl",
		}}
		cmd, got := h.command(req, ocpp16.SignedUpdateFirmwareResponse{Status: ocpp16.UpdateFirmwareStatusAccepted})
		if sent := payloadOf[ocpp16.SignedUpdateFirmwareRequest](h, got); sent.RequestId != 80 || sent.Firmware.SigningCertificate != certPEM || sent.Firmware.Signature != req.Firmware.Signature {
			h.t.Fatalf("charge point received %s", got)
		}
		h.recorded(cmd, ocpp16.UpdateFirmwareStatusAccepted)
		notify := func(st ocpp16.SignedFirmwareStatus) {
			h.t.Helper()
			if _, err := ocpptest.Call[ocpp16.SignedFirmwareStatusNotificationResponse](h.ctx, h.cp, ocpp16.SignedFirmwareStatusNotificationRequest{Status: st, RequestId: ptr(80)}); err != nil {
				h.t.Fatal(err)
			}
			if r := h.report(store.ReportSignedFirmware); r.Status != string(st) || r.RequestID == nil || *r.RequestID != 80 {
				h.t.Fatalf("signed firmware status stored as %+v, want %s", r, st)
			}
		}
		notify(ocpp16.SignedFirmwareStatusDownloading)
		notify(ocpp16.SignedFirmwareStatusDownloaded)
		if last == ocpp16.SignedFirmwareStatusInvalidSignature {
			notify(last)
			h.securityEvent("InvalidFirmwareSignature")
			return
		}
		notify(ocpp16.SignedFirmwareStatusSignatureVerified)
		notify(ocpp16.SignedFirmwareStatusInstalling)
		notify(ocpp16.SignedFirmwareStatusInstallRebooting)
		h.reconnect()
		h.boot()
		notify(ocpp16.SignedFirmwareStatusInstalled)
		h.securityEvent("FirmwareUpdated")
	}
}

func octtUpgradeSecurityProfile(h *octt) {
	h.boot()
	cmd, got := h.command(ocpp16.ChangeConfigurationRequest{Key: "SecurityProfile", Value: "2"}, ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted})
	if req := payloadOf[ocpp16.ChangeConfigurationRequest](h, got); req.Key != "SecurityProfile" || req.Value != "2" {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.ConfigurationStatusAccepted)
	if k, err := h.configurationValue("SecurityProfile"); err != nil || k.Value != "2" {
		h.t.Fatalf("stored SecurityProfile = %+v, %v", k, err)
	}
	h.reset(ocpp16.ResetTypeHard)
	h.cp.Close()
	h.profile = ocppkit.SecurityProfileTLSBasic // the charge point reboots on profile 2
	h.cp = h.dial(octtPassword)
	h.boot()
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	// A connection attempt on the old profile is refused.
	if err := dialErr(h.t, h.e.url, octtIdentity, &ocpptest.Options{Password: octtPassword}); err == nil || !strings.Contains(err.Error(), "401") {
		h.t.Fatalf("profile 1 after the upgrade: %v, want 401", err)
	}
}

// octtEnforceUpgrades is the configuration TC_083 needs: a charge point
// upgraded to a higher security profile is refused on a lower one.
func octtEnforceUpgrades(*testing.T) ocppkit.Config {
	return ocppkit.Config{EnforceUpgradedProfile: true}
}

func octtBasicAuth(h *octt) {
	h.boot()
	h.e.register(h.t, "OCTT-OTHER", "other-pw-0123456789abcdef")
	for _, tt := range []struct {
		name string
		opts *ocpptest.Options
	}{
		{"wrong password", &ocpptest.Options{Password: "wrong-pw-0123456789abcdef"}},
		{"no password", &ocpptest.Options{}},
		{"another charge point's password", &ocpptest.Options{Password: "other-pw-0123456789abcdef"}},
	} {
		if err := dialErr(h.t, h.e.url, octtIdentity, tt.opts); err == nil || !strings.Contains(err.Error(), "401") {
			h.t.Errorf("%s: dial = %v, want HTTP 401", tt.name, err)
		}
	}
	// The refused attempts did not disturb the accepted connection.
	if _, err := h.cp.Heartbeat(h.ctx); err != nil {
		h.t.Fatal(err)
	}
}

func octtProfile(profile int) func(*testing.T) ocppkit.Config {
	return func(*testing.T) ocppkit.Config { return ocppkit.Config{SecurityProfile: profile} }
}

func octtServerCertificate(h *octt) {
	// h dialled over wss:// (security profile 2), verifying the CSMS's
	// certificate against its root.
	if !strings.HasPrefix(h.wss, "wss://") || h.profile != ocppkit.SecurityProfileTLSBasic {
		h.t.Fatalf("not on TLS: %s, profile %d", h.wss, h.profile)
	}
	h.boot()
	// A charge point that does not trust the certificate cannot connect.
	err := dialErr(h.t, h.wss, octtIdentity, &ocpptest.Options{Password: octtPassword, TLSConfig: &tls.Config{RootCAs: x509.NewCertPool()}})
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		h.t.Fatalf("dial trusting no root = %v, want an unknown authority error", err)
	}
	// Nor over plain ws:// on profile 2.
	if err := dialErr(h.t, h.e.url, octtIdentity, &ocpptest.Options{Password: octtPassword}); err == nil || !strings.Contains(err.Error(), "401") {
		h.t.Fatalf("ws:// on profile 2: %v, want 401", err)
	}
}

func octtClientCertificate(h *octt) {
	// h dialled over wss:// with its own certificate (security profile 3).
	h.boot()
	h.e.register(h.t, "OCTT-OTHER", "")
	other := &ocpptest.Options{TLSConfig: &tls.Config{RootCAs: h.roots, Certificates: []tls.Certificate{h.ca.clientCert(h.t, "OCTT-OTHER")}}}
	if err := dialErr(h.t, h.wss, octtIdentity, other); err == nil || !strings.Contains(err.Error(), "401") {
		h.t.Fatalf("another charge point's certificate: %v, want 401", err)
	}
	if err := dialErr(h.t, h.wss, "OCTT-OTHER", other); err != nil {
		h.t.Fatalf("own certificate of the other charge point: %v", err)
	}
}
