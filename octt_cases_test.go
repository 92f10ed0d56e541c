package ocppkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// The OCTT 1.6 Central System cases, in the order of
// testdata/octt16-cases.md. Each function is the tool's script of one case.

var octtCases = []octtCase{
	{id: "TC_001_CSMS", run: octtColdBoot},
	{id: "TC_003_CSMS", run: octtPluginFirst},
	{id: "TC_004_1_CSMS", run: octtIdentificationFirst},
	{id: "TC_004_2_CSMS", run: octtConnectionTimeout},
	{id: "TC_005_1_CSMS", run: octtEVDisconnected},
	{id: "TC_007_CSMS", run: octtCachedID},
	{id: "TC_061_CSMS", run: octtClearCache},
	{id: "TC_010_CSMS", run: octtRemoteStartPluggedIn},
	{id: "TC_011_1_CSMS", run: octtRemoteStartFirst},
	{id: "TC_011_2_CSMS", run: octtRemoteStartTimeout},
	{id: "TC_012_CSMS", run: octtRemoteStop},
	{id: "TC_026_CSMS", run: octtRemoteStartRejected},
	{id: "TC_028_CSMS", run: octtRemoteStopRejected},
	{id: "TC_013_CSMS", run: octtHardReset},
	{id: "TC_014_CSMS", run: octtSoftReset},
	{id: "TC_017_1_CSMS", run: octtUnlock(ocpp16.UnlockStatusUnlocked)},
	{id: "TC_017_2_CSMS", run: octtUnlock(ocpp16.UnlockStatusNotSupported)},
	{id: "TC_018_1_CSMS", run: octtUnlockCharging},
	{id: "TC_019_1_CSMS", run: octtGetAllConfiguration},
	{id: "TC_019_2_CSMS", run: octtGetConfigurationKey},
	{id: "TC_021_CSMS", run: octtChangeConfiguration(ocpp16.ConfigurationStatusAccepted)},
	{id: "TC_040_1_CSMS", run: octtChangeConfiguration(ocpp16.ConfigurationStatusNotSupported)},
	{id: "TC_040_2_CSMS", run: octtChangeConfiguration(ocpp16.ConfigurationStatusRejected)},
	{id: "TC_023_1_CSMS", run: octtAuthorizeRefused(ocpp16.AuthorizationStatusInvalid, tagInvalid, "OCTT-UNKNOWN")},
	{id: "TC_023_2_CSMS", run: octtAuthorizeRefused(ocpp16.AuthorizationStatusExpired, tagExpired)},
	{id: "TC_023_3_CSMS", run: octtAuthorizeRefused(ocpp16.AuthorizationStatusBlocked, tagBlocked)},
	{id: "TC_024_CSMS", run: octtLockFailure},
	{id: "TC_032_1_CSMS", run: octtPowerFailure},
	{id: "TC_037_1_CSMS", run: octtOfflineStartValid},
	{id: "TC_037_3_CSMS", run: octtOfflineStartInvalid},
	{id: "TC_039_CSMS", run: octtOfflineTransaction},
	{id: "TC_042_1_CSMS", run: octtGetLocalListVersion(-1)},
	{id: "TC_042_2_CSMS", run: octtGetLocalListVersion(0)},
	{id: "TC_043_1_CSMS", run: octtSendLocalListRefused(ocpp16.UpdateStatusNotSupported)},
	{id: "TC_043_3_CSMS", run: octtSendLocalListRefused(ocpp16.UpdateStatusFailed)},
	{id: "TC_043_4_CSMS", run: octtSendLocalListFull},
	{id: "TC_043_5_CSMS", run: octtSendLocalListDifferential},
	{id: "TC_044_1_CSMS", run: octtFirmware(ocpp16.FirmwareStatusInstalled)},
	{id: "TC_044_2_CSMS", run: octtFirmware(ocpp16.FirmwareStatusDownloadFailed)},
	{id: "TC_044_3_CSMS", run: octtFirmware(ocpp16.FirmwareStatusInstallationFailed)},
	{id: "TC_045_1_CSMS", run: octtDiagnostics(ocpp16.DiagnosticsStatusUploaded)},
	{id: "TC_045_2_CSMS", run: octtDiagnostics(ocpp16.DiagnosticsStatusUploadFailed)},
	{id: "TC_046_CSMS", run: octtReserveConnector},
	{id: "TC_047_CSMS", run: octtReservationExpires},
	{id: "TC_048_1_CSMS", run: octtReserveRefused(ocpp16.ReservationStatusFaulted)},
	{id: "TC_048_2_CSMS", run: octtReserveRefused(ocpp16.ReservationStatusOccupied)},
	{id: "TC_048_3_CSMS", run: octtReserveUnavailable},
	{id: "TC_048_4_CSMS", run: octtReserveRefused(ocpp16.ReservationStatusRejected)},
	{id: "TC_049_CSMS", run: octtReserveChargePoint},
	{id: "TC_051_CSMS", run: octtCancelReservation},
	{id: "TC_052_CSMS", run: octtCancelReservationRejected},
	{id: "TC_053_CSMS", run: octtReserveParentIDTag},
	{id: "TC_054_CSMS", run: octtTriggerMessage},
	{id: "TC_055_CSMS", run: octtTriggerMessageRejected},
	{id: "TC_056_CSMS", run: octtTxDefaultProfile},
	{id: "TC_057_CSMS", run: octtTxProfile},
	{id: "TC_059_CSMS", run: octtRemoteStartWithProfile},
	{id: "TC_066_CSMS", run: octtCompositeSchedule},
	{id: "TC_067_CSMS", run: octtClearChargingProfile},
	{id: "TC_064_CSMS", run: octtDataTransfer},
	{id: "TC_073_CSMS", run: octtUpdatePassword},
	{id: "TC_074_CSMS", config: octtSignerConfig, run: octtUpdateCertificate},
	{id: "TC_075_1_CSMS", run: octtInstallCertificate(ocpp16.CertificateUseManufacturerRootCertificate)},
	{id: "TC_075_2_CSMS", run: octtInstallCertificate(ocpp16.CertificateUseCentralSystemRootCertificate)},
	{id: "TC_076_CSMS", run: octtDeleteCertificate},
	{id: "TC_077_CSMS", run: octtSecurityEvent("InvalidChargePointCertificate")},
	{id: "TC_078_CSMS", run: octtSecurityEvent("InvalidCentralSystemCertificate")},
	{id: "TC_079_CSMS", run: octtGetSecurityLog},
	{id: "TC_080_CSMS", run: octtSignedFirmware(ocpp16.SignedFirmwareStatusInstalled)},
	{id: "TC_081_CSMS", run: octtSignedFirmware(ocpp16.SignedFirmwareStatusInvalidSignature)},
	{id: "TC_083_CSMS", tls: true, config: octtEnforceUpgrades, run: octtUpgradeSecurityProfile},
	{id: "TC_085_CSMS", run: octtBasicAuth},
	{id: "TC_086_CSMS", tls: true, config: octtProfile(ocppkit.SecurityProfileTLSBasic), run: octtServerCertificate},
	{id: "TC_087_CSMS", tls: true, config: octtProfile(ocppkit.SecurityProfileTLSCertificate), run: octtClientCertificate},
}

