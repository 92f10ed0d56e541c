// A strict OCPP 1.6J charge point built on ocpp-rpc (strictMode: every
// outbound and inbound CALL and CALLRESULT is validated against the official
// OCPP 1.6 JSON schemas that ocpp-rpc ships). It runs one complete charging
// session against a Central System and exits non-zero on the first problem:
// a rejected call, a CALLERROR, a schema violation in either direction, a
// malformed frame, a lost connection or an unexpected reply.
//
//	node client.mjs <ws-url-base> <identity> [password]
//
// e.g. node client.mjs ws://127.0.0.1:8080/ocpp CP-1. The password (also
// read from OCPP_CP_PASSWORD) is sent with HTTP Basic auth. It prints a JSON
// summary as the last line on stdout, with ok true on success:
//
//	{"identity":…,"transactionId":…,"framesSent":…,"framesReceived":…,"ok":true,…}
//
// With OCPP_CONFORMANCE_AWAIT_CALLS=N it stays connected after the session
// until the Central System has made N calls (answered validly, see replies),
// first printing the line {"event":"ready",…} on stdout so a driver knows
// when to send them. Diagnostics (with OCPP_CONFORMANCE_VERBOSE=1 every
// frame) go to stderr.
import { accepted, createRun } from './harness.mjs';

const PROTOCOL = 'ocpp1.6';
const ID_TAG = 'CONFORMANCE-TAG-1'; // IdToken: CiString20Type
const CONNECTOR = 1;
const METER_START = 1000; // Wh
const METER_STOP = 8500; // Wh

const cp = createRun({
    script: 'client.mjs',
    protocol: PROTOCOL,
    summaryFields: {
        transactionId: null,
        meterStart: METER_START,
        meterStop: METER_STOP,
        sampledValues: 0, // sampled values sent: MeterValues + StopTransaction.transactionData
    },
});
const { summary, call } = cp;

// Valid replies to every CSMS-initiated OCPP 1.6 action. The scripted session
// is under way, so requests that would start or stop charging are rejected
// (Rejected is a valid answer); the replies are validated by strict mode too.
const replies = {
    CancelReservation: () => ({ status: 'Rejected' }),
    ChangeAvailability: () => ({ status: 'Accepted' }),
    ChangeConfiguration: () => ({ status: 'Accepted' }),
    ClearCache: () => ({ status: 'Accepted' }),
    ClearChargingProfile: () => ({ status: 'Unknown' }),
    DataTransfer: () => ({ status: 'UnknownVendorId' }),
    GetCompositeSchedule: () => ({ status: 'Rejected' }),
    GetConfiguration: ({ key }) => {
        const known = {
            HeartbeatInterval: '300',
            MeterValueSampleInterval: '60',
            MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC',
            NumberOfConnectors: '1',
        };
        const wanted = key && key.length ? key : Object.keys(known);
        return {
            configurationKey: wanted.filter((k) => k in known).map((k) => ({ key: k, readonly: false, value: known[k] })),
            unknownKey: wanted.filter((k) => !(k in known)),
        };
    },
    GetDiagnostics: () => ({}),
    GetLocalListVersion: () => ({ listVersion: 0 }),
    RemoteStartTransaction: () => ({ status: 'Rejected' }),
    RemoteStopTransaction: () => ({ status: 'Rejected' }),
    ReserveNow: () => ({ status: 'Rejected' }),
    Reset: () => ({ status: 'Rejected' }),
    SendLocalList: () => ({ status: 'NotSupported' }),
    SetChargingProfile: () => ({ status: 'NotSupported' }),
    TriggerMessage: () => ({ status: 'Rejected' }),
    UnlockConnector: () => ({ status: 'NotSupported' }),
    UpdateFirmware: () => ({}),
};
cp.answer(replies); // anything else (not an OCPP 1.6 action) gets ocpp-rpc's NotImplemented

function status(connectorId, st, timestamp) {
    return call('StatusNotification', {
        connectorId,
        errorCode: 'NoError',
        status: st,
        timestamp: timestamp.toISOString(),
    });
}

