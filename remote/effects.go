package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// ErrNotRecorded is returned (wrapped), together with the charge point's
// reply, when the charge point answered a command but the state the reply
// implies (a reservation, the local list, a charging profile, a
// configuration key) could not be stored.
var ErrNotRecorded = errors.New("remote: reply not recorded")

// effect records the state implied by a reply to a command: what the
// charge point now holds, as far as the Central System can know it. It runs
// after every reply (sync and async) of its action and decides itself
// whether the reply accepted the request.
type effect func(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error

// effectEnv is what an effect works with.
type effectEnv struct {
	store         *store.Store
	chargePointID uint
	now           time.Time
	publish       func(kind string, v any)
}

// effects maps an action of a version to the state its reply implies. It
// is the one place where commands change stored state, for Send (and
// everything built on it) and for enqueued commands alike.
var effects = map[string]map[string]effect{ocpp.OCPP16: effects16, ocpp.OCPP201: effects201}

// effects16 are the effects of OCPP 1.6 commands.
var effects16 = map[string]effect{
	ocpp16.ActionReserveNow:             reserveNowEffect,
	ocpp16.ActionCancelReservation:      cancelReservationEffect,
	ocpp16.ActionSendLocalList:          sendLocalListEffect,
	ocpp16.ActionGetLocalListVersion:    getLocalListVersionEffect,
	ocpp16.ActionSetChargingProfile:     setChargingProfileEffect,
	ocpp16.ActionClearChargingProfile:   clearChargingProfileEffect,
	ocpp16.ActionRemoteStartTransaction: remoteStartEffect,
	ocpp16.ActionGetConfiguration:       getConfigurationEffect,
	ocpp16.ActionChangeConfiguration:    changeConfigurationEffect,
}

// isSecretKey reports whether the value of a 1.6 configuration key is
// never stored: AuthorizationKey (in any letter case, as charge points
// match keys).
func isSecretKey(key string) bool { return strings.EqualFold(key, AuthorizationKey) }

// applyEffect records the state implied by the reply res to req, sent to
// identity. Its work is not cancelled with ctx: the charge point has
// answered, so the record must follow.
func (c *Client) applyEffect(ctx context.Context, identity string, chargePointID uint, req ocpp.Request, res ocpp.Response) error {
	fn, ok := effects[versionOf(req).Name][req.Action()]
	if !ok {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	if chargePointID == 0 {
		cp, err := c.store.ChargePointByIdentifier(ctx, identity)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrNotRecorded, req.Action(), err)
		}
		chargePointID = cp.ID
	}
	env := &effectEnv{
		store:         c.store,
		chargePointID: chargePointID,
		now:           c.now().UTC(),
		publish: func(kind string, v any) {
			if c.b == nil {
				return
			}
			if err := broadcast.PublishEvent(ctx, c.b, chargePointID, kind, v); err != nil {
				c.logger.Error("publish event", "kind", kind, "charge_point", identity, "err", err)
			}
		},
	}
	if err := fn(ctx, env, req, res); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotRecorded, req.Action(), err)
	}
	return nil
}

// applyStoredEffect is applyEffect for an enqueued command whose reply
// arrived: the request is decoded from the stored payload.
func (c *Client) applyStoredEffect(ctx context.Context, cmd *store.Command, res ocpp.Response) {
	v := commandVersion(cmd)
	if _, ok := effects[v.Name][cmd.Action]; !ok {
		return
	}
	req, _ := v.NewRequest(cmd.Action)
	err := v.Unmarshal(json.RawMessage(cmd.Payload), req, true)
	if err == nil {
		err = c.applyEffect(ctx, cmd.Identifier, cmd.ChargePointID, req, res)
	}
	if err != nil {
		c.logger.Error("record command outcome", "command_id", cmd.ID, "action", cmd.Action, "charge_point", cmd.Identifier, "err", err)
	}
}

// as returns v as T, whether it holds a T or a *T.
func as[T any](v any) (T, bool) {
	switch x := v.(type) {
	case T:
		return x, true
	case *T:
		if x != nil {
			return *x, true
		}
	}
	var zero T
	return zero, false
}