func octtColdBoot(h *octt) {
	res := h.boot()
	if res.Interval > 24*3600 {
		h.t.Errorf("heartbeat interval %d s", res.Interval)
	}
	for c := 0; c <= 2; c++ {
		h.status(c, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	}
	hb, err := h.cp.Heartbeat(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	if d := time.Since(hb.CurrentTime.Time); d > time.Minute || d < -time.Minute {
		h.t.Errorf("Heartbeat currentTime %v", hb.CurrentTime.Time)
	}
	// The heartbeat's time is written in batches (DefaultsConfig.HeartbeatFlush).
	row, err := h.e.csms.Store.ChargePointByIdentifier(h.ctx, octtIdentity)
	if err != nil {
		h.t.Fatal(err)
	}
	if row.Vendor != "OCTT" || row.Model != "Simulated" || row.FirmwareVersion != "1.0" || !row.IsConnected() {
		h.t.Errorf("charge point recorded as %+v", row)
	}
}

// charging plugs in, authorizes and starts on connector 1, and returns the
// transaction id once the connector is Charging.
func (h *octt) charging(tag string) int {
	h.t.Helper()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.authorize(tag, ocpp16.AuthorizationStatusAccepted)
	tx := h.startOn(tag)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
	if s := h.session(tx); !s.IsActive() {
		h.t.Fatalf("session %+v not active while charging", s)
	}
	return tx
}

// finishing reports Finishing then Available on connector 1, and requires
// no session to be left open on it.
func (h *octt) finishing() {
	h.t.Helper()
	h.status(1, ocpp16.ChargePointStatusFinishing, ocpp16.ChargePointErrorCodeNoError)
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	h.noActiveSession()
}

// noActiveSession requires connector 1 to have no active session.
func (h *octt) noActiveSession() {
	h.t.Helper()
	if s, err := h.e.csms.Store.ActiveSession(h.ctx, h.row.ID, 1); !errors.Is(err, store.ErrNotFound) {
		h.t.Fatalf("active session on connector 1: %+v, %v", s, err)
	}
}

func octtPluginFirst(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	tx := h.charging(tagOK)
	h.stop(tx, 2000, ocpp16.ReasonLocal)
	h.finishing()
}

func octtIdentificationFirst(h *octt) {
	h.boot()
	h.authorize(tagOK, ocpp16.AuthorizationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	tx := h.startOn(tagOK)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
	if !h.session(tx).IsActive() {
		h.t.Fatal("session not active")
	}
}

func octtConnectionTimeout(h *octt) {
	h.boot()
	h.authorize(tagOK, ocpp16.AuthorizationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	h.noActiveSession()
}

func octtEVDisconnected(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	h.status(1, ocpp16.ChargePointStatusSuspendedEV, ocpp16.ChargePointErrorCodeNoError)
	h.stop(tx, 3000, ocpp16.ReasonEVDisconnected)
	h.finishing()
}

func octtCachedID(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	tx := h.startOn(tagOK)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
	if !h.session(tx).IsActive() {
		h.t.Fatal("session not active")
	}
}

func octtClearCache(h *octt) {
	h.boot()
	for _, st := range []ocpp16.ClearCacheStatus{ocpp16.ClearCacheStatusAccepted, ocpp16.ClearCacheStatusRejected} {
		cmd, _ := h.command(ocpp16.ClearCacheRequest{}, ocpp16.ClearCacheResponse{Status: st})
		h.recorded(cmd, st)
	}
}

// remoteStart sends RemoteStartTransaction for tag on connector 1, answered
// with st, and checks what the charge point received.
func (h *octt) remoteStart(tag string, st ocpp16.RemoteStartStopStatus) {
	h.t.Helper()
	cmd, got := h.command(ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: tag}, ocpp16.RemoteStartTransactionResponse{Status: st})
	req := payloadOf[ocpp16.RemoteStartTransactionRequest](h, got)
	if req.IdTag != tag || req.ConnectorId == nil || *req.ConnectorId != 1 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, st)
}

func octtRemoteStartPluggedIn(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.remoteStart(tagOK, ocpp16.RemoteStartStopStatusAccepted)
	h.authorize(tagOK, ocpp16.AuthorizationStatusAccepted)
	h.startOn(tagOK)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
}

func octtRemoteStartFirst(h *octt) {
	h.boot()
	h.remoteStart(tagOK, ocpp16.RemoteStartStopStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.authorize(tagOK, ocpp16.AuthorizationStatusAccepted)
	h.startOn(tagOK)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
}

func octtRemoteStartTimeout(h *octt) {
	h.boot()
	h.remoteStart(tagOK, ocpp16.RemoteStartStopStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	h.noActiveSession()
}

// remoteStop sends RemoteStopTransaction for tx, answered with st.
func (h *octt) remoteStop(tx int, st ocpp16.RemoteStartStopStatus) {
	h.t.Helper()
	cmd, got := h.command(ocpp16.RemoteStopTransactionRequest{TransactionId: tx}, ocpp16.RemoteStopTransactionResponse{Status: st})
	if req := payloadOf[ocpp16.RemoteStopTransactionRequest](h, got); req.TransactionId != tx {
		h.t.Fatalf("charge point received %s, want transaction %d", got, tx)
	}
	h.recorded(cmd, st)
}

func octtRemoteStop(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	h.remoteStop(tx, ocpp16.RemoteStartStopStatusAccepted)
	h.stop(tx, 2500, ocpp16.ReasonRemote)
	h.finishing()
}

func octtRemoteStartRejected(h *octt) {
	h.boot()
	h.remoteStart(tagOK, ocpp16.RemoteStartStopStatusRejected)
	h.noActiveSession()
}

func octtRemoteStopRejected(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	h.remoteStop(tx, ocpp16.RemoteStartStopStatusRejected)
	if !h.session(tx).IsActive() {
		h.t.Fatal("session ended by a rejected remote stop")
	}
}

// reset sends Reset of type, answered Accepted.
func (h *octt) reset(typ ocpp16.ResetType) {
	h.t.Helper()
	cmd, got := h.command(ocpp16.ResetRequest{Type: typ}, ocpp16.ResetResponse{Status: ocpp16.ResetStatusAccepted})
	if req := payloadOf[ocpp16.ResetRequest](h, got); req.Type != typ {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.ResetStatusAccepted)
}

func octtHardReset(h *octt) {
	h.boot()
	h.reset(ocpp16.ResetTypeHard)
	h.reconnect()
	h.boot()
	for c := 0; c <= 1; c++ {
		h.status(c, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	}
}

func octtSoftReset(h *octt) {
	h.boot()
	h.reset(ocpp16.ResetTypeSoft)
	h.reconnect()
	h.boot()
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
}

// unlock sends UnlockConnector for connector 1, answered with st.
func (h *octt) unlock(st ocpp16.UnlockStatus) {
	h.t.Helper()
	cmd, got := h.command(ocpp16.UnlockConnectorRequest{ConnectorId: 1}, ocpp16.UnlockConnectorResponse{Status: st})
	if req := payloadOf[ocpp16.UnlockConnectorRequest](h, got); req.ConnectorId != 1 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, st)
}

func octtUnlock(st ocpp16.UnlockStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
		h.unlock(st)
	}
}

func octtUnlockCharging(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	h.unlock(ocpp16.UnlockStatusUnlocked)
	h.stop(tx, 2200, ocpp16.ReasonUnlockCommand)
	h.finishing()
}

// configurationValue returns the stored value of key.
func (h *octt) configurationValue(key string) (*store.ConfigurationKey, error) {
	return h.e.csms.Store.ConfigurationValue(h.ctx, h.row.ID, key)
}

func octtGetAllConfiguration(h *octt) {
	h.boot()
	keys := []ocpp16.KeyValue{
		{Key: "HeartbeatInterval", Value: "300"},
		{Key: "MeterValueSampleInterval", Value: "60"},
		{Key: "NumberOfConnectors", Value: "2", Readonly: true},
	}
	cmd, got := h.command(ocpp16.GetConfigurationRequest{}, ocpp16.GetConfigurationResponse{ConfigurationKey: keys})
	if req := payloadOf[ocpp16.GetConfigurationRequest](h, got); len(req.Key) != 0 {
		h.t.Fatalf("charge point received %s, want no keys", got)
	}
	if cmd.Status != "completed" {
		h.t.Fatalf("command recorded as %+v", cmd)
	}
	stored, err := h.e.csms.Store.Configuration(h.ctx, h.row.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	if len(stored) != len(keys) {
		h.t.Fatalf("stored %d keys, want %d: %+v", len(stored), len(keys), stored)
	}
	for _, kv := range keys {
		k, err := h.configurationValue(kv.Key)
		if err != nil || k.Value != kv.Value || k.Readonly != kv.Readonly {
			h.t.Errorf("stored %s = %+v, %v; want %+v", kv.Key, k, err, kv)
		}
	}
}

func octtGetConfigurationKey(h *octt) {
	h.boot()
	cmd, got := h.command(ocpp16.GetConfigurationRequest{Key: []string{"HeartbeatInterval"}},
		ocpp16.GetConfigurationResponse{ConfigurationKey: []ocpp16.KeyValue{{Key: "HeartbeatInterval", Value: "300"}}})
	if req := payloadOf[ocpp16.GetConfigurationRequest](h, got); len(req.Key) != 1 || req.Key[0] != "HeartbeatInterval" {
		h.t.Fatalf("charge point received %s", got)
	}
	if cmd.Status != "completed" {
		h.t.Fatalf("command recorded as %+v", cmd)
	}
	if k, err := h.configurationValue("HeartbeatInterval"); err != nil || k.Value != "300" {
		h.t.Fatalf("stored HeartbeatInterval = %+v, %v", k, err)
	}
}

func octtChangeConfiguration(st ocpp16.ConfigurationStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		key := "MeterValueSampleInterval"
		if st == ocpp16.ConfigurationStatusNotSupported {
			key = "OCTTUnknownKey"
		}
		cmd, got := h.command(ocpp16.ChangeConfigurationRequest{Key: key, Value: "60"}, ocpp16.ChangeConfigurationResponse{Status: st})
		if req := payloadOf[ocpp16.ChangeConfigurationRequest](h, got); req.Key != key || req.Value != "60" {
			h.t.Fatalf("charge point received %s", got)
		}
		h.recorded(cmd, st)
		k, err := h.configurationValue(key)
		switch {
		case st == ocpp16.ConfigurationStatusAccepted && (err != nil || k.Value != "60"):
			h.t.Fatalf("stored %s = %+v, %v; want 60", key, k, err)
		case st != ocpp16.ConfigurationStatusAccepted && !errors.Is(err, store.ErrNotFound):
			h.t.Fatalf("a %s change was stored: %+v, %v", st, k, err)
		}
	}
}

func octtAuthorizeRefused(want ocpp16.AuthorizationStatus, tags ...string) func(*octt) {
	return func(h *octt) {
		h.boot()
		for _, tag := range tags {
			h.authorize(tag, want)
		}
	}
}

func octtLockFailure(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	h.status(1, ocpp16.ChargePointStatusFaulted, ocpp16.ChargePointErrorCodeConnectorLockFailure)
	h.noActiveSession()
}

func octtPowerFailure(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	h.reconnect() // after a power failure
	h.boot()
	h.status(1, ocpp16.ChargePointStatusFinishing, ocpp16.ChargePointErrorCodeNoError)
	h.stop(tx, 1800, ocpp16.ReasonPowerLoss)
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	h.noActiveSession()
}

func octtOfflineStartValid(h *octt) {
	h.boot()
	at := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
	tx := h.start(ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: tagOK, MeterStart: 500, Timestamp: ocpp16.NewDateTime(at)}, ocpp16.AuthorizationStatusAccepted)
	if s := h.session(tx); !s.StartedAt.Equal(at) || !s.IsActive() {
		h.t.Fatalf("session started at %v (active %v), want %v", s.StartedAt, s.IsActive(), at)
	}
}

func octtOfflineStartInvalid(h *octt) {
	h.boot()
	at := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
	tx := h.start(ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: tagInvalid, MeterStart: 500, Timestamp: ocpp16.NewDateTime(at)}, ocpp16.AuthorizationStatusInvalid)
	h.status(1, ocpp16.ChargePointStatusSuspendedEVSE, ocpp16.ChargePointErrorCodeNoError)
	h.stop(tx, 600, ocpp16.ReasonDeAuthorized)
	h.finishing()
}

func octtOfflineTransaction(h *octt) {
	h.boot()
	started := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	// While offline the charge point queued a whole transaction.
	res, err := h.cp.StartTransaction(h.ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: tagOK, MeterStart: 1000, Timestamp: ocpp16.NewDateTime(started)})
	if err != nil || res.IdTagInfo.Status != ocpp16.AuthorizationStatusAccepted {
		h.t.Fatalf("StartTransaction = %+v, %v", res, err)
	}
	tx := res.TransactionId
	if _, err := h.cp.MeterValues(h.ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{{
		Timestamp:    ocpp16.NewDateTime(started.Add(30 * time.Minute)),
		SampledValue: []ocpp16.SampledValue{{Value: "3000", Measurand: ocpp16.MeasurandEnergyActiveImportRegister, Unit: ocpp16.UnitOfMeasureWh}},
	}}}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.cp.StopTransaction(h.ctx, ocpp16.StopTransactionRequest{TransactionId: tx, MeterStop: 5000, Timestamp: ocpp16.NewDateTime(started.Add(time.Hour - time.Minute)), Reason: ocpp16.ReasonLocal}); err != nil {
		h.t.Fatal(err)
	}
	s := h.session(tx)
	if s.IsActive() || !s.StartedAt.Equal(started) || s.StoppedAt == nil || !s.StoppedAt.Equal(started.Add(time.Hour-time.Minute)) || s.EnergyConsumed != 4 {
		h.t.Fatalf("offline session recorded as %+v", s)
	}
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
}

