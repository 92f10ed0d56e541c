package ocpptest_test

import (
	"context"
	"encoding/json"
	"log"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// A charge point boots, answers RemoteStartTransaction by charging, and
// reports a few meter values. (Compile-only: it needs a Central System.)
func Example() {
	ctx := context.Background()
	cp, err := ocpptest.Dial(ctx, "ws://127.0.0.1:8080/ocpp", "CP-001", &ocpptest.Options{Password: "machine-key"})
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Close()

	boot, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Wallbox"})
	if err != nil || boot.Status != ocpp16.RegistrationStatusAccepted {
		log.Fatal(boot.Status, err)
	}
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
		log.Fatal(err)
	}

	started := make(chan string, 1)
	ocpptest.On(cp, func(ctx context.Context, req ocpp16.RemoteStartTransactionRequest) (any, error) {
		return ocpptest.ReplyThen(ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusAccepted},
			func() { started <- req.IdTag }), nil
	})
	idTag := <-started

	s, err := cp.StartSession(ctx, 1, idTag, 10_000)
	if err != nil {
		log.Fatal(err)
	}
	for i := range 3 {
		energy := 10_000 + float64(i+1)*30
		if err := s.Meter(ctx, ocpptest.Reading{EnergyWh: energy, PowerW: 11_000, SoC: 40 + float64(i)}); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := s.Stop(ctx, ocpp16.ReasonLocal); err != nil {
		log.Fatal(err)
	}
}

// Protocol tests send frames as they are and read the raw reply.
func ExampleChargePoint_CallRaw() {
	ctx := context.Background()
	cp, err := ocpptest.Dial(ctx, "ws://127.0.0.1:8080/ocpp", "CP-001", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Close()
	reply, err := cp.CallRaw(ctx, []byte(`[2,"m-1","Authorize",{"idTag":"this idTag is far too long"}]`))
	if err != nil {
		log.Fatal(err)
	}
	details, _ := json.Marshal(reply.ErrorDetails)
	log.Println(reply.ErrorCode, reply.ErrorDescription, string(details))
}