function sampled(energyWh, powerW, currentA, voltageV, soc) {
    const ctx = 'Sample.Periodic';
    return [
        { value: String(energyWh), context: ctx, format: 'Raw', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
        { value: powerW.toFixed(1), context: ctx, format: 'Raw', measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
        { value: currentA.toFixed(2), context: ctx, format: 'Raw', measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
        { value: voltageV.toFixed(1), context: ctx, format: 'Raw', measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
        { value: String(soc), context: ctx, format: 'Raw', measurand: 'SoC', location: 'EV', unit: 'Percent' },
    ];
}

async function session() {
    await cp.connect();

    // The session happened in the recent past: readings in order, none in the future.
    const t0 = Date.now() - 10 * 60 * 1000;
    const at = (min) => new Date(t0 + min * 60 * 1000);

    await call('BootNotification', {
        chargePointVendor: 'ocppkit-conformance',
        chargePointModel: 'ocpp-rpc-strict',
        chargePointSerialNumber: 'CONF-0001',
        chargeBoxSerialNumber: 'CONF-BOX-0001',
        firmwareVersion: '2.2.1',
        meterType: 'ocpp-rpc meter',
        meterSerialNumber: 'MTR-0001',
    }, (res) => {
        if (res.status !== 'Accepted') return `status ${JSON.stringify(res.status)}, want "Accepted"`;
        if (!(res.interval > 0)) return `interval ${res.interval}, want > 0`;
        if (Number.isNaN(Date.parse(res.currentTime))) return `currentTime ${JSON.stringify(res.currentTime)} is not a date`;
        return null;
    });
    await call('Heartbeat', {}, (res) =>
        Number.isNaN(Date.parse(res.currentTime)) ? `currentTime ${JSON.stringify(res.currentTime)} is not a date` : null);

    await status(0, 'Available', at(0));
    await status(CONNECTOR, 'Available', at(0));
    await call('Authorize', { idTag: ID_TAG }, accepted((r) => r.idTagInfo?.status));
    await status(CONNECTOR, 'Preparing', at(0.5));

    const start = await call('StartTransaction', {
        connectorId: CONNECTOR,
        idTag: ID_TAG,
        meterStart: METER_START,
        timestamp: at(1).toISOString(),
    }, (res) => {
        if (res.idTagInfo?.status !== 'Accepted') return `idTagInfo.status ${JSON.stringify(res.idTagInfo?.status)}, want "Accepted"`;
        if (!Number.isInteger(res.transactionId) || res.transactionId <= 0) return `transactionId ${res.transactionId}, want a positive integer`;
        return null;
    });
    const transactionId = start.transactionId;
    summary.transactionId = transactionId;

    await status(CONNECTOR, 'Charging', at(1.5));

    const readings = [
        // minute, Wh, W, A, V, SoC %
        [3, 3500, 7200.0, 31.3, 230.1, 42],
        [6, 6000, 7150.5, 31.1, 229.8, 55],
        [8, 8000, 6900.0, 30.0, 230.0, 63],
    ];
    for (const [min, wh, w, a, v, soc] of readings) {
        const sv = sampled(wh, w, a, v, soc);
        await call('MeterValues', {
            connectorId: CONNECTOR,
            transactionId,
            meterValue: [{ timestamp: at(min).toISOString(), sampledValue: sv }],
        });
        summary.sampledValues += sv.length;
    }

    const transactionData = [
        {
            timestamp: at(1).toISOString(),
            sampledValue: [{ value: String(METER_START), context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' }],
        },
        {
            timestamp: at(9).toISOString(),
            sampledValue: [
                { value: String(METER_STOP), context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
                { value: '66', context: 'Transaction.End', measurand: 'SoC', location: 'EV', unit: 'Percent' },
            ],
        },
    ];
    await call('StopTransaction', {
        transactionId,
        idTag: ID_TAG,
        meterStop: METER_STOP,
        timestamp: at(9).toISOString(),
        reason: 'EVDisconnected',
        transactionData,
    }, (res) => {
        // idTagInfo is optional in StopTransaction.conf; when present it must accept the tag.
        if (res.idTagInfo && res.idTagInfo.status !== 'Accepted') return `idTagInfo.status ${JSON.stringify(res.idTagInfo.status)}, want "Accepted"`;
        return null;
    });
    summary.sampledValues += transactionData.reduce((n, mv) => n + mv.sampledValue.length, 0);

    await status(CONNECTOR, 'Finishing', at(9.5));
    await status(CONNECTOR, 'Available', at(10));

    await cp.awaitCalls({ transactionId });
}

cp.run(session);