func octtGetLocalListVersion(version int) func(*octt) {
	return func(h *octt) {
		h.boot()
		cmd, _ := h.command(ocpp16.GetLocalListVersionRequest{}, ocpp16.GetLocalListVersionResponse{ListVersion: version})
		var r ocpp16.GetLocalListVersionResponse
		if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil || cmd.Status != "completed" || r.ListVersion != version {
			h.t.Fatalf("command recorded as %+v", cmd)
		}
		if v, err := h.e.csms.Store.LocalListVersion(h.ctx, h.row.ID); err != nil || v != version {
			h.t.Fatalf("stored local list version %d, %v; want %d", v, err, version)
		}
	}
}

// localList is a full list of two entries, each with its idTagInfo.
func localList() []ocpp16.AuthorizationData {
	expiry := ocpp16.NewDateTime(time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second))
	return []ocpp16.AuthorizationData{
		{IdTag: tagOK, IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted, ExpiryDate: &expiry}},
		{IdTag: tagBlocked, IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusBlocked}},
	}
}

func octtSendLocalListRefused(st ocpp16.UpdateStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		cmd, _ := h.command(ocpp16.SendLocalListRequest{ListVersion: 1, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: localList()}, ocpp16.SendLocalListResponse{Status: st})
		h.recorded(cmd, st)
		if entries, err := h.e.csms.Store.LocalListEntries(h.ctx, h.row.ID); err != nil || len(entries) != 0 {
			h.t.Fatalf("a %s list was stored: %+v, %v", st, entries, err)
		}
	}
}

