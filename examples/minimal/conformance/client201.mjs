// A strict OCPP 2.0.1 charging station built on ocpp-rpc (strictMode: every
// outbound and inbound CALL and CALLRESULT is validated against the official
// OCPP 2.0.1 JSON schemas that ocpp-rpc ships). It runs one complete
// transaction against a CSMS — BootNotification, Heartbeat,
// StatusNotification, Authorize, TransactionEvent Started, Updated (meter
// values) and Ended — and exits non-zero on the first problem: a rejected
// call, a CALLERROR, a schema violation in either direction, a malformed
// frame, a lost connection or an unexpected reply.
//
//	node client201.mjs <ws-url-base> <identity> [password]
//
// It prints a JSON summary as the last line on stdout, with ok true on
// success. With OCPP_CONFORMANCE_AWAIT_CALLS=N it stays connected after the
// transaction until the CSMS has made N calls, answering every CSMS→station
// action of 2.0.1 validly (see replies; GetBaseReport is followed by a
// NotifyReport), first printing {"event":"ready",…} on stdout. Diagnostics
// (with OCPP_CONFORMANCE_VERBOSE=1 every frame) go to stderr.
import { accepted, createRun, errText } from './harness.mjs';

const PROTOCOL = 'ocpp2.0.1';
const ID_TOKEN = { idToken: 'CONFORMANCE-TOKEN-201', type: 'ISO14443' };
const EVSE = 1;
const CONNECTOR = 1;
const TRANSACTION_ID = 'CONF-TX-201';
const METER_START = 1000; // Wh
const METER_STOP = 8500; // Wh

const cs = createRun({
    script: 'client201.mjs',
    protocol: PROTOCOL,
    summaryFields: {
        transactionId: TRANSACTION_ID,
        meterStart: METER_START,
        meterStop: METER_STOP,
        sampledValues: 0, // sampled values sent in TransactionEvents
    },
});
const { summary, call, fail } = cs;

// Calls the station makes after answering a CSMS call (NotifyReport after
// GetBaseReport); the run waits for them before closing.
const followUps = [];
function after(fn) {
    followUps.push(new Promise((resolve) => setTimeout(resolve, 0)).then(fn).catch((err) => fail(err.message || errText(err))));
}

// Valid replies to every CSMS-initiated OCPP 2.0.1 action. The transaction
// is over, so requests to start, stop, reserve or reset are rejected
// (valid answers); strict mode validates each reply too.
const replies = {
    CancelReservation: () => ({ status: 'Rejected' }),
    CertificateSigned: () => ({ status: 'Rejected' }),
    ChangeAvailability: () => ({ status: 'Accepted' }),
    ClearCache: () => ({ status: 'Accepted' }),
    ClearChargingProfile: () => ({ status: 'Unknown' }),
    ClearDisplayMessage: () => ({ status: 'Unknown' }),
    ClearVariableMonitoring: ({ id }) => ({ clearMonitoringResult: id.map((i) => ({ status: 'NotFound', id: i })) }),
    CostUpdated: () => ({}),
    CustomerInformation: () => ({ status: 'Accepted' }),
    DataTransfer: () => ({ status: 'UnknownVendorId' }),
    DeleteCertificate: () => ({ status: 'NotFound' }),
    GetBaseReport: ({ requestId }) => {
        after(() => call('NotifyReport', {
            requestId,
            generatedAt: new Date().toISOString(),
            seqNo: 0,
            tbc: false,
            reportData: [
                {
                    component: { name: 'TxCtrlr' },
                    variable: { name: 'EVConnectionTimeOut' },
                    variableAttribute: [{ type: 'Actual', value: '90', mutability: 'ReadWrite', persistent: true }],
                    variableCharacteristics: { unit: 's', dataType: 'integer', supportsMonitoring: false },
                },
                {
                    component: { name: 'EVSE', evse: { id: EVSE } },
                    variable: { name: 'Power' },
                    variableAttribute: [{ type: 'Actual', value: '0', mutability: 'ReadOnly' }],
                    variableCharacteristics: { unit: 'W', dataType: 'decimal', maxLimit: 22000, supportsMonitoring: true },
                },
            ],
        }));
        return { status: 'Accepted' };
    },
    GetChargingProfiles: () => ({ status: 'NoProfiles' }),
    GetCompositeSchedule: () => ({ status: 'Rejected' }),
    GetDisplayMessages: () => ({ status: 'Unknown' }),
    GetInstalledCertificateIds: () => ({ status: 'NotFound' }),
    GetLocalListVersion: () => ({ versionNumber: 0 }),
    GetLog: () => ({ status: 'Rejected' }),
    GetMonitoringReport: () => ({ status: 'EmptyResultSet' }),
    GetReport: () => ({ status: 'EmptyResultSet' }),
    GetTransactionStatus: () => ({ messagesInQueue: false, ongoingIndicator: false }),
    GetVariables: ({ getVariableData }) => ({
        getVariableResult: getVariableData.map(({ component, variable }) =>
            component.name === 'OCPPCommCtrlr' && variable.name === 'HeartbeatInterval'
                ? { attributeStatus: 'Accepted', attributeValue: '300', component, variable }
                : { attributeStatus: 'UnknownVariable', component, variable }),
    }),
    InstallCertificate: () => ({ status: 'Rejected' }),
    PublishFirmware: () => ({ status: 'Rejected' }),
    RequestStartTransaction: () => ({ status: 'Rejected' }),
    RequestStopTransaction: () => ({ status: 'Rejected' }),
    ReserveNow: () => ({ status: 'Rejected' }),
    Reset: () => ({ status: 'Rejected' }),
    SendLocalList: () => ({ status: 'Failed' }),
    SetChargingProfile: () => ({ status: 'Rejected' }),
    SetDisplayMessage: () => ({ status: 'Rejected' }),
    SetMonitoringBase: () => ({ status: 'NotSupported' }),
    SetMonitoringLevel: () => ({ status: 'Rejected' }),
    SetNetworkProfile: () => ({ status: 'Rejected' }),
    SetVariableMonitoring: ({ setMonitoringData }) => ({
        setMonitoringResult: setMonitoringData.map(({ type, severity, component, variable }) =>
            ({ status: 'Rejected', type, severity, component, variable })),
    }),
    SetVariables: ({ setVariableData }) => ({
        setVariableResult: setVariableData.map(({ component, variable }) => ({ attributeStatus: 'Accepted', component, variable })),
    }),
    TriggerMessage: () => ({ status: 'Rejected' }),
    UnlockConnector: () => ({ status: 'Unlocked' }),
    UnpublishFirmware: () => ({ status: 'NoFirmware' }),
    UpdateFirmware: () => ({ status: 'Rejected' }),
};
cs.answer(replies);

