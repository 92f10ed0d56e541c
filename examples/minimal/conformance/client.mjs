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
import ocppRPC from 'ocpp-rpc';

const { RPCClient } = ocppRPC;

const PROTOCOL = 'ocpp1.6';
const ID_TAG = 'CONFORMANCE-TAG-1'; // IdToken: CiString20Type
const CONNECTOR = 1;
const METER_START = 1000; // Wh
const METER_STOP = 8500; // Wh
const OVERALL_TIMEOUT_MS = Number(process.env.OCPP_CONFORMANCE_TIMEOUT_MS || 60000);

const [endpoint, identity, passwordArg] = process.argv.slice(2);
if (!endpoint || !identity) {
    process.stderr.write('usage: node client.mjs <ws-url-base> <identity> [password]\n');
    process.exit(2);
}
const password = passwordArg || process.env.OCPP_CP_PASSWORD || undefined;
const AWAIT_CALLS = Number(process.env.OCPP_CONFORMANCE_AWAIT_CALLS || 0);
if (!Number.isInteger(AWAIT_CALLS) || AWAIT_CALLS < 0) {
    process.stderr.write('OCPP_CONFORMANCE_AWAIT_CALLS must be a non-negative integer\n');
    process.exit(2);
}

const summary = {
    identity,
    endpoint,
    protocol: null,
    transactionId: null,
    meterStart: METER_START,
    meterStop: METER_STOP,
    sampledValues: 0, // sampled values sent: MeterValues + StopTransaction.transactionData
    framesSent: 0,
    framesReceived: 0,
    callsReceived: [], // CSMS-initiated actions, in order
    steps: [],
    failures: [],
    ok: false,
};

const failures = summary.failures;
let finished = false; // set once the scripted session is over (a close is then expected)

function fail(msg) {
    failures.push(msg);
    process.stderr.write(`conformance: FAIL: ${msg}\n`);
}

function errText(err) {
    if (!err) return String(err);
    const parts = [err.rpcErrorCode, err.name !== 'Error' ? err.name : null, err.message].filter(Boolean);
    let s = parts.join(': ');
    if (err.details && Object.keys(err.details).length) {
        s += ' ' + JSON.stringify(err.details);
    }
    return s;
}

const client = new RPCClient({
    endpoint,
    identity,
    password,
    protocols: [PROTOCOL],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 15000,
    // Be strict about framing too: the first bad frame closes the socket.
    maxBadMessages: 0,
});

// Strict-mode failures in either direction. Inbound CALLRESULTs that fail
// validation also reject the pending call; inbound CALLs that fail are
// answered with a CALLERROR by ocpp-rpc and would otherwise go unnoticed.
client.on('strictValidationFailure', (ev) => {
    const dir = ev.outbound ? 'outbound' : 'inbound';
    const kind = ev.isCall ? 'CALL' : 'CALLRESULT';
    fail(`strict validation of ${dir} ${ev.method} ${kind} (id ${ev.messageId}) failed: ${errText(ev.error)}; ` +
        `params=${JSON.stringify(ev.params)}${ev.isCall ? '' : ` result=${JSON.stringify(ev.result)}`}`);
});
client.on('badMessage', ({ buffer, error }) => {
    fail(`malformed frame from the Central System: ${errText(error)}; frame=${buffer?.toString()}`);
});
client.on('message', ({ message, outbound }) => {
    if (outbound) summary.framesSent++;
    else summary.framesReceived++;
    if (process.env.OCPP_CONFORMANCE_VERBOSE) {
        process.stderr.write(`${outbound ? '>>' : '<<'} ${message.toString()}\n`);
    }
});
client.on('callError', ({ outbound, method, error }) => {
    // outbound === false: a CSMS-initiated call we answered with a CALLERROR.
    if (!outbound) fail(`answered the Central System's ${method} with a CALLERROR: ${errText(error)}`);
});
client.on('disconnect', ({ code, reason }) => {
    if (!finished) fail(`disconnected during the session: code ${code} ${reason}`);
});
client.on('socketError', (err) => fail(`websocket error: ${errText(err)}`));

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
let callWaiter = null; // resolves once AWAIT_CALLS CSMS calls have arrived
for (const [action, reply] of Object.entries(replies)) {
    client.handle(action, ({ params }) => {
        summary.callsReceived.push(action);
        if (callWaiter && summary.callsReceived.length >= AWAIT_CALLS) callWaiter();
        return reply(params ?? {});
    });
}
// Anything else (not an OCPP 1.6 action) gets ocpp-rpc's NotImplemented.

// call performs one CALL; any rejection (CALLERROR, strict-mode failure of
// either frame, timeout, disconnect) is a failure of the whole run.
async function call(action, params, check) {
    let res;
    try {
        res = await client.call(action, params);
    } catch (err) {
        throw new Error(`${action} failed: ${errText(err)}`);
    }
    if (check) {
        const problem = check(res);
        if (problem) throw new Error(`${action}: ${problem}; reply=${JSON.stringify(res)}`);
    }
    summary.steps.push(action);
    return res;
}

const accepted = (get) => (res) => {
    const status = get(res);
    return status === 'Accepted' ? null : `status ${JSON.stringify(status)}, want "Accepted"`;
};

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
    await client.connect();
    summary.protocol = client.protocol;
    if (client.protocol !== PROTOCOL) {
        // Without an agreed ocpp1.6 subprotocol ocpp-rpc would not validate
        // anything, so this alone must fail the run.
        throw new Error(`websocket subprotocol ${JSON.stringify(client.protocol)}, want ${JSON.stringify(PROTOCOL)}`);
    }

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

    if (AWAIT_CALLS > 0) {
        const enough = new Promise((resolve) => { callWaiter = resolve; });
        if (summary.callsReceived.length >= AWAIT_CALLS) callWaiter();
        process.stdout.write(JSON.stringify({ event: 'ready', identity, transactionId, awaitCalls: AWAIT_CALLS }) + '\n');
        await enough; // the overall timeout fails the run if they never come
    }
}

const timer = setTimeout(() => {
    fail(`timed out after ${OVERALL_TIMEOUT_MS} ms`);
    finish(1);
}, OVERALL_TIMEOUT_MS);

let exiting = false;
async function finish(code) {
    if (exiting) return;
    exiting = true;
    finished = true;
    clearTimeout(timer);
    try {
        await client.close({ code: 1000, reason: 'conformance run done', awaitPending: code === 0 });
    } catch (err) {
        if (code === 0) fail(`close: ${errText(err)}`);
    }
    if (failures.length) code = 1;
    summary.ok = code === 0;
    process.stdout.write(JSON.stringify(summary) + '\n');
    process.exit(code);
}

session().then(
    () => finish(failures.length ? 1 : 0),
    (err) => {
        fail(err.message || errText(err));
        finish(1);
    },
);
