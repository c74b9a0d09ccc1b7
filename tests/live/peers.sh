# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the live tests: installs the third-party S7 peers (node-snap7 built with node-gyp,
# nodes7) from the npm registry into $build/live-peers once, and sets $peers to it.
# Needs $src, $build and a skip() function.
peers="$build/live-peers"
mkdir -p "$peers"
cp "$src/tests/live/package.json" "$src/tests/live/clients.js" "$src/tests/live/snap7_server.js" "$peers/"
if [ ! -f "$peers/node_modules/node-snap7/build/Release/node_snap7.node" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error) || skip "npm install failed"
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || gyp=$(command -v node-gyp)
  (cd "$peers/node_modules/node-snap7" && node "$gyp" rebuild --nodedir=/usr > "$peers/gyp.log" 2>&1) \
    || { tail -20 "$peers/gyp.log"; echo "FAIL: building node-snap7 with node-gyp"; exit 1; }
fi