function status(st, timestamp) {
    return call('StatusNotification', { timestamp: timestamp.toISOString(), connectorStatus: st, evseId: EVSE, connectorId: CONNECTOR });
}

function energy(wh, context, timestamp) {
    return { timestamp: timestamp.toISOString(), sampledValue: [{ value: wh, context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: { unit: 'Wh' } }] };
}

function sampled(energyWh, powerW, currentA, voltageV, soc) {
    const context = 'Sample.Periodic';
    return [
        { value: energyWh, context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unitOfMeasure: { unit: 'Wh' } },
        { value: powerW, context, measurand: 'Power.Active.Import', location: 'Outlet', unitOfMeasure: { unit: 'W' } },
        { value: currentA, context, measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unitOfMeasure: { unit: 'A' } },
        { value: voltageV, context, measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unitOfMeasure: { unit: 'V' } },
        { value: soc, context, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
    ];
}

async function session() {
    await cs.connect();
    const t0 = Date.now() - 10 * 60 * 1000;
    const at = (min) => new Date(t0 + min * 60 * 1000);

    await call('BootNotification', {
        chargingStation: { vendorName: 'ocppkit-conformance', model: 'ocpp-rpc-strict', serialNumber: 'CONF-0201', firmwareVersion: '2.2.1' },
        reason: 'PowerUp',
    }, (res) => {
        if (res.status !== 'Accepted') return `status ${JSON.stringify(res.status)}, want "Accepted"`;
        if (!(res.interval > 0)) return `interval ${res.interval}, want > 0`;
        if (Number.isNaN(Date.parse(res.currentTime))) return `currentTime ${JSON.stringify(res.currentTime)} is not a date`;
        return null;
    });
    await call('Heartbeat', {}, (res) =>
        Number.isNaN(Date.parse(res.currentTime)) ? `currentTime ${JSON.stringify(res.currentTime)} is not a date` : null);
    await status('Available', at(0));
    await call('Authorize', { idToken: ID_TOKEN }, accepted((r) => r.idTokenInfo?.status));
    await status('Occupied', at(0.5));

    let seqNo = 0;
    const event = (eventType, triggerReason, minute, extra) => call('TransactionEvent', {
        eventType,
        timestamp: at(minute).toISOString(),
        triggerReason,
        seqNo: seqNo++,
        ...extra,
    });
    const begin = [energy(METER_START, 'Transaction.Begin', at(1))];
    await event('Started', 'Authorized', 1, {
        transactionInfo: { transactionId: TRANSACTION_ID, chargingState: 'Charging' },
        evse: { id: EVSE, connectorId: CONNECTOR },
        idToken: ID_TOKEN,
        meterValue: begin,
    }).then((res) => {
        if (res.idTokenInfo?.status !== 'Accepted') throw new Error(`TransactionEvent Started: idTokenInfo.status ${JSON.stringify(res.idTokenInfo?.status)}, want "Accepted"`);
    });
    summary.sampledValues += 1;

    const readings = [
        // minute, Wh, W, A, V, SoC %
        [3, 3500, 7200.0, 31.3, 230.1, 42],
        [6, 6000, 7150.5, 31.1, 229.8, 55],
        [8, 8000, 6900.0, 30.0, 230.0, 63],
    ];
    for (const [min, wh, w, a, v, soc] of readings) {
        const sv = sampled(wh, w, a, v, soc);
        await event('Updated', 'MeterValuePeriodic', min, {
            transactionInfo: { transactionId: TRANSACTION_ID, chargingState: 'Charging' },
            meterValue: [{ timestamp: at(min).toISOString(), sampledValue: sv }],
        });
        summary.sampledValues += sv.length;
    }

    const end = energy(METER_STOP, 'Transaction.End', at(9));
    end.sampledValue.push({ value: 66, context: 'Transaction.End', measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } });
    await event('Ended', 'EVCommunicationLost', 9, {
        transactionInfo: { transactionId: TRANSACTION_ID, chargingState: 'EVConnected', stoppedReason: 'EVDisconnected' },
        meterValue: [end],
    });
    summary.sampledValues += end.sampledValue.length;
    await status('Available', at(10));

    await cs.awaitCalls({ transactionId: TRANSACTION_ID });
    await Promise.all(followUps);
}

cs.run(session);
