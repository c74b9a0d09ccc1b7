// SPDX-License-Identifier: GPL-2.0-or-later
// snap7_server.js — a third-party S7 server (snap7 through node-snap7) for the live tests.
//   node snap7_server.js PORT MAXCLIENTS DB:SIZE...   (runs until SIGTERM)
'use strict';
const snap7 = require('node-snap7');
const [port, maxClients, ...dbs] = process.argv.slice(2);
const s = new snap7.S7Server();
s.SetParam(s.LocalPort, Number(port));
s.SetParam(s.MaxClients, Number(maxClients));
for (const spec of dbs) {
  const [n, size] = spec.split(':').map(Number);
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 7 + n) & 0xff;
  s.RegisterArea(s.srvAreaDB, n, buf);
}
s.on('event', (e) => console.error('snap7 server:', s.EventText(e)));
s.StartTo('127.0.0.1', (err) => {
  if (err) { console.error('snap7 server: cannot start:', s.ErrorText(err)); process.exit(2); }
  console.error('snap7 server: listening on 127.0.0.1 port ' + port);
});
process.on('SIGTERM', () => { s.Stop(() => process.exit(0)); });
process.on('SIGINT', () => { s.Stop(() => process.exit(0)); });