// sendFullList sends the full list of localList as version 1, accepted.
func (h *octt) sendFullList() {
	h.t.Helper()
	cmd, got := h.command(ocpp16.SendLocalListRequest{ListVersion: 1, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: localList()}, ocpp16.SendLocalListResponse{Status: ocpp16.UpdateStatusAccepted})
	h.recorded(cmd, ocpp16.UpdateStatusAccepted)
	req := payloadOf[ocpp16.SendLocalListRequest](h, got)
	if req.UpdateType != ocpp16.UpdateTypeFull || len(req.LocalAuthorizationList) != 2 {
		h.t.Fatalf("charge point received %s", got)
	}
	for _, a := range req.LocalAuthorizationList {
		if a.IdTagInfo == nil {
			h.t.Fatalf("entry %s of a full list without idTagInfo", a.IdTag)
		}
	}
}

func octtSendLocalListFull(h *octt) {
	h.boot()
	h.sendFullList()
	h.refused(ocpp16.SendLocalListRequest{ListVersion: 2, UpdateType: ocpp16.UpdateTypeFull, LocalAuthorizationList: []ocpp16.AuthorizationData{{IdTag: tagOK2}}})
	h.localListIs(1, map[string]string{tagOK: "Accepted", tagBlocked: "Blocked"})
}

