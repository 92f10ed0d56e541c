package ocpp201_test

import (
	"encoding/json"
	"fmt"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// A station's payload is decoded once, by action name, and validated in the
// same pass; a schema violation is an *ocpp.Error whose code the transport
// spells for the connection's version.
func ExampleUnmarshal() {
	req, _ := ocpp201.NewRequest("StatusNotification")
	payload := []byte(`{"timestamp":"2024-05-01T12:00:00Z","connectorStatus":"Occupied","evseId":1,"connectorId":1}`)
	if err := ocpp201.Unmarshal(payload, req, ocpp201.Strict); err != nil {
		fmt.Println(err)
	}
	sn := req.(*ocpp201.StatusNotificationRequest)
	fmt.Println(sn.EvseId, sn.ConnectorId, sn.ConnectorStatus)

	bad := []byte(`{"timestamp":"2024-05-01T12:00:00Z","connectorStatus":"Charging","evseId":1,"connectorId":1}`)
	err := ocpp201.Unmarshal(bad, req, ocpp201.Strict)
	fmt.Println(err)
	fmt.Println(ocpp.CodeOf(err).For(ocpp.OCPP201))

	bad = []byte(`{"timestamp":"2024-05-01T12:00:00Z","evseId":1,"connectorId":1}`)
	fmt.Println(ocpp.CodeOf(ocpp201.Unmarshal(bad, req, ocpp201.Strict)).For(ocpp.OCPP201))
	// Output:
	// 1 1 Occupied
	// ocpp: PropertyConstraintViolation: connectorStatus: unknown value "Charging"
	// PropertyConstraintViolation
	// OccurrenceConstraintViolation
}

// Replies are built as Go values, checked with Validate and marshalled with
// encoding/json.
func ExampleMessage_Validate() {
	res := ocpp201.BootNotificationResponse{
		CurrentTime: ocpp201.DateTime{},
		Interval:    300,
		Status:      ocpp201.RegistrationStatusAccepted,
	}
	fmt.Println(res.Validate())
	res.CurrentTime = ocpp201.NewDateTime(res.CurrentTime.AddDate(2024, 4, 0))
	b, _ := json.Marshal(res)
	fmt.Println(res.Validate(), string(b))
	// Output:
	// ocpp: OccurenceConstraintViolation: currentTime: required property missing
	// <nil> {"currentTime":"2025-05-01T00:00:00.000Z","interval":300,"status":"Accepted"}
}
