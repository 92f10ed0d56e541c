package remote

import (
	"fmt"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// checkRules refuses, before anything is sent, a 1.6 command that its
// schema admits but the text of OCPP 1.6 forbids: a charge point would
// reject it or misread it, and the OCA's compliance test tool checks that a
// Central System never sends it (cases TC_043_4, TC_056, TC_057, TC_059).
// The error wraps ErrInvalidRequest and an *ocpp.Error naming the rule.
func checkRules(req ocpp.Request) error {
	var err *ocpp.Error
	if r, ok := as[ocpp16.SendLocalListRequest](req); ok {
		err = localListRules(r)
	} else if r, ok := as[ocpp16.SetChargingProfileRequest](req); ok {
		err = setChargingProfileRules(r)
	} else if r, ok := as[ocpp16.RemoteStartTransactionRequest](req); ok && r.ChargingProfile != nil {
		err = remoteStartProfileRules(*r.ChargingProfile)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	return nil
}

// localListRules: in a full list every entry carries its idTagInfo (OCPP
// 1.6 §7.2, AuthorizationData: "Required when UpdateType is Full"); in a
// differential one, an entry without it deletes the id tag.
func localListRules(r ocpp16.SendLocalListRequest) *ocpp.Error {
	if r.UpdateType != ocpp16.UpdateTypeFull {
		return nil
	}
	for i, a := range r.LocalAuthorizationList {
		if a.IdTagInfo == nil {
			return ocpp.NewError(ocpp.OccurenceConstraintViolation, "localAuthorizationList[%d] (%s): a Full list needs idTagInfo in every entry", i, a.IdTag)
		}
	}
	return nil
}

// setChargingProfileRules: a ChargePointMaxProfile is set on connector 0
// only, a TxProfile on a connector (§3.13.1 and §5.16), and only a
// TxProfile names a transaction.
func setChargingProfileRules(r ocpp16.SetChargingProfileRequest) *ocpp.Error {
	p := r.CsChargingProfiles
	switch p.ChargingProfilePurpose {
	case ocpp16.ChargingProfilePurposeChargePointMaxProfile:
		if r.ConnectorId != 0 {
			return ocpp.NewError(ocpp.PropertyConstraintViolation, "connectorId %d: a ChargePointMaxProfile is set on connector 0", r.ConnectorId)
		}
	case ocpp16.ChargingProfilePurposeTxProfile:
		if r.ConnectorId == 0 {
			return ocpp.NewError(ocpp.PropertyConstraintViolation, "connectorId 0: a TxProfile is set on a connector")
		}
	}
	if p.TransactionId != nil && p.ChargingProfilePurpose != ocpp16.ChargingProfilePurposeTxProfile {
		return ocpp.NewError(ocpp.OccurenceConstraintViolation, "csChargingProfiles.transactionId: only a TxProfile names a transaction, not a %s", p.ChargingProfilePurpose)
	}
	return profileRules("csChargingProfiles", p)
}

// remoteStartProfileRules: the profile of a RemoteStartTransaction is a
// TxProfile without transactionId, the transaction not having started
// (§5.11).
func remoteStartProfileRules(p ocpp16.ChargingProfile) *ocpp.Error {
	if p.ChargingProfilePurpose != ocpp16.ChargingProfilePurposeTxProfile {
		return ocpp.NewError(ocpp.PropertyConstraintViolation, "chargingProfile.chargingProfilePurpose %s: RemoteStartTransaction takes a TxProfile", p.ChargingProfilePurpose)
	}
	if p.TransactionId != nil {
		return ocpp.NewError(ocpp.OccurenceConstraintViolation, "chargingProfile.transactionId: the transaction of a RemoteStartTransaction has no id yet")
	}
	return profileRules("chargingProfile", p)
}

// profileRules are the rules of every charging profile (§7.8, §7.13): an
// Absolute or Recurring schedule has its startSchedule and a Relative one
// none; recurrencyKind goes with Recurring only; the periods start at 0 and
// in increasing order.
func profileRules(field string, p ocpp16.ChargingProfile) *ocpp.Error {
	s := p.ChargingSchedule
	switch p.ChargingProfileKind {
	case ocpp16.ChargingProfileKindRelative:
		if s.StartSchedule != nil {
			return ocpp.NewError(ocpp.OccurenceConstraintViolation, "%s.chargingSchedule.startSchedule: a Relative profile has none", field)
		}
	case ocpp16.ChargingProfileKindAbsolute, ocpp16.ChargingProfileKindRecurring:
		if s.StartSchedule == nil {
			return ocpp.NewError(ocpp.OccurenceConstraintViolation, "%s.chargingSchedule.startSchedule: an %s profile needs one", field, p.ChargingProfileKind)
		}
	}
	if (p.ChargingProfileKind == ocpp16.ChargingProfileKindRecurring) != (p.RecurrencyKind != "") {
		return ocpp.NewError(ocpp.OccurenceConstraintViolation, "%s.recurrencyKind: goes with a Recurring profile, and only with one", field)
	}
	for i, period := range s.ChargingSchedulePeriod {
		switch {
		case i == 0 && period.StartPeriod != 0:
			return ocpp.NewError(ocpp.PropertyConstraintViolation, "%s.chargingSchedule.chargingSchedulePeriod[0].startPeriod %d: the first period starts at 0", field, period.StartPeriod)
		case i > 0 && period.StartPeriod <= s.ChargingSchedulePeriod[i-1].StartPeriod:
			return ocpp.NewError(ocpp.PropertyConstraintViolation, "%s.chargingSchedule.chargingSchedulePeriod[%d].startPeriod %d: periods are in increasing order", field, i, period.StartPeriod)
		}
	}
	return nil
}