func octtSendLocalListDifferential(h *octt) {
	h.boot()
	h.sendFullList()
	cmd, got := h.command(ocpp16.SendLocalListRequest{ListVersion: 2, UpdateType: ocpp16.UpdateTypeDifferential, LocalAuthorizationList: []ocpp16.AuthorizationData{
		{IdTag: tagOK2, IdTagInfo: &ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}},
	}}, ocpp16.SendLocalListResponse{Status: ocpp16.UpdateStatusAccepted})
	h.recorded(cmd, ocpp16.UpdateStatusAccepted)
	if req := payloadOf[ocpp16.SendLocalListRequest](h, got); req.ListVersion != 2 || len(req.LocalAuthorizationList) != 1 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.localListIs(2, map[string]string{tagOK: "Accepted", tagBlocked: "Blocked", tagOK2: "Accepted"})
}

// localListIs requires the stored local list to be version with entries.
func (h *octt) localListIs(version int, entries map[string]string) {
	h.t.Helper()
	if v, err := h.e.csms.Store.LocalListVersion(h.ctx, h.row.ID); err != nil || v != version {
		h.t.Fatalf("stored local list version %d, %v; want %d", v, err, version)
	}
	got, err := h.e.csms.Store.LocalListEntries(h.ctx, h.row.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	if len(got) != len(entries) {
		h.t.Fatalf("stored list %+v, want %v", got, entries)
	}
	for _, e := range got {
		if entries[e.IDTag] != e.Status {
			h.t.Fatalf("stored entry %+v, want %v", e, entries)
		}
	}
}

// firmwareStatus sends a FirmwareStatusNotification and requires it stored.
func (h *octt) firmwareStatus(st ocpp16.FirmwareStatus) {
	h.t.Helper()
	if _, err := h.cp.FirmwareStatusNotification(h.ctx, st); err != nil {
		h.t.Fatalf("FirmwareStatusNotification %s: %v", st, err)
	}
	if r := h.report(store.ReportFirmware); r.Status != string(st) {
		h.t.Fatalf("firmware status stored as %s, want %s", r.Status, st)
	}
}

func octtFirmware(last ocpp16.FirmwareStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		retrieve := ocpp16.NewDateTime(time.Now().UTC().Truncate(time.Second))
		cmd, got := h.command(ocpp16.UpdateFirmwareRequest{Location: "https://firmware.example.com/octt.bin", RetrieveDate: retrieve}, ocpp16.UpdateFirmwareResponse{})
		if req := payloadOf[ocpp16.UpdateFirmwareRequest](h, got); req.Location != "https://firmware.example.com/octt.bin" || !req.RetrieveDate.Equal(retrieve.Time) {
			h.t.Fatalf("charge point received %s", got)
		}
		if cmd.Status != "completed" {
			h.t.Fatalf("command recorded as %+v", cmd)
		}
		h.firmwareStatus(ocpp16.FirmwareStatusDownloading)
		if last == ocpp16.FirmwareStatusDownloadFailed {
			h.firmwareStatus(last)
			return
		}
		h.firmwareStatus(ocpp16.FirmwareStatusDownloaded)
		h.firmwareStatus(ocpp16.FirmwareStatusInstalling)
		h.reconnect() // the charge point reboots into the new firmware
		h.boot()
		h.firmwareStatus(last)
		h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	}
}

func octtDiagnostics(last ocpp16.DiagnosticsStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		cmd, got := h.command(ocpp16.GetDiagnosticsRequest{Location: "ftp://diagnostics.example.com/upload"}, ocpp16.GetDiagnosticsResponse{FileName: "octt-diagnostics.zip"})
		if req := payloadOf[ocpp16.GetDiagnosticsRequest](h, got); req.Location != "ftp://diagnostics.example.com/upload" {
			h.t.Fatalf("charge point received %s", got)
		}
		var r ocpp16.GetDiagnosticsResponse
		if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil || cmd.Status != "completed" || r.FileName != "octt-diagnostics.zip" {
			h.t.Fatalf("command recorded as %+v", cmd)
		}
		for _, st := range []ocpp16.DiagnosticsStatus{ocpp16.DiagnosticsStatusUploading, last} {
			if _, err := h.cp.DiagnosticsStatusNotification(h.ctx, st); err != nil {
				h.t.Fatal(err)
			}
			if r := h.report(store.ReportDiagnostics); r.Status != string(st) {
				h.t.Fatalf("diagnostics status stored as %s, want %s", r.Status, st)
			}
		}
	}
}

// reserve sends ReserveNow, answered with st, and returns the request.
func (h *octt) reserve(req ocpp16.ReserveNowRequest, st ocpp16.ReservationStatus) {
	h.t.Helper()
	cmd, got := h.command(req, ocpp16.ReserveNowResponse{Status: st})
	if sent := payloadOf[ocpp16.ReserveNowRequest](h, got); sent.ReservationId != req.ReservationId || sent.ConnectorId != req.ConnectorId || sent.IdTag != req.IdTag || sent.ParentIdTag != req.ParentIdTag {
		h.t.Fatalf("charge point received %s for %+v", got, req)
	}
	h.recorded(cmd, st)
	r, err := h.e.csms.Store.ReservationByID(h.ctx, h.row.ID, req.ReservationId)
	switch {
	case st == ocpp16.ReservationStatusAccepted && (err != nil || r.Status != store.ReservationActive || r.ConnectorID != req.ConnectorId || r.IDTag != req.IdTag):
		h.t.Fatalf("reservation stored as %+v, %v", r, err)
	case st != ocpp16.ReservationStatusAccepted && !errors.Is(err, store.ErrNotFound):
		h.t.Fatalf("a %s reservation was stored: %+v, %v", st, r, err)
	}
}

func reservation(id, connector int, tag string) ocpp16.ReserveNowRequest {
	return ocpp16.ReserveNowRequest{ConnectorId: connector, ExpiryDate: ocpp16.NewDateTime(time.Now().Add(time.Hour).UTC().Truncate(time.Second)), IdTag: tag, ReservationId: id}
}

