package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyCustomerInformation publishes each part of the customer
// information the station reports (the answer to CustomerInformation, in
// parts numbered by seqNo) on charge_point_<id>_notifications.
func (v *Defaults201) NotifyCustomerInformation(ctx context.Context, c *Call, req ocpp201.NotifyCustomerInformationRequest) (ocpp201.NotifyCustomerInformationResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyCustomerInformationResponse{}, nil
}
