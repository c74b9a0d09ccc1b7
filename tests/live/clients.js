// SPDX-License-Identifier: GPL-2.0-or-later
// clients.js — third-party S7 clients (snap7 through node-snap7, and nodes7) doing what the
// live tests ask, printing one JSON line per step with what the library reported.
//   node clients.js snap7|nodes7 HOST PORT RACK SLOT STEP...
// S7_TIMEOUT_MS sets the libraries' timeouts (default 1500).
// STEP: read:DB:START:LEN  write:DB:START:BYTE  readm:START:LEN (M area)  hold:MS
//       multi:DB:COUNT:LEN (snap7: one Read Var job of COUNT items of LEN bytes)
'use strict';
const [lib, host, port, rack, slot, ...steps] = process.argv.slice(2);
const out = (o) => console.log(JSON.stringify(Object.assign({ lib }, o)));
const done = (code) => setTimeout(() => process.exit(code), 50);
const timeoutMs = Number(process.env.S7_TIMEOUT_MS || 1500);

function runSnap7() {
  const snap7 = require('node-snap7');
  const c = new snap7.S7Client();
  c.SetParam(c.RemotePort, Number(port));
  c.SetParam(c.RecvTimeout, timeoutMs);
  c.ConnectTo(host, Number(rack), Number(slot), (err) => {
    if (err) { out({ step: 'connect', ok: false, error: c.ErrorText(err) }); return done(1); }
    out({ step: 'connect', ok: true });
    let i = 0;
    const next = () => {
      if (i >= steps.length) { c.Disconnect(); return done(0); }
      const [op, a, b, d] = steps[i++].split(':');
      const report = (step) => (e, data) => {
        out({ step, ok: !e, error: e ? c.ErrorText(e) : undefined, data: data && data.length ? data.toString('hex') : undefined });
        next();
      };
      if (op === 'read') c.DBRead(Number(a), Number(b), Number(d), report(`read DB${a}.${b}x${d}`));
      else if (op === 'write') c.DBWrite(Number(a), Number(b), 1, Buffer.from([Number(d)]), report(`write DB${a}.${b}`));
      else if (op === 'readm') c.MBRead(Number(a), Number(b), report(`read MB${a}x${b}`));
      else if (op === 'hold') setTimeout(next, Number(a));
      else if (op === 'multi') {
        const items = [];
        for (let k = 0; k < Number(b); k++)
          items.push({ Area: c.S7AreaDB, WordLen: c.S7WLByte, DBNumber: Number(a), Start: k * Number(d), Amount: Number(d) });
        c.ReadMultiVars(items, (e) => { out({ step: `multi DB${a} ${b}x${d}`, ok: !e, error: e ? c.ErrorText(e) : undefined }); next(); });
      }
      else { out({ step: op, ok: false, error: 'unknown step' }); next(); }
    };
    next();
  });
}

function runNodes7() {
  const NodeS7 = require('nodes7');
  const logged = [];
  const origLog = console.log;
  console.log = (...args) => logged.push(args.join(' '));   // nodes7 reports through console.log
  const restore = () => { console.log = origLog; };
  const c = new NodeS7({ silent: false });
  c.initiateConnection({ host, port: Number(port), rack: Number(rack), slot: Number(slot), timeout: timeoutMs }, (err) => {
    restore();
    if (err) { const text = err instanceof Error ? err.message
      : (err && typeof err === 'object') ? (err.message || err.code || JSON.stringify(err)) : String(err);
    out({ step: 'connect', ok: false, error: text, log: logged.splice(0) }); return done(1); }
    out({ step: 'connect', ok: true });
    let i = 0;
    const next = () => {
      if (i >= steps.length) { c.dropConnection(() => done(0)); return; }
      const [op, a, b, d] = steps[i++].split(':');
      if (op === 'hold') return setTimeout(next, Number(a));
      const addr = op === 'readm' ? `MB${a}` : `DB${a},BYTE${b}${op === 'read' && Number(d) > 1 ? '.' + d : ''}`;
      console.log = (...args) => logged.push(args.join(' '));
      const finish = (bad, values) => {
        restore();
        const errs = logged.splice(0).filter((l) => /error|invalid|code|fail/i.test(l));
        out({ step: `${op} ${addr}`, ok: !bad, error: bad ? errs.join(' | ') || 'bad quality' : undefined,
              data: values ? JSON.stringify(values) : undefined });
        next();
      };
      if (op === 'write') {
        c.writeItems(addr, Number(d), (bad) => finish(bad));
      } else {
        c.removeItems();
        c.addItems(addr);
        c.readAllItems((bad, values) => finish(bad, values));
      }
    };
    next();
  });
  setTimeout(() => { restore(); out({ step: 'timeout', ok: false, error: 'no answer within 8 s', log: logged }); process.exit(1); }, 8000);
}

if (lib === 'snap7') runSnap7();
else if (lib === 'nodes7') runNodes7();
else { console.error('usage: clients.js snap7|nodes7 HOST PORT RACK SLOT STEP...'); process.exit(2); }