// useReservation starts a transaction of tag on connector 1 with
// reservation id and requires the reservation to be used by it.
func (h *octt) useReservation(id int, tag string) {
	h.t.Helper()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	tx := h.start(ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: tag, MeterStart: 0, ReservationId: ptr(id)}, ocpp16.AuthorizationStatusAccepted)
	s := h.session(tx)
	r, err := h.e.csms.Store.ReservationByID(h.ctx, h.row.ID, id)
	if err != nil || r.Status != store.ReservationUsed || r.SessionID == nil || *r.SessionID != s.ID || s.ReservationID == nil || *s.ReservationID != id {
		h.t.Fatalf("reservation %+v, %v; session %+v", r, err, s)
	}
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
}

func octtReserveConnector(h *octt) {
	h.boot()
	h.reserve(reservation(46, 1, tagOK), ocpp16.ReservationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusReserved, ocpp16.ChargePointErrorCodeNoError)
	h.authorize(tagOK, ocpp16.AuthorizationStatusAccepted)
	h.useReservation(46, tagOK)
}

func octtReservationExpires(h *octt) {
	h.boot()
	req := reservation(47, 1, tagOK)
	req.ExpiryDate = ocpp16.NewDateTime(time.Now().Add(-time.Second).UTC().Truncate(time.Second))
	h.reserve(req, ocpp16.ReservationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusReserved, ocpp16.ChargePointErrorCodeNoError)
	if err := h.e.csms.Remote.ExpireReservations(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	if r, err := h.e.csms.Store.ReservationByID(h.ctx, h.row.ID, 47); err != nil || r.Status != store.ReservationExpired {
		h.t.Fatalf("reservation after expiry %+v, %v", r, err)
	}
}

func octtReserveRefused(st ocpp16.ReservationStatus) func(*octt) {
	return func(h *octt) {
		h.boot()
		switch st {
		case ocpp16.ReservationStatusFaulted:
			h.status(1, ocpp16.ChargePointStatusFaulted, ocpp16.ChargePointErrorCodeGroundFailure)
		case ocpp16.ReservationStatusOccupied:
			h.charging(tagOK)
		}
		h.reserve(reservation(48, 1, tagOK2), st)
	}
}

func octtReserveUnavailable(h *octt) {
	h.boot()
	cmd, got := h.command(ocpp16.ChangeAvailabilityRequest{ConnectorId: 1, Type: ocpp16.AvailabilityTypeInoperative}, ocpp16.ChangeAvailabilityResponse{Status: ocpp16.AvailabilityStatusAccepted})
	if req := payloadOf[ocpp16.ChangeAvailabilityRequest](h, got); req.ConnectorId != 1 || req.Type != ocpp16.AvailabilityTypeInoperative {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.AvailabilityStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusUnavailable, ocpp16.ChargePointErrorCodeNoError)
	h.reserve(reservation(48, 1, tagOK), ocpp16.ReservationStatusUnavailable)
}

func octtReserveChargePoint(h *octt) {
	h.boot()
	h.reserve(reservation(49, 0, tagOK), ocpp16.ReservationStatusAccepted)
	h.useReservation(49, tagOK)
}

func octtCancelReservation(h *octt) {
	h.boot()
	h.reserve(reservation(51, 1, tagOK), ocpp16.ReservationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusReserved, ocpp16.ChargePointErrorCodeNoError)
	cmd, got := h.command(ocpp16.CancelReservationRequest{ReservationId: 51}, ocpp16.CancelReservationResponse{Status: ocpp16.CancelReservationStatusAccepted})
	if req := payloadOf[ocpp16.CancelReservationRequest](h, got); req.ReservationId != 51 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.CancelReservationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	if r, err := h.e.csms.Store.ReservationByID(h.ctx, h.row.ID, 51); err != nil || r.Status != store.ReservationCancelled {
		h.t.Fatalf("reservation after cancel %+v, %v", r, err)
	}
}

func octtCancelReservationRejected(h *octt) {
	h.boot()
	h.reserve(reservation(52, 1, tagOK), ocpp16.ReservationStatusAccepted)
	cmd, _ := h.command(ocpp16.CancelReservationRequest{ReservationId: 52}, ocpp16.CancelReservationResponse{Status: ocpp16.CancelReservationStatusRejected})
	h.recorded(cmd, ocpp16.CancelReservationStatusRejected)
	if r, err := h.e.csms.Store.ReservationByID(h.ctx, h.row.ID, 52); err != nil || r.Status != store.ReservationActive {
		h.t.Fatalf("reservation after a rejected cancel %+v, %v", r, err)
	}
}

func octtReserveParentIDTag(h *octt) {
	h.boot()
	req := reservation(53, 1, tagChild1)
	req.ParentIdTag = tagParent
	h.reserve(req, ocpp16.ReservationStatusAccepted)
	h.status(1, ocpp16.ChargePointStatusReserved, ocpp16.ChargePointErrorCodeNoError)
	// Another tag of the same parent: the charge point matches the
	// reservation by the parentIdTag it is told.
	if info := h.authorize(tagChild2, ocpp16.AuthorizationStatusAccepted); info.ParentIdTag != tagParent {
		h.t.Fatalf("Authorize %s answered parentIdTag %q, want %q", tagChild2, info.ParentIdTag, tagParent)
	}
	h.useReservation(53, tagChild2)
}

// trigger sends TriggerMessage for msg; an accepting charge point then
// sends the message with send, whose reply must come back without error.
func (h *octt) trigger(msg ocpp16.MessageTrigger, st ocpp16.TriggerMessageStatus, send func(ctx context.Context, cp *ocpptest.ChargePoint) error) {
	h.t.Helper()
	sent := make(chan error, 1)
	h.cp.Handle(ocpp16.ActionTriggerMessage, func(ctx context.Context, _ json.RawMessage) (any, error) {
		res := ocpp16.TriggerMessageResponse{Status: st}
		if send == nil {
			return res, nil
		}
		return ocpptest.ReplyThen(res, func() { sent <- send(h.ctx, h.cp) }), nil
	})
	req := ocpp16.TriggerMessageRequest{RequestedMessage: msg}
	if msg == ocpp16.MessageTriggerMeterValues || msg == ocpp16.MessageTriggerStatusNotification {
		req.ConnectorId = ptr(1)
	}
	cmd, got := h.command(req, nil)
	if r := payloadOf[ocpp16.TriggerMessageRequest](h, got); r.RequestedMessage != msg {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, st)
	if send != nil {
		if err := <-sent; err != nil {
			h.t.Fatalf("triggered %s: %v", msg, err)
		}
	}
}

func octtTriggerMessage(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
	h.trigger(ocpp16.MessageTriggerMeterValues, ocpp16.TriggerMessageStatusAccepted, func(ctx context.Context, cp *ocpptest.ChargePoint) error {
		_, err := cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{{
			Timestamp:    ocpp16.NewDateTime(time.Now()),
			SampledValue: []ocpp16.SampledValue{{Value: "1234", Context: ocpp16.ReadingContextTrigger}},
		}}})
		return err
	})
	h.trigger(ocpp16.MessageTriggerHeartbeat, ocpp16.TriggerMessageStatusAccepted, func(ctx context.Context, cp *ocpptest.ChargePoint) error {
		_, err := cp.Heartbeat(ctx)
		return err
	})
	h.trigger(ocpp16.MessageTriggerStatusNotification, ocpp16.TriggerMessageStatusAccepted, func(ctx context.Context, cp *ocpptest.ChargePoint) error {
		_, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
		return err
	})
	h.trigger(ocpp16.MessageTriggerDiagnosticsStatusNotification, ocpp16.TriggerMessageStatusAccepted, func(ctx context.Context, cp *ocpptest.ChargePoint) error {
		_, err := cp.DiagnosticsStatusNotification(ctx, ocpp16.DiagnosticsStatusIdle)
		return err
	})
	h.trigger(ocpp16.MessageTriggerFirmwareStatusNotification, ocpp16.TriggerMessageStatusNotImplemented, nil)
	if r := h.report(store.ReportDiagnostics); r.Status != string(ocpp16.DiagnosticsStatusIdle) {
		h.t.Errorf("diagnostics status stored as %s", r.Status)
	}
	var n int64
	if err := h.db.Model(&store.MeterValue{}).Where("charge_point_id = ? AND context = ?", h.row.ID, "Trigger").Count(&n).Error; err != nil || n != 1 {
		h.t.Errorf("triggered meter values stored: %d, %v", n, err)
	}
}

