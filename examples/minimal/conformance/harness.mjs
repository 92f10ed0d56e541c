// The part of a conformance client that does not depend on the OCPP
// version (client.mjs: 1.6, client201.mjs: 2.0.1): the command line, a
// strict ocpp-rpc client that fails the run on any schema violation,
// malformed frame, CALLERROR or lost connection, scripted calls with checks
// of their replies, valid answers to the Central System's calls, the
// OCPP_CONFORMANCE_AWAIT_CALLS wait, the overall timeout and the JSON
// summary printed as the last line on stdout.
import ocppRPC from 'ocpp-rpc';

const { RPCClient } = ocppRPC;

const OVERALL_TIMEOUT_MS = Number(process.env.OCPP_CONFORMANCE_TIMEOUT_MS || 60000);

// createRun parses the command line of script and connects nothing yet.
// summaryFields are merged into the summary the run prints.
export function createRun({ script, protocol, summaryFields }) {
    const [endpoint, identity, passwordArg] = process.argv.slice(2);
    if (!endpoint || !identity) {
        process.stderr.write(`usage: node ${script} <ws-url-base> <identity> [password]\n`);
        process.exit(2);
    }
    const password = passwordArg || process.env.OCPP_CP_PASSWORD || undefined;
    const awaitCalls = Number(process.env.OCPP_CONFORMANCE_AWAIT_CALLS || 0);
    if (!Number.isInteger(awaitCalls) || awaitCalls < 0) {
        process.stderr.write('OCPP_CONFORMANCE_AWAIT_CALLS must be a non-negative integer\n');
        process.exit(2);
    }

    const summary = {
        identity,
        endpoint,
        protocol: null,
        ...summaryFields,
        framesSent: 0,
        framesReceived: 0,
        callsReceived: [], // CSMS-initiated actions, in order
        steps: [],
        failures: [],
        ok: false,
    };
    const failures = summary.failures;
    let finished = false; // set once the scripted run is over (a close is then expected)

    function fail(msg) {
        failures.push(msg);
        process.stderr.write(`conformance: FAIL: ${msg}\n`);
    }

    const client = new RPCClient({
        endpoint,
        identity,
        password,
        protocols: [protocol],
        strictMode: true,
        reconnect: false,
        callTimeoutMs: 15000,
        // Be strict about framing too: the first bad frame closes the socket.
        maxBadMessages: 0,
    });

    // Strict-mode failures in either direction. Inbound CALLRESULTs that
    // fail validation also reject the pending call; inbound CALLs that fail
    // are answered with a CALLERROR by ocpp-rpc and would otherwise go
    // unnoticed.
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
        if (!finished) fail(`disconnected during the run: code ${code} ${reason}`);
    });
    client.on('socketError', (err) => fail(`websocket error: ${errText(err)}`));

    let callWaiter = null; // resolves once awaitCalls CSMS calls have arrived

    return {
        client,
        summary,
        identity,
        fail,

        // connect opens the socket and fails unless protocol was agreed:
        // without it ocpp-rpc would validate nothing.
        async connect() {
            await client.connect();
            summary.protocol = client.protocol;
            if (client.protocol !== protocol) {
                throw new Error(`websocket subprotocol ${JSON.stringify(client.protocol)}, want ${JSON.stringify(protocol)}`);
            }
        },

        // call performs one CALL; any rejection (CALLERROR, strict-mode
        // failure of either frame, timeout, disconnect) or a reply check
        // returning a problem fails the whole run.
        async call(action, params, check) {
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
        },

        // answer registers a reply for each CSMS-initiated action of
        // replies; anything else gets ocpp-rpc's NotImplemented.
        answer(replies) {
            for (const [action, reply] of Object.entries(replies)) {
                client.handle(action, ({ params }) => {
                    summary.callsReceived.push(action);
                    if (callWaiter && summary.callsReceived.length >= awaitCalls) callWaiter();
                    return reply(params ?? {});
                });
            }
        },

        // awaitCalls, with OCPP_CONFORMANCE_AWAIT_CALLS=N, prints the
        // {"event":"ready",…} line (with ready's fields) and waits for the
        // Central System's N calls; the overall timeout fails the run if
        // they never come.
        async awaitCalls(ready) {
            if (awaitCalls === 0) return;
            const enough = new Promise((resolve) => { callWaiter = resolve; });
            if (summary.callsReceived.length >= awaitCalls) callWaiter();
            process.stdout.write(JSON.stringify({ event: 'ready', identity, ...ready, awaitCalls }) + '\n');
            await enough;
        },

        // run runs script, then closes and prints the summary, and exits:
        // 0 if nothing failed.
        run(script) {
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
            script().then(
                () => finish(failures.length ? 1 : 0),
                (err) => {
                    fail(err.message || errText(err));
                    finish(1);
                },
            );
        },
    };
}

// accepted is a reply check: the status get returns must be Accepted.
export const accepted = (get) => (res) => {
    const status = get(res);
    return status === 'Accepted' ? null : `status ${JSON.stringify(status)}, want "Accepted"`;
};

export function errText(err) {
    if (!err) return String(err);
    const parts = [err.rpcErrorCode, err.name !== 'Error' ? err.name : null, err.message].filter(Boolean);
    let s = parts.join(': ');
    if (err.details && Object.keys(err.details).length) s += ' ' + JSON.stringify(err.details);
    return s;
}