func reservationInfo(r *store.Reservation) broadcast.ReservationInfo {
	return broadcast.ReservationInfo{
		ID:            r.ID,
		ReservationID: r.ReservationID,
		ConnectorID:   r.ConnectorID,
		IDTag:         r.IDTag,
		ExpiryDate:    r.ExpiryDate,
		Status:        r.Status,
		SessionID:     r.SessionID,
		EVSEID:        r.EVSEID,
	}
}

func reserveNowEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.ReserveNowRequest](req)
	r, _ := as[ocpp16.ReserveNowResponse](res)
	if r.Status != ocpp16.ReservationStatusAccepted {
		return nil
	}
	row, err := e.store.SaveReservation(ctx, store.Reservation{
		ChargePointID: e.chargePointID,
		ReservationID: q.ReservationId,
		ConnectorID:   q.ConnectorId,
		IDTag:         q.IdTag,
		ParentIDTag:   q.ParentIdTag,
		ExpiryDate:    q.ExpiryDate.UTC(),
	})
	if err != nil {
		return err
	}
	e.publish(broadcast.KindReservations, broadcast.ReservationEvent{Event: broadcast.ReservationCreated, Reservation: reservationInfo(row)})
	return nil
}

func cancelReservationEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.CancelReservationRequest](req)
	r, _ := as[ocpp16.CancelReservationResponse](res)
	if r.Status != ocpp16.CancelReservationStatusAccepted {
		return nil
	}
	return cancelStoredReservation(ctx, e, q.ReservationId)
}

func sendLocalListEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.SendLocalListRequest](req)
	r, _ := as[ocpp16.SendLocalListResponse](res)
	if r.Status != ocpp16.UpdateStatusAccepted {
		return nil
	}
	u := store.LocalListUpdate{Version: q.ListVersion, Full: q.UpdateType == ocpp16.UpdateTypeFull}
	for _, a := range q.LocalAuthorizationList {
		entry := store.LocalListEntry{IDTag: a.IdTag}
		if a.IdTagInfo != nil {
			entry.Status = string(a.IdTagInfo.Status)
			entry.ParentIDTag = a.IdTagInfo.ParentIdTag
			if a.IdTagInfo.ExpiryDate != nil {
				t := a.IdTagInfo.ExpiryDate.UTC()
				entry.ExpiryDate = &t
			}
		} else if u.Full {
			// In a full list every entry needs its idTagInfo (OCPP 1.6
			// §5.15); a bare id tag is taken as accepted.
			entry.Status = string(ocpp16.AuthorizationStatusAccepted)
		}
		u.Entries = append(u.Entries, entry)
	}
	if err := e.store.ApplyLocalList(ctx, e.chargePointID, u); err != nil {
		return err
	}
	v := q.ListVersion
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingLocalList, Action: q.Action(), Version: &v, Timestamp: e.now})
	return nil
}

func getLocalListVersionEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	r, _ := as[ocpp16.GetLocalListVersionResponse](res)
	return recordLocalListVersion(ctx, e, req.Action(), r.ListVersion)
}

func saveProfile(ctx context.Context, e *effectEnv, action string, connectorID int, p ocpp16.ChargingProfile) error {
	return storeProfile(ctx, e, action, connectorID, p, store.ChargingProfile{
		ProfileID:     p.ChargingProfileId,
		ConnectorID:   connectorID,
		StackLevel:    p.StackLevel,
		Purpose:       string(p.ChargingProfilePurpose),
		Kind:          string(p.ChargingProfileKind),
		TransactionID: p.TransactionId,
	})
}

// storeProfile keeps a charging profile a charge point accepted (of
// either version: row holds its columns, profile is stored as JSON) and
// publishes the change for outlet (1.6's connector, 2.0.1's EVSE).
func storeProfile(ctx context.Context, e *effectEnv, action string, outlet int, profile any, row store.ChargingProfile) error {
	raw, err := json.Marshal(profile)
	if err != nil {
		return err
	}
	row.ChargePointID = e.chargePointID
	row.Profile = string(raw)
	if _, err := e.store.SaveChargingProfile(ctx, row); err != nil {
		return err
	}
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingChargingProfiles, Action: action, ConnectorID: &outlet, Timestamp: e.now})
	return nil
}

func setChargingProfileEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.SetChargingProfileRequest](req)
	r, _ := as[ocpp16.SetChargingProfileResponse](res)
	if r.Status != ocpp16.ChargingProfileStatusAccepted {
		return nil
	}
	return saveProfile(ctx, e, q.Action(), q.ConnectorId, q.CsChargingProfiles)
}

func remoteStartEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.RemoteStartTransactionRequest](req)
	r, _ := as[ocpp16.RemoteStartTransactionResponse](res)
	if r.Status != ocpp16.RemoteStartStopStatusAccepted || q.ChargingProfile == nil {
		return nil
	}
	connector := 0
	if q.ConnectorId != nil {
		connector = *q.ConnectorId
	}
	return saveProfile(ctx, e, q.Action(), connector, *q.ChargingProfile)
}

func clearChargingProfileEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.ClearChargingProfileRequest](req)
	r, _ := as[ocpp16.ClearChargingProfileResponse](res)
	if r.Status != ocpp16.ClearChargingProfileStatusAccepted {
		return nil
	}
	return clearStoredProfiles(ctx, e, q.Action(), store.ChargingProfileFilter{
		ProfileID:   q.Id,
		ConnectorID: q.ConnectorId,
		Purpose:     string(q.ChargingProfilePurpose),
		StackLevel:  q.StackLevel,
	})
}

func getConfigurationEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	r, _ := as[ocpp16.GetConfigurationResponse](res)
	keys := make([]store.ConfigurationKey, 0, len(r.ConfigurationKey))
	names := make([]string, 0, len(r.ConfigurationKey)+len(r.UnknownKey))
	for _, kv := range r.ConfigurationKey {
		k := store.ConfigurationKey{Key: kv.Key, Value: kv.Value, Readonly: kv.Readonly}
		if isSecretKey(kv.Key) {
			k.Value = ""
		}
		keys = append(keys, k)
		names = append(names, kv.Key)
	}
	names = append(names, r.UnknownKey...)
	if len(names) == 0 {
		return nil
	}
	if err := e.store.RecordConfiguration(ctx, e.chargePointID, keys, r.UnknownKey, e.now); err != nil {
		return err
	}
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingConfiguration, Action: req.Action(), Keys: names, Timestamp: e.now})
	return nil
}

func changeConfigurationEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp16.ChangeConfigurationRequest](req)
	r, _ := as[ocpp16.ChangeConfigurationResponse](res)
	reboot := r.Status == ocpp16.ConfigurationStatusRebootRequired
	if r.Status != ocpp16.ConfigurationStatusAccepted && !reboot {
		return nil
	}
	value := q.Value
	if isSecretKey(q.Key) {
		value = ""
	}
	if err := e.store.SetConfigurationValue(ctx, e.chargePointID, q.Key, value, reboot, e.now); err != nil {
		return err
	}
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingConfiguration, Action: q.Action(), Keys: []string{q.Key}, Timestamp: e.now})
	return nil
}

// ExpireReservations marks the reservations past their expiry date as
// Expired and publishes "expired" for each on
// charge_point_<id>_reservations. The client does it every
// Config.ExpireInterval; a host may call it at any time.
func (c *Client) ExpireReservations(ctx context.Context) error {
	rs, err := c.store.ExpireReservations(ctx, c.now().UTC())
	if err != nil {
		return err
	}
	if c.b == nil {
		return nil
	}
	for i := range rs {
		ev := broadcast.ReservationEvent{Event: broadcast.ReservationExpired, Reservation: reservationInfo(&rs[i])}
		if err := broadcast.PublishEvent(ctx, c.b, rs[i].ChargePointID, broadcast.KindReservations, ev); err != nil {
			c.logger.Error("publish event", "kind", broadcast.KindReservations, "charge_point_id", rs[i].ChargePointID, "err", err)
		}
	}
	return nil
}