func octtTriggerMessageRejected(h *octt) {
	h.boot()
	h.trigger(ocpp16.MessageTriggerMeterValues, ocpp16.TriggerMessageStatusRejected, nil)
}

// schedule is a charging schedule of one period at 16 A from 0.
func schedule(start *ocpp16.DateTime) ocpp16.ChargingSchedule {
	return ocpp16.ChargingSchedule{StartSchedule: start, ChargingRateUnit: ocpp16.ChargingRateUnitA, ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 16}}}
}

// setProfile sends SetChargingProfile, accepted, and requires the profile
// stored as sent.
func (h *octt) setProfile(connector int, p ocpp16.ChargingProfile) ocpp16.ChargingProfile {
	h.t.Helper()
	cmd, got := h.command(ocpp16.SetChargingProfileRequest{ConnectorId: connector, CsChargingProfiles: p}, ocpp16.SetChargingProfileResponse{Status: ocpp16.ChargingProfileStatusAccepted})
	h.recorded(cmd, ocpp16.ChargingProfileStatusAccepted)
	sent := payloadOf[ocpp16.SetChargingProfileRequest](h, got)
	h.profileStored(connector, sent.CsChargingProfiles)
	return sent.CsChargingProfiles
}

// profileStored requires profile p to be stored for connector.
func (h *octt) profileStored(connector int, p ocpp16.ChargingProfile) {
	h.t.Helper()
	ps, err := h.e.csms.Store.ChargingProfiles(h.ctx, h.row.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, s := range ps {
		if s.ProfileID == p.ChargingProfileId && s.ConnectorID == connector && s.Purpose == string(p.ChargingProfilePurpose) && s.StackLevel == p.StackLevel {
			return
		}
	}
	h.t.Fatalf("profile %d not stored for connector %d: %+v", p.ChargingProfileId, connector, ps)
}

func octtTxDefaultProfile(h *octt) {
	h.boot()
	p := h.setProfile(1, ocpp16.ChargingProfile{ChargingProfileId: 56, StackLevel: 0, ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxDefaultProfile, ChargingProfileKind: ocpp16.ChargingProfileKindRelative, ChargingSchedule: schedule(nil)})
	if p.TransactionId != nil || p.RecurrencyKind != "" {
		h.t.Fatalf("TxDefaultProfile sent with transactionId or recurrencyKind: %+v", p)
	}
	p.TransactionId = ptr(1)
	h.refused(ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: p})
	p.TransactionId, p.RecurrencyKind = nil, ocpp16.RecurrencyKindDaily
	h.refused(ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: p})
}

func octtTxProfile(h *octt) {
	h.boot()
	tx := h.charging(tagOK)
	start := ocpp16.NewDateTime(time.Now().UTC().Truncate(time.Second))
	abs := h.setProfile(1, ocpp16.ChargingProfile{ChargingProfileId: 57, TransactionId: &tx, StackLevel: 1, ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxProfile, ChargingProfileKind: ocpp16.ChargingProfileKindAbsolute, ChargingSchedule: schedule(&start)})
	if abs.TransactionId == nil || *abs.TransactionId != tx || abs.ChargingSchedule.StartSchedule == nil {
		h.t.Fatalf("absolute TxProfile sent as %+v", abs)
	}
	rel := h.setProfile(1, ocpp16.ChargingProfile{ChargingProfileId: 58, TransactionId: &tx, StackLevel: 2, ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxProfile, ChargingProfileKind: ocpp16.ChargingProfileKindRelative, ChargingSchedule: schedule(nil)})
	if rel.TransactionId == nil || *rel.TransactionId != tx || rel.ChargingSchedule.StartSchedule != nil {
		h.t.Fatalf("relative TxProfile sent as %+v", rel)
	}
	abs.ChargingSchedule.StartSchedule, rel.ChargingSchedule.StartSchedule = nil, &start
	h.refused(ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: abs})
	h.refused(ocpp16.SetChargingProfileRequest{ConnectorId: 1, CsChargingProfiles: rel})
}

func octtRemoteStartWithProfile(h *octt) {
	h.boot()
	h.status(1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError)
	profile := ocpp16.ChargingProfile{ChargingProfileId: 59, StackLevel: 0, ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxProfile, ChargingProfileKind: ocpp16.ChargingProfileKindRelative, ChargingSchedule: schedule(nil)}
	cmd, got := h.command(ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: tagOK, ChargingProfile: &profile}, ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted})
	h.recorded(cmd, ocpp16.RemoteStartStopStatusAccepted)
	req := payloadOf[ocpp16.RemoteStartTransactionRequest](h, got)
	p := req.ChargingProfile
	if p == nil || p.ChargingProfilePurpose != ocpp16.ChargingProfilePurposeTxProfile || p.TransactionId != nil || p.ChargingSchedule.ChargingSchedulePeriod[0].StartPeriod != 0 {
		h.t.Fatalf("charge point received %s", got)
	}
	h.profileStored(1, *p)
	p.TransactionId = ptr(1)
	h.refused(ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: tagOK, ChargingProfile: p})
	p.TransactionId, p.ChargingProfilePurpose = nil, ocpp16.ChargingProfilePurposeTxDefaultProfile
	h.refused(ocpp16.RemoteStartTransactionRequest{ConnectorId: ptr(1), IdTag: tagOK, ChargingProfile: p})
	h.startOn(tagOK)
	h.status(1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError)
}

func octtCompositeSchedule(h *octt) {
	h.boot()
	start := ocpp16.NewDateTime(time.Now().UTC().Truncate(time.Second))
	sched := schedule(&start)
	sched.Duration = ptr(300)
	cmd, got := h.command(ocpp16.GetCompositeScheduleRequest{ConnectorId: 1, Duration: 300, ChargingRateUnit: ocpp16.ChargingRateUnitA},
		ocpp16.GetCompositeScheduleResponse{Status: ocpp16.GetCompositeScheduleStatusAccepted, ConnectorId: ptr(1), ScheduleStart: &start, ChargingSchedule: &sched})
	if req := payloadOf[ocpp16.GetCompositeScheduleRequest](h, got); req.ConnectorId != 1 || req.Duration != 300 || req.ChargingRateUnit != ocpp16.ChargingRateUnitA {
		h.t.Fatalf("charge point received %s", got)
	}
	h.recorded(cmd, ocpp16.GetCompositeScheduleStatusAccepted)
	var r ocpp16.GetCompositeScheduleResponse
	if err := json.Unmarshal([]byte(cmd.Response), &r); err != nil || r.ChargingSchedule == nil || len(r.ChargingSchedule.ChargingSchedulePeriod) != 1 || r.ChargingSchedule.ChargingSchedulePeriod[0].Limit != 16 {
		h.t.Fatalf("schedule recorded as %s", cmd.Response)
	}
}

func octtClearChargingProfile(h *octt) {
	h.boot()
	profile := func(id, connector, level int, purpose ocpp16.ChargingProfilePurpose) {
		h.setProfile(connector, ocpp16.ChargingProfile{ChargingProfileId: id, StackLevel: level, ChargingProfilePurpose: purpose, ChargingProfileKind: ocpp16.ChargingProfileKindRelative, ChargingSchedule: schedule(nil)})
	}
	profile(1, 1, 0, ocpp16.ChargingProfilePurposeTxDefaultProfile)
	profile(2, 1, 1, ocpp16.ChargingProfilePurposeTxDefaultProfile)
	profile(3, 2, 0, ocpp16.ChargingProfilePurposeTxDefaultProfile)
	profile(4, 0, 0, ocpp16.ChargingProfilePurposeChargePointMaxProfile)
	left := func(want ...int) {
		h.t.Helper()
		ps, err := h.e.csms.Store.ChargingProfiles(h.ctx, h.row.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		got := map[int]bool{}
		for _, p := range ps {
			got[p.ProfileID] = true
		}
		if len(got) != len(want) {
			h.t.Fatalf("profiles left %v, want %v", got, want)
		}
		for _, id := range want {
			if !got[id] {
				h.t.Fatalf("profiles left %v, want %v", got, want)
			}
		}
	}
	clear := func(req ocpp16.ClearChargingProfileRequest) {
		h.t.Helper()
		cmd, got := h.command(req, ocpp16.ClearChargingProfileResponse{Status: ocpp16.ClearChargingProfileStatusAccepted})
		h.recorded(cmd, ocpp16.ClearChargingProfileStatusAccepted)
		want, _ := json.Marshal(req)
		if string(got) != string(want) {
			h.t.Fatalf("charge point received %s, want %s", got, want)
		}
	}
	clear(ocpp16.ClearChargingProfileRequest{Id: ptr(1)})
	left(2, 3, 4)
	clear(ocpp16.ClearChargingProfileRequest{ConnectorId: ptr(1), ChargingProfilePurpose: ocpp16.ChargingProfilePurposeTxDefaultProfile, StackLevel: ptr(1)})
	left(3, 4)
	clear(ocpp16.ClearChargingProfileRequest{})
	left()
}

func octtDataTransfer(h *octt) {
	h.boot()
	res, err := h.cp.DataTransfer(h.ctx, ocpp16.DataTransferRequest{VendorId: "com.example.octt.unknown", MessageId: "Test", Data: "x"})
	if err != nil {
		h.t.Fatalf("DataTransfer answered with an error: %v", err)
	}
	if res.Status != ocpp16.DataTransferStatusUnknownVendorId && res.Status != ocpp16.DataTransferStatusRejected {
		h.t.Fatalf("DataTransfer = %+v, want UnknownVendorId or Rejected", res)
	}
}
